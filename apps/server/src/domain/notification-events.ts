/**
 * The events of the journal that operators integrate with (webhooks) and that members are told
 * about (in-app messages), derived from committed journal rows. A pure function of the rows and two
 * reads of the engine (a position's member, a withdrawal), so deriving a page twice gives the same
 * events with the same ids (`j<seq>.<n>`): the outbox can never hold one twice.
 */
import type { WebhookEvent } from "@zengzhi/contract";
import { formatMoney } from "@zengzhi/engine";

export interface JournalEntry {
  seq: number;
  command: string;
  result: string;
}

export type EventData = Record<string, string | number | boolean | null>;

export interface DerivedEvent {
  id: string;
  type: WebhookEvent;
  data: EventData;
}

export type MessageKind = "exit_reached" | "withdrawal_paid" | "withdrawal_rejected";

export interface DerivedMessage {
  eventId: string;
  member: string;
  kind: MessageKind;
  data: Record<string, string>;
}

/** What deriving reads from the engine; undefined when this node's copy has not seen it yet. */
export interface EventLookups {
  positionMember(position: number): string | undefined;
  withdrawal(id: number): { member: string; amount: bigint } | undefined;
}

interface Outcome {
  position?: number;
  points?: string;
  withdrawal?: number;
  exits?: number[];
  settled?: { order: number; position: number; points: string }[];
}

type Command = { type: string } & Record<string, unknown>;

/** Thrown when a lookup misses: the page is derived again later, once this node has caught up. */
export class NotCaughtUp extends Error {
  override name = "NotCaughtUp";
}

const text = (value: unknown): string => (typeof value === "string" ? value : String(value));

class Collector {
  readonly events: DerivedEvent[] = [];
  readonly messages: DerivedMessage[] = [];
  private n = 0;
  constructor(private readonly seq: number) {}

  event(type: WebhookEvent, data: EventData): string {
    const id = `j${this.seq}.${++this.n}`;
    this.events.push({ id, type, data });
    return id;
  }

  message(eventId: string, message: Omit<DerivedMessage, "eventId">): void {
    this.messages.push({ eventId, ...message });
  }
}

function orderEvents(out: Collector, command: Command, outcome: Outcome): void {
  const order = command.type === "orderPaid" ? text(command.order) : null;
  out.event("order.paid", {
    order,
    member: text(command.member),
    merchant: command.merchant === undefined ? null : text(command.merchant),
    amount: text(command.amount),
    channel: command.type === "orderPaid" ? "online" : "store",
  });
  if (outcome.points !== undefined && outcome.position !== undefined)
    out.event("points.issued", {
      member: text(command.member),
      position: outcome.position,
      points: outcome.points,
    });
}

function withdrawalEvents(out: Collector, command: Command, outcome: Outcome, lookups: EventLookups): void {
  const id = command.type === "withdraw" ? outcome.withdrawal : Number(command.withdrawal);
  if (id === undefined) return;
  const withdrawal = lookups.withdrawal(id);
  if (withdrawal === undefined) throw new NotCaughtUp(`withdrawal ${id}`);
  const data = { withdrawal: id, member: withdrawal.member, amount: formatMoney(withdrawal.amount) };
  const money = { withdrawal: String(id), amount: data.amount };
  if (command.type === "withdraw") out.event("withdrawal.requested", data);
  else if (command.type === "withdrawReject" || command.type === "withdrawReturn") {
    // A payout that failed returns the cash like a rejection; the reason tells them apart.
    const reason = command.type === "withdrawReject" ? "rejected" : "payout_failed";
    const eventId = out.event("withdrawal.failed", { ...data, reason });
    out.message(eventId, { member: withdrawal.member, kind: "withdrawal_rejected", data: money });
  } else if (command.type === "withdrawApprove") {
    // The payout follows (payouts.ts); the member hears of it when it arrives (withdrawPaid).
    out.event("withdrawal.approved", data);
  } else {
    const eventId = out.event("withdrawal.paid", data);
    out.message(eventId, { member: withdrawal.member, kind: "withdrawal_paid", data: money });
  }
}

function exitEvents(out: Collector, outcome: Outcome, lookups: EventLookups): void {
  for (const position of outcome.exits ?? []) {
    const member = lookups.positionMember(position);
    if (member === undefined) throw new NotCaughtUp(`position ${position}`);
    const eventId = out.event("position.exited", { position, member });
    out.message(eventId, { member, kind: "exit_reached", data: { position: String(position) } });
  }
}

/** The events and messages of one journal row (none for a rejected command). */
function deriveEntry(entry: JournalEntry, lookups: EventLookups, out: Collector): void {
  const result = JSON.parse(entry.result) as { ok: boolean; outcome?: Outcome };
  if (!result.ok) return;
  const outcome = result.outcome ?? {};
  const command = JSON.parse(entry.command) as Command;
  switch (command.type) {
    case "order":
    case "orderPaid":
    case "tillSale":
      orderEvents(out, command, outcome);
      break;
    case "withdraw":
    case "withdrawApprove":
    case "withdrawReject":
    case "withdrawPaid":
    case "withdrawReturn":
      withdrawalEvents(out, command, outcome, lookups);
      break;
    case "rules":
      out.event("rules.changed", { journalSeq: entry.seq });
      break;
    case "tip":
      if (outcome.points !== undefined && outcome.position !== undefined)
        out.event("points.issued", {
          member: text(command.member),
          position: outcome.position,
          points: outcome.points,
        });
      break;
  }
  for (const settled of outcome.settled ?? []) {
    const member = lookups.positionMember(settled.position);
    if (member === undefined) throw new NotCaughtUp(`position ${settled.position}`);
    out.event("points.issued", {
      member,
      position: settled.position,
      points: settled.points,
      order: String(settled.order),
    });
  }
  exitEvents(out, outcome, lookups);
}

/** Derives the events and messages of journal rows, in journal order. */
export function deriveNotifications(
  entries: readonly JournalEntry[],
  lookups: EventLookups,
): { events: DerivedEvent[]; messages: DerivedMessage[] } {
  const events: DerivedEvent[] = [];
  const messages: DerivedMessage[] = [];
  for (const entry of entries) {
    const out = new Collector(entry.seq);
    deriveEntry(entry, lookups, out);
    events.push(...out.events);
    messages.push(...out.messages);
  }
  return { events, messages };
}

// An in-memory merchant for tests: receives notifications over HTTP, verifies them with a
// provider, settles them against its own book of payments and answers as the provider expects.
// It shows the order of checks the service follows; refusals leave the book untouched.
import type { PaymentEvent, PaymentProvider, RefundInput } from "../provider.js";
import { settlePayment, type PaymentRecord, type Settlement } from "../settlement.js";
import { serve, type RunningServer } from "./http.js";

export interface ReceivedNotification {
  outcome: "applied" | "duplicate" | "refused";
  reason?: string;
  event?: PaymentEvent;
  settlement?: Settlement;
}

export class MemoryMerchant {
  readonly payments = new Map<string, PaymentRecord>();
  readonly refunds = new Map<string, "pending" | "succeeded" | "failed">();
  readonly transfers = new Map<string, "pending" | "succeeded" | "failed">();
  readonly log: ReceivedNotification[] = [];
  private readonly seen = new Set<string>();
  private server: RunningServer | undefined;

  constructor(
    private readonly provider: PaymentProvider,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async start(): Promise<this> {
    this.server = await serve(async (request) => {
      const ack = this.provider.acknowledge(await this.receive(request.headers, request.body));
      const headers: Record<string, string> = ack.contentType ? { "Content-Type": ack.contentType } : {};
      return { status: ack.status, headers, body: ack.body };
    });
    return this;
  }

  async stop(): Promise<void> {
    await this.server?.close();
  }

  get notifyUrl(): string {
    if (this.server === undefined) throw new Error("not started");
    return `${this.server.baseUrl}/notify`;
  }

  /** A snapshot of the book, to prove that a refused notification changed nothing. */
  snapshot(): string {
    const entries = (map: Map<string, unknown>) => [...map.entries()];
    return JSON.stringify(
      [entries(this.payments), entries(this.refunds), entries(this.transfers), [...this.seen]],
      (_, v: unknown) => (typeof v === "bigint" ? v.toString() : v),
    );
  }

  async receive(headers: Record<string, string | string[] | undefined>, rawBody: string): Promise<boolean> {
    const result = this.provider.verifyNotification({ headers, rawBody }, this.clock());
    if (!result.ok) return this.record({ outcome: "refused", reason: result.rejection });
    const { notificationId, event } = result.notification;
    if (this.seen.has(notificationId)) return this.record({ outcome: "duplicate", event });
    if (event.type === "refund_succeeded" || event.type === "refund_failed") {
      this.refunds.set(event.refundReference, event.type === "refund_succeeded" ? "succeeded" : "failed");
    } else if (event.type === "transfer_finished") {
      this.transfers.set(event.transferReference, event.state);
    } else {
      const settlement = settlePayment(event, this.payments.get(event.reference));
      if (settlement.action === "refused")
        return this.record({ outcome: "refused", reason: settlement.rejection, event });
      await this.apply(event, settlement);
      this.seen.add(notificationId);
      return this.record({ outcome: "applied", event, settlement });
    }
    this.seen.add(notificationId);
    return this.record({ outcome: "applied", event });
  }

  private async apply(event: PaymentEvent, settlement: Settlement): Promise<void> {
    if (event.type !== "payment_paid" && event.type !== "payment_closed") return;
    const record = this.payments.get(event.reference);
    if (record === undefined) return;
    if (settlement.action === "mark_paid") {
      this.payments.set(event.reference, {
        ...record,
        state: "paid",
        providerReference: settlement.providerReference,
      });
    } else if (settlement.action === "close") {
      this.payments.set(event.reference, { ...record, state: "cancelled" });
    } else if (settlement.action === "refund") {
      const input: RefundInput = {
        reference: event.reference,
        refundReference: `R${event.reference}`.slice(0, 64),
        amountFen: settlement.amountFen,
        totalFen: settlement.amountFen,
        reason: "order cancelled before payment arrived",
        notifyUrl: this.notifyUrl,
      };
      const status = await this.provider.refund(input);
      this.refunds.set(input.refundReference, status.state);
    }
  }

  private record(entry: ReceivedNotification): boolean {
    this.log.push(entry);
    return entry.outcome !== "refused";
  }
}

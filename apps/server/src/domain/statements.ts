/**
 * Statements (issue #13 item 2): a member's 资金明细 and 积分明细 and a merchant's statement, derived
 * from the journal by the engine's StatementProjector, so every line is what the engine did and the
 * lines add up to the balances. Each node keeps one projector per tenant that follows the journal
 * and stores the lines in app_statement_entries; a read first brings it up to the journal's end.
 * The projector replays from the tenant's first command once per process (a known cost: see
 * docs/OPERATIONS.md; starting it from a ledger snapshot is the way to lift it).
 */
import {
  Engine,
  type StatementAccount,
  type StatementEntry,
  type StatementKind,
  StatementProjector,
  formatMoney,
  formatPoints,
  loadRuleSet,
  parseCommand,
} from "@zengzhi/engine";
import {
  type StatementRow,
  insertStatementRows,
  selectGenesisRules,
  selectJournalAfter,
  selectStatementPage,
} from "../db/statements.js";
import { calendarOf } from "./day-close.js";
import { notFound } from "./errors.js";
import { type Page, decodeCursor, encodeCursor } from "./paging.js";
import type { Session } from "./auth.js";
import type { Services } from "./services.js";

/** Journal rows read per statement, so a long catch-up never holds one statement long. */
const JOURNAL_ROWS_PER_READ = 2000;

interface Follower {
  projector: StatementProjector;
  seq: number;
  /** The catch-up in progress: reads wait for it, and only one runs at a time. */
  running: Promise<void>;
}

/** Cash and a merchant's prepaid balance are money (yuan); points are points. */
function formatAmount(account: StatementAccount, units: bigint): string {
  return account === "points" ? formatPoints(units) : formatMoney(units);
}

function toRow(
  entry: StatementEntry,
  row: { seq: number; line: number; day: number; at: number },
): StatementRow {
  return {
    subject: entry.subject,
    account: entry.account,
    seq: row.seq,
    line: row.line,
    kind: entry.kind,
    amount: formatAmount(entry.account, entry.amount),
    balance: formatAmount(entry.account, entry.balance),
    detail: entry.detail === null ? null : formatAmount(entry.account, entry.detail),
    day: row.day,
    at: row.at,
  };
}

export class Statements {
  private readonly followers = new Map<string, Follower>();

  constructor(private readonly services: Services) {}

  private async follower(tenant: string): Promise<Follower> {
    let found = this.followers.get(tenant);
    if (found === undefined) {
      const rules = await selectGenesisRules(this.services.sql, tenant);
      if (rules === undefined) throw notFound(`tenant ${tenant}`);
      const engine = new Engine(loadRuleSet(JSON.parse(rules)));
      found = { projector: new StatementProjector(engine), seq: 0, running: Promise.resolve() };
      this.followers.set(tenant, found);
    }
    return found;
  }

  /** Brings the tenant's lines up to the end of the journal. */
  async catchUp(tenant: string): Promise<void> {
    const follower = await this.follower(tenant);
    follower.running = follower.running.then(() => this.follow(tenant, follower));
    await follower.running;
  }

  private async follow(tenant: string, follower: Follower): Promise<void> {
    for (;;) {
      const journal = await selectJournalAfter(this.services.sql, tenant, {
        seq: follower.seq,
        limit: JOURNAL_ROWS_PER_READ,
      });
      const rows: StatementRow[] = [];
      for (const entry of journal) {
        const day = follower.projector.view.day;
        const command = parseCommand(JSON.parse(entry.command));
        const { result, entries } = follower.projector.apply(command, {
          tillSale: entry.key.startsWith("sales|"),
        });
        // The journal's answer and the replay's must agree; anything else is a broken journal.
        if (result.ok !== (JSON.parse(entry.result) as { ok: boolean }).ok)
          throw new Error(`statement replay of ${tenant} diverged from the journal at seq ${entry.seq}`);
        entries.forEach((line, i) =>
          rows.push(toRow(line, { seq: entry.seq, line: i, day, at: entry.committedAt })),
        );
      }
      await insertStatementRows(this.services.sql, tenant, rows);
      if (journal.length > 0) follower.seq = journal[journal.length - 1]!.seq;
      if (journal.length < JOURNAL_ROWS_PER_READ) return;
    }
  }

  /** One page of a subject's statement, newest first, with times and dates in the tenant's zone. */
  async page(
    tenant: string,
    query: {
      subject: `member:${string}` | `merchant:${string}`;
      account: StatementAccount;
      limit: number;
      cursor?: string | undefined;
    },
  ): Promise<Page<StatementLine>> {
    await this.catchUp(tenant);
    const calendar = await calendarOf(this.services, tenant);
    const cursor = decodeCursor(query.cursor)?.split(":").map(Number);
    const before: [number, number] | undefined =
      cursor !== undefined && cursor.length === 2 && cursor.every(Number.isSafeInteger)
        ? [cursor[0]!, cursor[1]!]
        : undefined;
    const rows = await selectStatementPage(this.services.sql, tenant, {
      subject: query.subject,
      account: query.account,
      before,
      limit: query.limit + 1,
    });
    const more = rows.length > query.limit;
    const items = (more ? rows.slice(0, query.limit) : rows).map((row) => ({
      seq: row.seq,
      line: row.line,
      at: calendar.iso(row.at),
      date: calendar.dateOfDay(row.day),
      kind: row.kind as StatementKind,
      amount: row.amount,
      balance: row.balance,
      detail: row.detail,
    }));
    const last = items[items.length - 1];
    return {
      items,
      nextCursor: more && last !== undefined ? encodeCursor(`${last.seq}:${last.line}`) : null,
    };
  }
}

export interface StatementLine {
  seq: number;
  line: number;
  at: string;
  date: string;
  kind: StatementKind;
  amount: string;
  balance: string;
  detail: string | null;
}

type StatementQuery = { account: StatementAccount; limit: number; cursor?: string | undefined };

/** The logged-in member's statement (资金明细 or 积分明细). */
export function listOwnStatement(services: Services, session: Session, query: StatementQuery) {
  if (session.memberId === null) throw notFound("member");
  return services.statements.page(session.tenant, { ...query, subject: `member:${session.memberId}` });
}

/** The logged-in merchant's statement: settlement cash or tip points. */
export function listMerchantStatement(services: Services, session: Session, query: StatementQuery) {
  if (session.merchantId === null) throw notFound("merchant");
  return services.statements.page(session.tenant, { ...query, subject: `merchant:${session.merchantId}` });
}

/**
 * Statements (issue #13 item 2): a member's 资金明细 and 积分明细 and a merchant's statement, derived
 * from the journal by the engine's StatementProjector, so every line is what the engine did and the
 * lines add up to the balances. Each node keeps one projector per tenant that follows the journal
 * and stores the lines in app_statement_entries; a read first brings it up to the journal's end.
 * A process's projector starts from the ledger snapshot at or before the stored checkpoint, not from
 * the tenant's first command.
 */
import {
  Engine,
  type StatementAccount,
  type StatementEntry,
  type StatementKind,
  StatementProjector,
  formatMoney,
  formatPoints,
  engineFromSnapshot,
  loadRuleSet,
  parseCommand,
} from "@zengzhi/engine";
import { readSnapshot } from "@zengzhi/store";
import {
  type StatementRow,
  insertStatementRows,
  selectGenesisRules,
  selectJournalAfter,
  selectSnapshotSeqAtMost,
  selectStatementCheckpoint,
  updateStatementCheckpoint,
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
  /** Lines up to this seq are stored already (the checkpoint it resumed below): not written again. */
  storedThrough: number;
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
      found = { ...(await this.start(tenant)), running: Promise.resolve() };
      this.followers.set(tenant, found);
    }
    return found;
  }

  /**
   * Where a process's projector starts: the ledger's latest snapshot at or before the stored
   * checkpoint (the journal position every line up to which is stored), so a restart replays only the
   * rows after that snapshot and writes lines only after the checkpoint. Without a checkpoint or
   * a complete snapshot it starts from the tenant's first rule set.
   */
  private async start(
    tenant: string,
  ): Promise<{ projector: StatementProjector; seq: number; storedThrough: number }> {
    const sql = this.services.sql;
    const checkpoint = await selectStatementCheckpoint(sql, tenant);
    const seq = checkpoint === 0 ? undefined : await selectSnapshotSeqAtMost(sql, tenant, checkpoint);
    const text = seq === undefined ? undefined : await readSnapshot(sql, tenant, seq);
    if (seq !== undefined && text !== undefined)
      return {
        projector: StatementProjector.resume(engineFromSnapshot(text)),
        seq,
        storedThrough: checkpoint,
      };
    const rules = await selectGenesisRules(sql, tenant);
    if (rules === undefined) throw notFound(`tenant ${tenant}`);
    const projector = new StatementProjector(new Engine(loadRuleSet(JSON.parse(rules))));
    return { projector, seq: 0, storedThrough: 0 };
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
        if (entry.seq <= follower.storedThrough) continue;
        entries.forEach((line, i) =>
          rows.push(toRow(line, { seq: entry.seq, line: i, day, at: entry.committedAt })),
        );
      }
      await insertStatementRows(this.services.sql, tenant, rows);
      if (journal.length > 0) {
        follower.seq = journal[journal.length - 1]!.seq;
        await updateStatementCheckpoint(this.services.sql, tenant, follower.seq);
      }
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

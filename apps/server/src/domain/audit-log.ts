/**
 * The audit log: who did what, when. Entries are buffered and written in one multi-row INSERT every
 * few hundred milliseconds, so a busy route does not pay a query per request. In-store sales, the
 * busiest route, are summed per merchant user and flush (one "sales" row: count, total, first and last
 * time); each sale itself is in the ledger's journal, durable before the answer, under a key that
 * names the route and the user.
 */
import { formatMoney } from "@zengzhi/engine";
import type { Sql } from "@zengzhi/store";
import { insertAuditRows, selectAudit } from "../db/audit.js";
import { decodeCursor, toPage } from "./paging.js";
import { LIMITS } from "../limits.js";

export interface AuditEntry {
  tenant: string;
  actor: string;
  role: string;
  action: string;
  target?: string | null;
  detail?: Record<string, unknown> | null;
}

export class AuditLog {
  private buffer: (AuditEntry & { at: string })[] = [];
  private sales = new Map<
    string,
    { entry: AuditEntry; count: number; totalFen: bigint; from: number; to: number }
  >();
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly sql: Sql,
    private readonly onError: (error: unknown) => void,
  ) {}

  /** Records what a logged-in user did in their own tenant. */
  recordBy(
    session: { tenant: string; username: string; role: string },
    entry: Omit<AuditEntry, "tenant" | "actor" | "role">,
  ): void {
    this.record({ tenant: session.tenant, actor: session.username, role: session.role, ...entry });
  }

  record(entry: AuditEntry): void {
    this.buffer.push({ ...entry, at: new Date().toISOString() });
    if (this.buffer.length >= LIMITS.auditBufferMax) void this.flush();
    else this.timer ??= setTimeout(() => void this.flush(), LIMITS.auditFlushMs);
  }

  /** Counts one in-store sale of `amountFen` by this user into the current summary row. */
  recordSale(entry: Omit<AuditEntry, "action">, amountFen: bigint): void {
    const key = `${entry.tenant}\u0000${entry.actor}`;
    // Milliseconds, formatted once per summary at flush rather than once per sale.
    const at = Date.now();
    const summary = this.sales.get(key);
    if (summary === undefined) {
      this.sales.set(key, {
        entry: { ...entry, action: "sales" },
        count: 1,
        totalFen: amountFen,
        from: at,
        to: at,
      });
      this.timer ??= setTimeout(() => void this.flush(), LIMITS.auditFlushMs);
    } else {
      summary.count++;
      summary.totalFen += amountFen;
      summary.to = at;
    }
  }

  /** Writes every buffered entry; resolves when they are in the database. */
  flush(): Promise<void> {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    const entries = this.buffer;
    this.buffer = [];
    for (const s of this.sales.values()) {
      entries.push({
        ...s.entry,
        at: new Date(s.to).toISOString(),
        detail: {
          count: s.count,
          total: formatMoney(s.totalFen),
          from: new Date(s.from).toISOString(),
          to: new Date(s.to).toISOString(),
        },
      });
    }
    this.sales = new Map();
    this.flushing = this.flushing
      .then(async () => {
        await insertAuditRows(
          this.sql,
          entries.map((e) => ({ ...e, target: e.target ?? null, detail: e.detail ?? null })),
        );
      })
      .catch(this.onError);
    return this.flushing;
  }
}

/** A page of a tenant's audit log, newest first (after the buffered entries are written). */
export async function listAudit(
  audit: AuditLog,
  sql: Sql,
  page: { tenant: string; cursor?: string | undefined; limit: number },
) {
  await audit.flush();
  const before = decodeCursor(page.cursor);
  const rows = await selectAudit(
    sql,
    page.tenant,
    before !== undefined && /^\d+$/.test(before) ? before : null,
    page.limit + 1,
  );
  return toPage(
    rows,
    page.limit,
    (r) => r.seq,
    (r) => ({
      seq: Number(r.seq),
      at: new Date(r.at).toISOString(),
      actor: r.actor,
      role: r.role,
      action: r.action,
      target: r.target,
      detail: r.detail,
    }),
  );
}

/**
 * The audit log: who did what, when. Nothing is buffered (issue #11): an entry for a ledger command
 * travels with the command and is committed in the same statement (LedgerGateway.submit's `audit`),
 * and any other entry is written before its request is answered, so a refused entry fails the request
 * instead of vanishing. Entries are numbered 1, 2, 3 … per tenant without gaps.
 */
import type { AuditNote, Sql } from "@zengzhi/store";
import { insertAuditEntry, selectAudit } from "../db/audit.js";
import { decodeCursor, toPage } from "./paging.js";

export interface AuditEntry extends AuditNote {
  tenant: string;
}

/** Who acts: a session, or the service itself for work no user asked for (start-up repairs). */
export interface Actor {
  tenant: string;
  username: string;
  role: string;
}

/** The audit note of a command `actor` makes. */
export function noteBy(actor: Actor, entry: Omit<AuditNote, "actor" | "role">): AuditNote {
  return { actor: actor.username, role: actor.role, ...entry };
}

export class AuditLog {
  constructor(private readonly sql: Sql) {}

  /** Records what a logged-in user did in their own tenant; resolves once the entry is stored. */
  recordBy(actor: Actor, entry: Omit<AuditNote, "actor" | "role">, sql: Sql = this.sql): Promise<void> {
    return this.record({ tenant: actor.tenant, ...noteBy(actor, entry) }, sql);
  }

  /** Writes one entry (inside `sql`'s transaction when given one); throws when it cannot be stored. */
  record(entry: AuditEntry, sql: Sql = this.sql): Promise<void> {
    return insertAuditEntry(sql, entry);
  }
}

/** A page of a tenant's audit log, newest first. */
export async function listAudit(
  sql: Sql,
  page: { tenant: string; cursor?: string | undefined; limit: number },
) {
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

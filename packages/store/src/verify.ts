/**
 * verifyLedger: replays a tenant's journal from its first command, independently of the writer, and
 * checks the hash chain, every stored result, the snapshots, the projections, cash conservation and
 * every engine invariant. It reads in one REPEATABLE READ transaction, so it can run beside a writer.
 */
import {
  type Engine as EngineType,
  Engine,
  cashHeld,
  cashIn,
  checkInvariants,
  engineSnapshot,
  formatMoney,
  loadRuleSet,
} from "@zengzhi/engine";
import type { OpenLedgerOptions, Sql } from "./api.js";
import { type JournalRow, batchBytes, chainHash, genesisHash, headline } from "./journal.js";
import { openDatabase } from "./ledger.js";
import { readSnapshot } from "./snapshots.js";
import { JOURNAL_PAGE_ROWS, replayRow } from "./writer.js";

export interface TenantReport {
  tenant: string;
  commands: number;
  rejected: number;
  batches: number;
  snapshots: number;
  pool: string;
  supply: string;
  price: string;
  cashIn: string;
  cashHeld: string;
  /** Empty when everything checks out. */
  problems: string[];
}

export interface VerifyReport {
  ok: boolean;
  kind: "postgres" | "pglite";
  tenants: TenantReport[];
}

/** Stop collecting after this many problems per tenant: the first ones say what broke. */
const PROBLEMS_MAX = 20;

export async function verifyLedger(options: OpenLedgerOptions & { tenant?: string }): Promise<VerifyReport> {
  const { db, unlock } = await openDatabase({ ...options, poolSize: 2 });
  try {
    return await verifyDatabase(db, db.kind, options.tenant);
  } finally {
    await db.close().catch(() => undefined);
    unlock();
  }
}

/** Verifies through an open connection, e.g. `verifyDatabase(ledger.sql, ledger.kind)` beside a running writer. */
export async function verifyDatabase(
  db: Sql,
  kind: "postgres" | "pglite",
  tenant?: string,
): Promise<VerifyReport> {
  return db.transaction(async (sql) => {
    if (kind === "postgres") await sql.query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
    const exists = await sql.query<{ present: boolean }>(
      "SELECT to_regclass('tenants') IS NOT NULL AS present",
    );
    if (exists.rows[0]?.present !== true)
      throw new Error("this database holds no zengzhi ledger (no tenants table)");
    const { rows } = await sql.query<{ tenant_id: string }>(
      tenant === undefined
        ? "SELECT tenant_id FROM tenants ORDER BY tenant_id"
        : "SELECT tenant_id FROM tenants WHERE tenant_id = $1",
      tenant === undefined ? [] : [tenant],
    );
    if (tenant !== undefined && rows.length === 0) throw new Error(`unknown tenant ${tenant}`);
    const tenants: TenantReport[] = [];
    for (const row of rows) tenants.push(await verifyTenant(sql, row.tenant_id));
    return { ok: tenants.every((t) => t.problems.length === 0), kind, tenants };
  });
}

interface BatchRow {
  batch: string;
  first_seq: string;
  last_seq: string;
  prev_hash: Uint8Array;
  hash: Uint8Array;
}

interface Figures {
  day: number;
  pool: string;
  supply: string;
  price: string;
}

class Checker {
  readonly problems: string[] = [];
  problem(text: string): void {
    if (this.problems.length < PROBLEMS_MAX) this.problems.push(text);
  }
}

async function verifyTenant(sql: Sql, tenantId: string): Promise<TenantReport> {
  const check = new Checker();
  const tenant = (
    await sql.query<{ rules: string; genesis_hash: Uint8Array }>(
      "SELECT rules, genesis_hash FROM tenants WHERE tenant_id = $1",
      [tenantId],
    )
  ).rows[0]!;
  const engine = new Engine(loadRuleSet(JSON.parse(tenant.rules)));
  let hash: Buffer = genesisHash(tenantId, tenant.rules);
  if (!hash.equals(Buffer.from(tenant.genesis_hash)))
    check.problem("genesis hash does not match the tenant's rules");
  const batches = (
    await sql.query<BatchRow>(
      "SELECT batch, first_seq, last_seq, prev_hash, hash FROM batches WHERE tenant_id = $1 ORDER BY batch",
      [tenantId],
    )
  ).rows;
  const history = await loadHistory(sql, tenantId);
  const snapshots = await loadSnapshots(sql, tenantId);
  const snapshotCount = snapshots.size;
  const journal = new JournalReader(sql, tenantId);
  let seq = 0;
  let expected = 0;
  let rejected = 0;
  for (let i = 0; i < batches.length && check.problems.length === 0; i++) {
    const batch = batches[i]!;
    const number = Number(batch.batch);
    if (number !== i + 1) check.problem(`batch ${i + 1} is missing (found batch ${number})`);
    if (!Buffer.from(batch.prev_hash).equals(hash))
      check.problem(`batch ${number}: prev_hash does not continue the chain`);
    const first = Number(batch.first_seq);
    const last = Number(batch.last_seq);
    if (first !== seq + 1 || last < first)
      check.problem(`batch ${number}: covers seq ${first}–${last}, expected to start at ${seq + 1}`);
    const rows = await journal.take(last - seq);
    if (rows.length !== last - seq)
      check.problem(`batch ${number}: journal rows ${seq + 1}–${last} are missing`);
    for (const row of rows) {
      if (row.seq !== ++expected) check.problem(`journal seq ${expected} is missing (found ${row.seq})`);
      try {
        replayRow(engine, row.command, row.result, row.seq);
      } catch (error) {
        check.problem((error as Error).message);
      }
      if (row.result.startsWith('{"ok":false')) rejected++;
    }
    seq = last;
    hash = chainHash(hash, batchBytes(rows));
    if (!hash.equals(Buffer.from(batch.hash)))
      check.problem(`batch ${number}: hash does not match its journal rows`);
    compareFigures(check, `price_history of batch ${number}`, history.get(number), engine);
    history.delete(number);
    if (snapshots.has(last)) {
      // Snapshots can be large: each is read only when the replay reaches its seq.
      const stored = await readSnapshot(sql, tenantId, last);
      if (stored !== engineSnapshot(engine)) {
        check.problem(`snapshot at seq ${last} differs from the replayed state`);
      }
      snapshots.delete(last);
    }
  }
  if (check.problems.length > 0) {
    check.problem(`replay stopped at seq ${seq}: the checks after a break would only repeat it`);
  } else {
    if ((await journal.take(1)).length > 0)
      check.problem(`journal holds rows after seq ${seq} that no batch covers`);
    for (const batch of history.keys())
      check.problem(`price_history has a row for batch ${batch} that does not exist`);
    for (const at of snapshots.keys()) check.problem(`snapshot at seq ${at} is not at a batch boundary`);
    await checkState(sql, check, { tenantId, engine, seq, hash });
    await checkAudit(sql, check, tenantId);
  }
  // checkInvariants covers cash conservation (cashIn = cashHeld) among the rest.
  for (const text of checkInvariants(engine)) check.problem(`invariant: ${text}`);
  const figures = headline(engine);
  return {
    tenant: tenantId,
    commands: seq,
    rejected,
    batches: batches.length,
    snapshots: snapshotCount,
    pool: figures.pool,
    supply: figures.supply,
    price: figures.price,
    cashIn: formatMoney(cashIn(engine)),
    cashHeld: formatMoney(cashHeld(engine)),
    problems: check.problems,
  };
}

/**
 * The audit log against the journal (issue #11), for tenants the service marked in app_audit_since:
 * every accepted command after that seq has its audit entry, and the tenant's entries are numbered
 * 1, 2, 3 … without a gap, up to the counter.
 */
async function checkAudit(sql: Sql, check: Checker, tenantId: string): Promise<void> {
  const since = (
    await sql.query<{ journal_seq: string }>("SELECT journal_seq FROM app_audit_since WHERE tenant_id = $1", [
      tenantId,
    ])
  ).rows[0];
  if (since === undefined) return;
  const missing = await sql.query<{ seq: string; command: string }>(
    `SELECT j.seq::text AS seq, j.command FROM journal j
      WHERE j.tenant_id = $1 AND j.seq > $2 AND j.result LIKE '{"ok":true%'
        AND NOT EXISTS (SELECT 1 FROM app_audit a WHERE a.tenant_id = j.tenant_id AND a.journal_seq = j.seq)
      ORDER BY j.seq LIMIT 10`,
    [tenantId, since.journal_seq],
  );
  for (const row of missing.rows) {
    const type = (JSON.parse(row.command) as { type?: unknown }).type;
    check.problem(`journal seq ${row.seq} (${String(type)}) has no audit entry`);
  }
  const numbers = (
    await sql.query<{ count: string; first: string | null; last: string | null; counter: string | null }>(
      `SELECT count(*)::text AS count, min(seq)::text AS first, max(seq)::text AS last,
              (SELECT last_seq::text FROM app_audit_counter WHERE tenant_id = $1) AS counter
         FROM app_audit WHERE tenant_id = $1`,
      [tenantId],
    )
  ).rows[0]!;
  const count = Number(numbers.count);
  if (count > 0 && (numbers.first !== "1" || numbers.last !== String(count)))
    check.problem(
      `audit entries are not numbered 1–${count} without a gap (found ${numbers.first}–${numbers.last})`,
    );
  if ((numbers.counter ?? "0") !== String(count))
    check.problem(`the audit counter is at ${numbers.counter ?? 0} but ${count} entries exist`);
}

async function checkState(
  sql: Sql,
  check: Checker,
  at: { tenantId: string; engine: EngineType; seq: number; hash: Buffer },
): Promise<void> {
  const state = (
    await sql.query<Figures & { seq: string; hash: Uint8Array }>(
      "SELECT seq, hash, day, pool::text AS pool, supply::text AS supply, price::text AS price FROM tenant_state WHERE tenant_id = $1",
      [at.tenantId],
    )
  ).rows[0];
  if (state === undefined) {
    check.problem("tenant_state row is missing");
    return;
  }
  if (Number(state.seq) !== at.seq)
    check.problem(`tenant_state says seq ${state.seq}, the journal ends at ${at.seq}`);
  if (!Buffer.from(state.hash).equals(at.hash))
    check.problem("tenant_state hash is not the chain's last hash");
  compareFigures(check, "tenant_state", state, at.engine);
}

function compareFigures(
  check: Checker,
  where: string,
  stored: Figures | undefined,
  engine: EngineType,
): void {
  if (stored === undefined) {
    check.problem(`${where} is missing`);
    return;
  }
  const expected = headline(engine);
  for (const field of ["day", "pool", "supply", "price"] as const) {
    if (String(stored[field]) !== String(expected[field])) {
      check.problem(`${where}: ${field} is ${stored[field]}, the replay gives ${expected[field]}`);
    }
  }
}

async function loadHistory(sql: Sql, tenantId: string): Promise<Map<number, Figures>> {
  const { rows } = await sql.query<Figures & { batch: string }>(
    "SELECT batch, day, pool::text AS pool, supply::text AS supply, price::text AS price FROM price_history WHERE tenant_id = $1",
    [tenantId],
  );
  return new Map(rows.map((row) => [Number(row.batch), row]));
}

async function loadSnapshots(sql: Sql, tenantId: string): Promise<Set<number>> {
  const { rows } = await sql.query<{ seq: string }>("SELECT seq FROM snapshots WHERE tenant_id = $1", [
    tenantId,
  ]);
  return new Set(rows.map((row) => Number(row.seq)));
}

/** Reads the journal in seq order, a page at a time. */
class JournalReader {
  private buffer: JournalRow[] = [];
  private after = 0;
  private done = false;

  constructor(
    private readonly sql: Sql,
    private readonly tenantId: string,
  ) {}

  async take(count: number): Promise<JournalRow[]> {
    while (this.buffer.length < count && !this.done) {
      const { rows } = await this.sql.query<{
        seq: string;
        idempotency_key: string;
        command: string;
        result: string;
      }>(
        `SELECT seq, idempotency_key, command, result FROM journal WHERE tenant_id = $1 AND seq > $2 ORDER BY seq LIMIT ${JOURNAL_PAGE_ROWS}`,
        [this.tenantId, this.after],
      );
      for (const row of rows) {
        this.buffer.push({
          seq: Number(row.seq),
          key: row.idempotency_key,
          command: row.command,
          result: row.result,
        });
      }
      if (rows.length > 0) this.after = Number(rows[rows.length - 1]!.seq);
      if (rows.length < JOURNAL_PAGE_ROWS) this.done = true;
    }
    return this.buffer.splice(0, count);
  }
}

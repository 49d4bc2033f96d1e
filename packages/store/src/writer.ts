/**
 * The single writer of one tenant: it owns the tenant's Engine in memory, queues submits, and drains
 * the queue in batches (group commit). Each batch is applied by the engine, then its journal rows,
 * its chain hash and the projections are committed in ONE statement; only then are its callers
 * answered. If a commit fails the engine is rebuilt from the database before anything else runs.
 */
import {
  type Command,
  Engine,
  type EngineJson,
  engineFromJson,
  engineToJson,
  loadRuleSet,
  parseCommand,
} from "@zengzhi/engine";
import type { SubmitResult } from "./api.js";
import type { Database } from "./database.js";
import { type JournalRow, answerOf, answerWithSeq, batchBytes, chainHash, headline } from "./journal.js";

export interface WriterOptions {
  /** Most commands in one batch (one transaction). */
  batchSizeMax: number;
  /** A snapshot is written after this many commands since the last one. */
  snapshotEvery: number;
  /** Called before each commit; throws when the writer may no longer write (lost lock). */
  checkLock: () => void;
}

interface Pending {
  key: string;
  text: string;
  command: Command;
  resolve: (answer: SubmitResult) => void;
  reject: (error: unknown) => void;
}

/** Journal rows are read in pages of this many at start-up and by verify. */
export const JOURNAL_PAGE_ROWS = 20_000;

const COMMIT_SQL = `
WITH journal_rows AS (
  INSERT INTO journal (tenant_id, seq, batch, idempotency_key, command, result)
  SELECT $1, $2::bigint + t.i - 1, $3, t.k, t.c, t.r
  FROM unnest($4::text[], $5::text[], $6::text[]) WITH ORDINALITY AS t(k, c, r, i)
), batch_row AS (
  INSERT INTO batches (tenant_id, batch, first_seq, last_seq, prev_hash, hash) VALUES ($1, $3, $2, $7, $8, $9)
), history_row AS (
  INSERT INTO price_history (tenant_id, batch, seq, day, pool, supply, price) VALUES ($1, $3, $7, $10, $11, $12, $13)
), state_row AS (
  UPDATE tenant_state SET seq = $7, batch = $3, hash = $9, day = $10, pool = $11, supply = $12, price = $13
  WHERE tenant_id = $1 AND seq = $2::bigint - 1
  RETURNING 1
)
SELECT 1 / (SELECT count(*)::int FROM state_row) AS fenced`;

/** The loaded, committed position of a tenant's chain. */
interface ChainHead {
  seq: number;
  batch: number;
  hash: Buffer;
}

export class TenantWriter {
  private engine!: Engine;
  private head!: ChainHead;
  /** Idempotency key → seq of its journal row (every recorded command of the tenant). */
  private keys = new Map<string, number>();
  private queue: Pending[] = [];
  private readers: Array<() => void> = [];
  private draining = false;
  private commandsSinceSnapshot = 0;
  private failed: unknown = null;
  private closed = false;

  private constructor(
    private readonly db: Database,
    readonly tenantId: string,
    private readonly options: WriterOptions,
  ) {}

  static async open(db: Database, tenantId: string, options: WriterOptions): Promise<TenantWriter> {
    const writer = new TenantWriter(db, tenantId, options);
    await writer.load();
    return writer;
  }

  /** Queues a command (already canonical); resolves after its batch committed. */
  submit(key: string, text: string, command: Command): Promise<SubmitResult> {
    if (this.closed) return Promise.reject(new Error(`the writer of tenant ${this.tenantId} is closed`));
    if (this.failed !== null) return Promise.reject(this.failed);
    const seq = this.keys.get(key);
    if (seq !== undefined && seq <= this.head.seq) return this.recorded(key, text, seq);
    return new Promise((resolve, reject) => {
      this.queue.push({ key, text, command, resolve, reject });
      if (!this.draining) void this.drain();
    });
  }

  /** Runs fn on the engine when it holds only committed state. */
  read<T>(fn: (engine: Engine) => T): Promise<T> {
    if (this.failed !== null) return Promise.reject(this.failed);
    if (!this.draining) return Promise.resolve().then(() => fn(this.engine));
    return new Promise((resolve, reject) => {
      this.readers.push(() => {
        try {
          resolve(fn(this.engine));
        } catch (error) {
          reject(error);
        }
      });
    });
  }

  /** Waits for the queue to empty, then refuses further submits. */
  async close(): Promise<void> {
    while (this.draining) await new Promise((resolve) => setTimeout(resolve, 5));
    this.closed = true;
  }

  /** The answer recorded for a key, or idempotency_key_reused when the body differs. */
  private async recorded(key: string, text: string, seq: number): Promise<SubmitResult> {
    const { rows } = await this.db.query<{ command: string; result: string }>(
      "SELECT command, result FROM journal WHERE tenant_id = $1 AND seq = $2",
      [this.tenantId, seq],
    );
    const row = rows[0];
    if (row === undefined) throw new Error(`journal row ${seq} of tenant ${this.tenantId} is missing`);
    return row.command === text ? answerWithSeq(row.result, seq) : keyReused(key);
  }

  private async drain(): Promise<void> {
    this.draining = true;
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, this.options.batchSizeMax);
        await this.runBatch(batch);
        this.runReaders();
      }
    } finally {
      this.draining = false;
      this.runReaders();
    }
  }

  private runReaders(): void {
    const readers = this.readers;
    this.readers = [];
    for (const reader of readers) reader();
  }

  private async runBatch(batch: Pending[]): Promise<void> {
    const rows: JournalRow[] = [];
    const answers: Array<SubmitResult | undefined> = new Array(batch.length);
    const inBatch = new Map<string, { text: string; answer: SubmitResult }>();
    const earlier: number[] = [];
    let seq = this.head.seq;
    for (let i = 0; i < batch.length; i++) {
      const item = batch[i]!;
      const same = inBatch.get(item.key);
      if (same !== undefined) {
        answers[i] = same.text === item.text ? same.answer : keyReused(item.key);
        continue;
      }
      if (this.keys.has(item.key)) {
        earlier.push(i); // Recorded in an earlier batch: answered from the journal below.
        continue;
      }
      seq++;
      const answer = answerOf(this.engine.apply(item.command));
      const result = JSON.stringify(answer);
      answer.seq = seq;
      answers[i] = answer;
      inBatch.set(item.key, { text: item.text, answer });
      this.keys.set(item.key, seq);
      rows.push({ seq, key: item.key, command: item.text, result });
    }
    try {
      if (rows.length > 0) await this.commit(rows);
    } catch (error) {
      await this.recover(error);
      for (const item of batch) item.reject(error);
      return;
    }
    for (let i = 0; i < batch.length; i++) {
      const answer = answers[i];
      if (answer !== undefined) batch[i]!.resolve(answer);
    }
    for (const i of earlier) {
      const item = batch[i]!;
      this.recorded(item.key, item.text, this.keys.get(item.key)!).then(item.resolve, item.reject);
    }
    await this.maybeSnapshot();
  }

  private async commit(rows: JournalRow[]): Promise<void> {
    this.options.checkLock();
    const first = rows[0]!.seq;
    const last = rows[rows.length - 1]!.seq;
    const batch = this.head.batch + 1;
    const hash = chainHash(this.head.hash, batchBytes(rows));
    const figures = headline(this.engine);
    const keys = new Array<string>(rows.length);
    const commands = new Array<string>(rows.length);
    const results = new Array<string>(rows.length);
    for (let i = 0; i < rows.length; i++) {
      keys[i] = rows[i]!.key;
      commands[i] = rows[i]!.command;
      results[i] = rows[i]!.result;
    }
    await this.db.query(COMMIT_SQL, [
      this.tenantId,
      first,
      batch,
      keys,
      commands,
      results,
      last,
      this.head.hash,
      hash,
      figures.day,
      figures.pool,
      figures.supply,
      figures.price,
    ]);
    this.head = { seq: last, batch, hash };
    this.commandsSinceSnapshot += rows.length;
  }

  /** After a failed commit: forget the uncommitted batch by rebuilding from the database. */
  private async recover(cause: unknown): Promise<void> {
    try {
      await this.load();
    } catch (error) {
      // The database cannot be read either: this writer is unusable; the ledger drops it.
      this.failed = new Error(`tenant ${this.tenantId}: commit failed and the state cannot be reloaded`, {
        cause: error ?? cause,
      });
      for (const item of this.queue.splice(0)) item.reject(this.failed);
    }
  }

  get broken(): boolean {
    return this.failed !== null;
  }

  private async maybeSnapshot(): Promise<void> {
    if (this.commandsSinceSnapshot < this.options.snapshotEvery) return;
    const state = JSON.stringify(engineToJson(this.engine));
    try {
      await this.db.query(
        "INSERT INTO snapshots (tenant_id, seq, batch, state) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
        [this.tenantId, this.head.seq, this.head.batch, state],
      );
      this.commandsSinceSnapshot = 0;
    } catch {
      // A missing snapshot only makes the next start-up replay more; the next batch tries again.
    }
  }

  /** Loads the latest snapshot and replays the journal after it; every stored result must recur. */
  private async load(): Promise<void> {
    const tenant = await this.db.query<{ rules: string }>("SELECT rules FROM tenants WHERE tenant_id = $1", [
      this.tenantId,
    ]);
    if (tenant.rows[0] === undefined) throw new Error(`unknown tenant ${this.tenantId}`);
    const snapshot = await this.db.query<{ seq: string; state: string }>(
      "SELECT seq, state FROM snapshots WHERE tenant_id = $1 ORDER BY seq DESC LIMIT 1",
      [this.tenantId],
    );
    const snapshotRow = snapshot.rows[0];
    const engine = snapshotRow
      ? engineFromJson(JSON.parse(snapshotRow.state) as EngineJson)
      : new Engine(loadRuleSet(JSON.parse(tenant.rows[0].rules)));
    const snapshotSeq = snapshotRow ? Number(snapshotRow.seq) : 0;
    const keys = new Map<string, number>();
    let after = 0;
    for (;;) {
      const { rows } = await this.db.query<{
        seq: string;
        idempotency_key: string;
        command: string;
        result: string;
      }>(
        `SELECT seq, idempotency_key, command, result FROM journal
         WHERE tenant_id = $1 AND seq > $2 ORDER BY seq LIMIT ${JOURNAL_PAGE_ROWS}`,
        [this.tenantId, after],
      );
      for (const row of rows) {
        const seq = Number(row.seq);
        if (seq !== after + 1)
          throw new Error(`tenant ${this.tenantId}: journal jumps from seq ${after} to ${seq}`);
        after = seq;
        keys.set(row.idempotency_key, seq);
        if (seq <= snapshotSeq) continue;
        replayRow(engine, row.command, row.result, seq);
      }
      if (rows.length < JOURNAL_PAGE_ROWS) break;
    }
    if (after < snapshotSeq)
      throw new Error(
        `tenant ${this.tenantId}: snapshot at seq ${snapshotSeq} is past the journal's end ${after}`,
      );
    const state = await this.db.query<{ seq: string; batch: string; hash: Uint8Array }>(
      "SELECT seq, batch, hash FROM tenant_state WHERE tenant_id = $1",
      [this.tenantId],
    );
    const head = state.rows[0];
    if (head === undefined || Number(head.seq) !== after) {
      throw new Error(`tenant ${this.tenantId}: tenant_state does not match the journal's last seq ${after}`);
    }
    this.engine = engine;
    this.keys = keys;
    this.head = { seq: after, batch: Number(head.batch), hash: Buffer.from(head.hash) };
    this.commandsSinceSnapshot = after - snapshotSeq;
  }
}

/** Re-applies one journal row; the engine must give the stored result again. */
export function replayRow(engine: Engine, commandText: string, resultText: string, seq: number): void {
  const recomputed = JSON.stringify(answerOf(engine.apply(parseStored(commandText, seq))));
  if (recomputed !== resultText) {
    throw new Error(`journal seq ${seq} does not replay: stored ${resultText}, recomputed ${recomputed}`);
  }
}

function parseStored(text: string, seq: number): Command {
  try {
    return parseCommand(JSON.parse(text));
  } catch (error) {
    throw new Error(`journal seq ${seq} holds an unreadable command: ${(error as Error).message}`, {
      cause: error,
    });
  }
}

function keyReused(key: string): SubmitResult {
  return {
    ok: false,
    rejection: "idempotency_key_reused",
    message: `idempotency key ${JSON.stringify(key)} was already used with a different command`,
  };
}

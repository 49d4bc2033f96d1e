/**
 * The single writer of one tenant: it owns the tenant's Engine in memory, queues submits, and drains
 * the queue in batches (group commit). Each batch is applied by the engine, then its journal rows,
 * its chain hash and the projections are committed in ONE statement, which also checks the lease's
 * fencing epoch; only then are its callers answered. If a commit fails the engine is rebuilt from the
 * database before anything else runs; if it failed because the lease moved on, the writer stops.
 * A writer opened with epoch 0 is a follower: a read-only copy that `catchUp` brings up to date.
 */
import {
  type Command,
  Engine,
  type EngineView,
  engineFromSnapshot,
  engineSnapshotPieces,
  loadRuleSet,
  parseCommand,
  resultToJson,
  withoutSplitParts,
} from "@zengzhi/engine";
import type { SubmitResult } from "./api.js";
import type { Database } from "./database.js";
import { answerWithSeq, chainHash, headline, journalLine } from "./journal.js";
import { type KeyHash, KeyIndex } from "./key-index.js";
import { type PruneOptions, SnapshotPruner, readSnapshot } from "./snapshots.js";

export interface WriterOptions {
  /** Most commands in one batch (one transaction). */
  batchSizeMax: number;
  /** A snapshot is written after this many commands since the last one. */
  snapshotEvery: number;
  /** Complete snapshots kept; older ones are pruned in the background after each new one. */
  snapshotsKept: number;
  /** Told how long each pruning statement took (benchmarks). */
  onPruneStatement?: PruneOptions["onStatement"];
  /** Most commands waiting in the queue; beyond it submit fails with LedgerBusyError. */
  queueLengthMax: number;
  /** Least time between two commits while the queue is short (0: commit as soon as possible). */
  lingerMs: number;
  /** Called before each commit; throws when the writer may no longer write (lease not renewed in time). */
  checkLock: () => void;
  /**
   * The fencing epoch of the tenant's lease this writer holds; every commit carries it and fails when
   * the lease row names another. 0: a follower, a read-only copy that `catchUp` brings up to date.
   */
  epoch: number;
  /** Told about every committed batch (metrics, benchmarks). */
  onBatch?: (batch: BatchInfo) => void;
  /** The key index's hash (tests only: a weak one makes keys collide). */
  keyHash?: KeyHash;
  /** Told when the writer stops for good (deposed, or its state could not be reloaded). */
  onStop?: (writer: TenantWriter) => void;
}

export interface BatchInfo {
  tenantId: string;
  batch: number;
  commands: number;
  /** Time the commit statement took, in milliseconds. */
  commitMs: number;
}

/** The tenant's queue is full: the caller should retry later (HTTP 503). Nothing was recorded. */
export class LedgerBusyError extends Error {
  override name = "LedgerBusyError";
}

/**
 * The tenant cannot be written here now: its lease was lost or taken over, the database is
 * unreachable, or the holder cannot be reached. Retrying with the same idempotency key is safe (a
 * command whose commit was refused was not recorded; one whose answer was lost is answered from the
 * journal). HTTP 503 ledger_unavailable.
 */
export class LedgerUnavailableError extends Error {
  override name = "LedgerUnavailableError";
}

/** A batch applied to the engine, waiting for its commit. */
interface PreparedBatch {
  items: Pending[];
  /** Per item: its answer, or undefined when it repeats a key recorded by an earlier batch. */
  answers: Array<SubmitResult | undefined>;
  /** Pairs of (item index, the key index's candidate seq): items whose key may be recorded before. */
  earlier: number[];
  first: number;
  /** first − 1 when the batch writes no row (only repeated keys). */
  last: number;
  /** The canonical bytes: what the chain hash covers. */
  text: string;
  /** Keys, commands, results and audit entries, each LF-joined: what the commit statement splits into rows. */
  columns: [string, string, string, string];
  figures: ReturnType<typeof headline>;
}

/** A command as the writer queues it: canonical text, parsed form and its audit entry's text ("" for none). */
export interface Submission {
  text: string;
  command: Command;
  audit: string;
}

interface Pending extends Submission {
  key: string;
  /**
   * A committed seq whose row was read and found to hold another key with the same hash (0: none);
   * when the key index still points there, the key is new.
   */
  checkedAgainst: number;
  /** The key's hash in the key index (computed once per submit). */
  hash: [number, number];
  resolve: (answer: SubmitResult) => void;
  reject: (error: unknown) => void;
}

/** A snapshot part holds this many characters (one fewer to keep a surrogate pair whole), except the last. */
export const SNAPSHOT_PART_CHARS = 64 * 1024;

/**
 * Under load, snapshot parts are written at most one per this many milliseconds. Each part costs the
 * database about 1 ms (PGlite compresses it) and the commit after it waits that long; written one per
 * commit, the parts of a 160,000-position snapshot held every commit for a quarter of a second and
 * bench:http's p99 showed it. Spaced out, a snapshot of 10 MB takes under two seconds to write at
 * 15,000 orders/s; an idle writer writes its parts back to back.
 */
const SNAPSHOT_PART_SPACING_MS = 10;

/** The first part of `text` (at most `chars` characters, never ending inside a surrogate pair) and the rest. */
export function splitPart(text: string, chars: number): [string, string] {
  if (text.length <= chars) return [text, ""];
  let cut = chars;
  const last = text.charCodeAt(cut - 1);
  if (last >= 0xd800 && last <= 0xdbff) cut--;
  return [text.slice(0, cut), text.slice(cut)];
}

/** A queue at least this long is committed without lingering. */
const LINGER_QUEUE_LENGTH = 1_000;

/** Journal rows are read in pages of this many at start-up and by verify. */
export const JOURNAL_PAGE_ROWS = 20_000;

/**
 * One statement commits a batch. The batch's keys, commands and results arrive as three texts of
 * LF-separated fields (keys hold no control characters; canonical JSON holds no raw LF), which
 * PostgreSQL splits itself: far cheaper than array parameters. The final division fails the whole
 * statement when tenant_state was not at the batch's previous seq (a second writer).
 */
const COMMIT_SQL = `
WITH journal_rows AS (
  INSERT INTO journal (tenant_id, seq, batch, idempotency_key, command, result)
  SELECT $1, $2::bigint + t.i - 1, $3, t.k, t.c, t.r
  FROM unnest(string_to_array($4, E'\\n'), string_to_array($5, E'\\n'), string_to_array($6, E'\\n'))
       WITH ORDINALITY AS t(k, c, r, i)
), batch_row AS (
  INSERT INTO batches (tenant_id, batch, first_seq, last_seq, prev_hash, hash) VALUES ($1, $3, $2, $7, $8, $9)
), history_row AS (
  INSERT INTO price_history (tenant_id, batch, seq, day, pool, supply, price) VALUES ($1, $3, $7, $10, $11, $12, $13)
), audit_input AS (
  SELECT a.e::jsonb AS e, $2::bigint + a.i - 1 AS journal_seq, row_number() OVER (ORDER BY a.i) AS n
  FROM unnest(string_to_array($14, E'\\n')) WITH ORDINALITY AS a(e, i)
  WHERE a.e <> ''
), audit_counter AS (
  INSERT INTO app_audit_counter (tenant_id, last_seq)
  SELECT $1, count(*) FROM audit_input HAVING count(*) > 0
  ON CONFLICT (tenant_id) DO UPDATE SET last_seq = app_audit_counter.last_seq + excluded.last_seq
  RETURNING last_seq
), audit_rows AS (
  INSERT INTO app_audit (tenant_id, seq, actor, role, action, target, detail, journal_seq)
  SELECT $1, c.last_seq - (SELECT count(*) FROM audit_input) + i.n, i.e->>'actor', i.e->>'role',
         i.e->>'action', i.e->>'target', i.e->'detail', i.journal_seq
  FROM audit_input i CROSS JOIN audit_counter c
), state_row AS (
  UPDATE tenant_state SET seq = $7, batch = $3, hash = $9, day = $10, pool = $11, supply = $12, price = $13
  WHERE tenant_id = $1 AND seq = $2::bigint - 1
  RETURNING 1
), lease_row AS (
  SELECT 1 FROM tenant_leases WHERE tenant_id = $1 AND epoch = $15 FOR SHARE
)
SELECT 1 / ((SELECT count(*)::int FROM state_row) * (SELECT count(*)::int FROM lease_row)) AS fenced`;

/** The loaded, committed position of a tenant's chain. */
interface ChainHead {
  seq: number;
  batch: number;
  hash: Buffer;
}

export class TenantWriter {
  private engine!: Engine;
  private head!: ChainHead;
  /** Seq of the last command applied to the engine (committed or in a batch being committed). */
  private appliedSeq = 0;
  /** Idempotency key → seq of its journal row (every recorded command of the tenant). */
  private keys!: KeyIndex;
  private queue: Pending[] = [];
  private readers: Array<{ run: () => void; fail: (error: unknown) => void }> = [];
  private draining = false;
  /** When the last commit was sent: under load, the next one waits until lingerMs after it. */
  private lastCommitAt = -Infinity;
  private commandsSinceSnapshot = 0;
  /** Positions the engine held at the latest snapshot (taken or loaded). */
  private positionsAtSnapshot = 0;
  /** When the last snapshot part was handed to the database. */
  private lastSnapshotPartAt = -Infinity;
  /** A snapshot being written one part at a time, so that no statement holds the database long. */
  private snapshot: {
    seq: number;
    batch: number;
    pieces: Iterator<string>;
    /** Text taken from the pieces and not yet written. */
    carry: string;
    written: number;
    failed: boolean;
  } | null = null;
  /** The chain of snapshot writes in flight (each step starts after the previous one). */
  private snapshotWrites: Promise<void> = Promise.resolve();
  private failed: unknown = null;
  private closed = false;
  /** The lease epoch commits carry (0: a follower, which never commits). */
  private epoch: number;
  /** A follower's catch-up in flight (a read arriving meanwhile waits for it, then starts the next). */
  private catching: Promise<void> | null = null;
  private nextCatching: Promise<void> | null = null;
  /** Deletes the snapshots older than the kept ones, in the background (snapshots.ts). */
  private readonly pruner: SnapshotPruner;

  private constructor(
    private readonly db: Database,
    readonly tenantId: string,
    private readonly options: WriterOptions,
  ) {
    this.epoch = options.epoch;
    this.pruner = new SnapshotPruner(db, tenantId, {
      kept: options.snapshotsKept,
      ...(options.onPruneStatement === undefined ? {} : { onStatement: options.onPruneStatement }),
    });
  }

  static async open(db: Database, tenantId: string, options: WriterOptions): Promise<TenantWriter> {
    const writer = new TenantWriter(db, tenantId, options);
    await writer.load();
    // Snapshots left from before (another snapshotsKept, an interrupted run) go now.
    // A follower (epoch 0) deletes nothing: pruning is the writer's, once promoted.
    if (options.epoch !== 0) writer.pruner.request();
    return writer;
  }

  /** Queues a command (already canonical); resolves after its batch committed. */
  submit(key: string, submission: Submission): Promise<SubmitResult> {
    const { text } = submission;
    if (this.closed) return Promise.reject(new Error(`the writer of tenant ${this.tenantId} is closed`));
    if (this.failed !== null) return Promise.reject(this.failed);
    if (this.epoch === 0)
      return Promise.reject(
        new LedgerUnavailableError(`tenant ${this.tenantId}: this node does not hold its lease`),
      );
    const hash = this.keys.hashOf(key);
    const candidate = this.keys.candidateOf(hash);
    if (candidate !== undefined && candidate <= this.head.seq) {
      return this.recorded(key, text).then(
        (answer) => answer ?? this.enqueue(key, submission, candidate, hash),
      );
    }
    return this.enqueue(key, submission, 0, hash);
  }

  private enqueue(
    key: string,
    submission: Submission,
    checkedAgainst: number,
    hash: [number, number],
  ): Promise<SubmitResult> {
    if (this.closed) return Promise.reject(new Error(`the writer of tenant ${this.tenantId} is closed`));
    if (this.failed !== null) return Promise.reject(this.failed);
    if (this.queue.length >= this.options.queueLengthMax) {
      return Promise.reject(
        new LedgerBusyError(
          `tenant ${this.tenantId}: ${this.queue.length} commands are already waiting; retry later`,
        ),
      );
    }
    return new Promise((resolve, reject) => {
      const { text, command, audit } = submission;
      this.queue.push({ key, text, command, audit, checkedAgainst, hash, resolve, reject });
      if (!this.draining) void this.drain();
    });
  }

  /** Runs fn on the engine when it holds only committed state. */
  read<T>(fn: (view: EngineView) => T): Promise<T> {
    if (this.failed !== null) return Promise.reject(this.failed);
    if (!this.draining) {
      // Synchronously: a submit later in this tick would start a batch and change the engine.
      try {
        return Promise.resolve(fn(this.engine.view));
      } catch (error) {
        return Promise.reject(error as Error);
      }
    }
    return new Promise((resolve, reject) => {
      this.readers.push({
        run: () => {
          try {
            resolve(fn(this.engine.view));
          } catch (error) {
            reject(error as Error);
          }
        },
        fail: reject,
      });
    });
  }

  /** Waits for the queue to empty, then refuses further submits. */
  async close(): Promise<void> {
    while (this.draining) await new Promise((resolve) => setTimeout(resolve, 5));
    await this.snapshotWrites;
    await this.pruner.stop();
    this.closed = true;
  }

  /**
   * The answer recorded for a key (idempotency_key_reused when the body differs), or undefined when
   * the journal holds no such key: the key index matched another key's hash.
   */
  private async recorded(key: string, text: string): Promise<SubmitResult | undefined> {
    const { rows } = await this.db.query<{ seq: string; command: string; result: string }>(
      "SELECT seq, command, result FROM journal WHERE tenant_id = $1 AND idempotency_key = $2",
      [this.tenantId, key],
    );
    const row = rows[0];
    if (row === undefined) return undefined;
    return row.command === text ? answerWithSeq(row.result, Number(row.seq)) : keyReused(key);
  }

  /**
   * The drain loop. While batch A commits, batch B is already applied to the engine (its CPU work
   * overlaps A's commit), but B is sent only after A committed. If A fails, B's items go back to
   * the front of the queue untouched and the engine is rebuilt from the database. Readers run only
   * between commits, when the engine holds committed state alone.
   */
  private async drain(): Promise<void> {
    this.draining = true;
    let committing: { batch: PreparedBatch; done: Promise<unknown> } | null = null;
    try {
      for (;;) {
        let prepared: PreparedBatch | null = null;
        if (committing === null) await this.linger();
        // Readers and a due snapshot need the engine without uncommitted work: no prepare-ahead then.
        const pause = this.readers.length > 0 || this.snapshotDue();
        if (this.queue.length > 0 && (committing === null || !pause)) {
          prepared = this.prepare(this.queue.splice(0, this.options.batchSizeMax));
        }
        if (committing !== null) {
          const failure = await committing.done.then(
            () => null,
            (error: unknown) => ({ error }),
          );
          if (failure === null) {
            this.answer(committing.batch);
          } else {
            if (prepared !== null) this.queue.unshift(...prepared.items);
            prepared = null;
            await this.recover(failure.error);
            // Nothing of the batch was recorded: a retry with the same key is safe (503, not 500).
            const refusal =
              this.failed ??
              new LedgerUnavailableError(`tenant ${this.tenantId}: the commit failed`, {
                cause: failure.error,
              });
            for (const item of committing.batch.items) item.reject(refusal);
            if (this.failed !== null) return;
          }
          committing = null;
        }
        if (prepared === null) {
          this.takeSnapshotIfDue();
          while (this.snapshot !== null && this.queue.length === 0) await this.writeSnapshotPart();
          this.runReaders();
          if (this.queue.length === 0) return;
          continue;
        }
        // A part of a pending snapshot goes first (now and then); the commit queues behind it.
        if (
          this.snapshot !== null &&
          performance.now() - this.lastSnapshotPartAt >= SNAPSHOT_PART_SPACING_MS
        ) {
          void this.writeSnapshotPart();
        }
        committing = { batch: prepared, done: this.commit(prepared) };
        this.lastCommitAt = performance.now();
        // An unobserved rejection is handled when the loop awaits it.
        committing.done.catch(() => undefined);
      }
    } finally {
      this.draining = false;
      this.runReaders();
    }
  }

  /**
   * Starts a commit no sooner than lingerMs after the previous one while the queue is short. A commit
   * has a fixed cost whatever the batch size, so under load fewer, larger batches leave more CPU to
   * the HTTP thread. With the commit a prepared statement (about 0.15 ms fixed on PGlite), 1 ms
   * spacing costs no more CPU per request than 3 ms did at 15,000 orders/s and halves the median
   * answer time (bench:http p50 about 3.3 ms instead of 5). A command arriving after a quiet moment
   * is committed at once.
   */
  private async linger(): Promise<void> {
    const wait = this.lastCommitAt + this.options.lingerMs - performance.now();
    if (wait <= 0 || this.queue.length >= LINGER_QUEUE_LENGTH) return;
    await new Promise((resolve) => setTimeout(resolve, wait));
  }

  private runReaders(): void {
    const readers = this.readers;
    this.readers = [];
    // A writer that could not reload holds state nobody may see.
    for (const reader of readers) {
      if (this.failed === null) reader.run();
      else reader.fail(this.failed);
    }
  }

  /** Applies a batch to the engine and builds its journal text; nothing is answered yet. */
  private prepare(items: Pending[]): PreparedBatch {
    const first = this.appliedSeq + 1;
    const answers: Array<SubmitResult | undefined> = new Array(items.length);
    const rowAnswers: SubmitResult[] = [];
    const rowCommands: string[] = [];
    const rowKeys: string[] = [];
    const rowResults: string[] = [];
    const rowAudits: string[] = [];
    const earlier: number[] = [];
    let text = "";
    let seq = this.appliedSeq;
    for (let i = 0; i < items.length; i++) {
      const item = items[i]!;
      const candidate = this.keys.candidateOf(item.hash);
      if (candidate !== undefined && candidate !== item.checkedAgainst) {
        if (candidate >= first && rowKeys[candidate - first] === item.key) {
          // A duplicate inside this batch: the same answer, once committed.
          const same = candidate - first;
          answers[i] = rowCommands[same] === item.text ? rowAnswers[same] : keyReused(item.key);
        } else {
          // Maybe recorded before: answered from the journal after this commit (or queued again).
          earlier.push(i, candidate);
        }
        continue;
      }
      const json = resultToJson(this.engine.apply(item.command));
      if (!json.ok && json.rejection === "preview_stale") {
        // A command made against an outdated preview changed nothing and is not journaled: its key
        // stays free, so the same key (a close keyed by its date) can be submitted after a new preview.
        answers[i] = json;
        continue;
      }
      seq++;
      const result = JSON.stringify(json);
      const answer: SubmitResult = json;
      answer.seq = seq;
      answers[i] = answer;
      rowAnswers.push(answer);
      rowCommands.push(item.text);
      rowKeys.push(item.key);
      rowResults.push(result);
      // A refused command changed nothing, so it has no audit entry; the journal still records it.
      rowAudits.push(json.ok ? item.audit : "");
      this.keys.setHash(item.hash, seq);
      text += journalLine(seq, item.key, item.text, result);
    }
    this.appliedSeq = seq;
    return {
      items,
      answers,
      earlier,
      first,
      last: seq,
      text,
      columns: [rowKeys.join("\n"), rowCommands.join("\n"), rowResults.join("\n"), rowAudits.join("\n")],
      figures: headline(this.engine),
    };
  }

  /** Answers a committed batch's callers. */
  private answer(batch: PreparedBatch): void {
    const { items, answers } = batch;
    for (let i = 0; i < items.length; i++) {
      const answer = answers[i];
      if (answer !== undefined) items[i]!.resolve(answer);
    }
    const { earlier } = batch;
    for (let e = 0; e < earlier.length; e += 2) {
      const item = items[earlier[e]!]!;
      // The candidate's row is committed now; if it holds another key, this key is new.
      const candidate = earlier[e + 1]!;
      this.recorded(item.key, item.text)
        .then((answer) => answer ?? this.enqueue(item.key, item, candidate, item.hash))
        .then(item.resolve, item.reject);
    }
  }

  /** Commits one prepared batch: journal rows, batch hash and projections in ONE statement. */
  private async commit(prepared: PreparedBatch): Promise<void> {
    const count = prepared.last - prepared.first + 1;
    if (count === 0) return;
    this.options.checkLock();
    const batch = this.head.batch + 1;
    const hash = chainHash(this.head.hash, prepared.text);
    const figures = prepared.figures;
    const started = performance.now();
    await this.db.executePrepared("zengzhi_commit_batch", COMMIT_SQL, [
      this.tenantId,
      prepared.first,
      batch,
      ...prepared.columns.slice(0, 3),
      prepared.last,
      this.head.hash,
      hash,
      figures.day,
      figures.pool,
      figures.supply,
      figures.price,
      prepared.columns[3],
      this.epoch,
    ]);
    this.head = { seq: prepared.last, batch, hash };
    this.commandsSinceSnapshot += count;
    this.options.onBatch?.({
      tenantId: this.tenantId,
      batch,
      commands: count,
      commitMs: performance.now() - started,
    });
  }

  /**
   * After a failed commit: forget the uncommitted batch by rebuilding from the database; when the
   * lease has moved to another epoch, stop instead (the tenant is written elsewhere now).
   */
  private async recover(cause: unknown): Promise<void> {
    try {
      const { rows } = await this.db.query<{ epoch: string }>(
        "SELECT epoch FROM tenant_leases WHERE tenant_id = $1",
        [this.tenantId],
      );
      if (Number(rows[0]?.epoch ?? 0) !== this.epoch) {
        this.depose(
          new LedgerUnavailableError(
            `tenant ${this.tenantId}: the lease moved on from epoch ${this.epoch}; this writer stepped down`,
          ),
        );
        return;
      }
      await this.load();
    } catch (error) {
      // The database cannot be read either: this writer is unusable; the ledger drops it.
      this.failed = new LedgerUnavailableError(
        `tenant ${this.tenantId}: commit failed and the state cannot be reloaded`,
        { cause: error ?? cause },
      );
      queueMicrotask(() => this.options.onStop?.(this));
      for (const item of this.queue.splice(0)) item.reject(this.failed);
    }
  }

  get broken(): boolean {
    return this.failed !== null;
  }

  /** Stops this writer for good: queued commands are refused with `error` (the ledger drops it). */
  depose(error: Error): void {
    if (this.failed === null) queueMicrotask(() => this.options.onStop?.(this));
    this.failed ??= error;
    for (const item of this.queue.splice(0)) item.reject(this.failed);
    for (const reader of this.readers.splice(0)) reader.fail(this.failed);
  }

  get isFollower(): boolean {
    return this.epoch === 0;
  }

  /** The last committed seq this copy holds. */
  get seq(): number {
    return this.head.seq;
  }

  /**
   * A follower: replays the journal rows committed since its last look (one query when nothing is
   * new). Calls arriving while one runs share the next one, so a read never misses a commit
   * acknowledged before it started.
   */
  catchUp(): Promise<void> {
    if (this.catching === null) return this.startCatchUp();
    // One is running: it may have started before the caller's commit; share the one after it.
    this.nextCatching ??= this.catching
      .catch(() => undefined)
      .then(() => {
        this.nextCatching = null;
        return this.startCatchUp();
      });
    return this.nextCatching;
  }

  private startCatchUp(): Promise<void> {
    const run: Promise<void> = this.replayTail().finally(() => {
      if (this.catching === run) this.catching = null;
    });
    this.catching = run;
    return run;
  }

  /**
   * Turns a follower into the writer of lease `epoch`: replays the rest of the journal and takes the
   * chain head from tenant_state (no other writer can commit any more: the lease moved).
   */
  async promote(epoch: number): Promise<void> {
    while (this.catching !== null || this.nextCatching !== null)
      await (this.nextCatching ?? this.catching)?.catch(() => undefined);
    await this.replayTail(true);
    this.epoch = epoch;
    this.pruner.request();
  }

  /**
   * A snapshot is due after snapshotEvery commands, and no sooner than as many commands as the last
   * snapshot held positions. A snapshot's cost grows with the positions it holds: at 700,000 positions
   * it is 48 MB of text, copied in 27 ms and written over seconds, and at 15,000 orders/s a fixed
   * 100,000-command interval had the writer writing snapshots all the time. This way the writing
   * costs about the same per command at any size, and a restart replays at most about half the journal
   * since the latest snapshot's own size.
   */
  private snapshotDue(): boolean {
    return this.commandsSinceSnapshot >= Math.max(this.options.snapshotEvery, this.positionsAtSnapshot);
  }

  /** Takes the engine's snapshot when due; called only while the engine holds committed state alone. */
  private takeSnapshotIfDue(): void {
    if (this.snapshot !== null || !this.snapshotDue()) return;
    // The state is copied now (a few milliseconds); its text is produced one part at a time.
    const pieces = engineSnapshotPieces(this.engine);
    this.positionsAtSnapshot = this.engine.positionCount;
    this.snapshot = {
      seq: this.head.seq,
      batch: this.head.batch,
      pieces,
      carry: "",
      written: 0,
      failed: false,
    };
    this.commandsSinceSnapshot = 0;
  }

  /**
   * Writes the pending snapshot's next part, or, after the last part, the snapshots row that makes it
   * complete. Steps run one after another (on PostgreSQL they could otherwise overtake each other on
   * different connections), so the row is written only after every part. A failure drops the
   * snapshot: a missing one only makes the next start-up replay more.
   */
  private writeSnapshotPart(): Promise<void> {
    const snapshot = this.snapshot;
    if (snapshot === null) return this.snapshotWrites;
    // Pieces are joined and cut into parts of SNAPSHOT_PART_CHARS; the parts joined give the same text.
    this.lastSnapshotPartAt = performance.now();
    let finished = false;
    while (snapshot.carry.length < SNAPSHOT_PART_CHARS) {
      const piece = snapshot.pieces.next();
      if (piece.done === true) {
        finished = true;
        break;
      }
      snapshot.carry += piece.value;
    }
    const [body, rest] = splitPart(snapshot.carry, SNAPSHOT_PART_CHARS);
    snapshot.carry = rest;
    if (rest !== "") finished = false;
    const part = body === "" ? -1 : snapshot.written++;
    const parts = snapshot.written;
    if (finished) this.snapshot = null;
    const step = async () => {
      if (snapshot.failed) return;
      try {
        if (part >= 0) {
          await this.db.query(
            "INSERT INTO snapshot_parts (tenant_id, seq, part, body) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
            [this.tenantId, snapshot.seq, part, body],
          );
        }
        if (finished) {
          await this.db.query(
            "INSERT INTO snapshots (tenant_id, seq, batch, state, parts) VALUES ($1, $2, $3, '', $4) ON CONFLICT DO NOTHING",
            [this.tenantId, snapshot.seq, snapshot.batch, parts],
          );
          this.pruner.request();
        }
      } catch {
        snapshot.failed = true;
        if (this.snapshot === snapshot) this.snapshot = null;
      }
    };
    this.snapshotWrites = this.snapshotWrites.then(step);
    return this.snapshotWrites;
  }

  /** Loads the latest snapshot and replays the journal after it; every stored result must recur. */
  private async load(): Promise<void> {
    const tenant = await this.db.query<{ rules: string }>("SELECT rules FROM tenants WHERE tenant_id = $1", [
      this.tenantId,
    ]);
    if (tenant.rows[0] === undefined) throw new Error(`unknown tenant ${this.tenantId}`);
    const latest = await this.db.query<{ seq: string }>(
      "SELECT seq FROM snapshots WHERE tenant_id = $1 ORDER BY seq DESC LIMIT 1",
      [this.tenantId],
    );
    const snapshotSeq = latest.rows[0] === undefined ? 0 : Number(latest.rows[0].seq);
    const stored = snapshotSeq === 0 ? undefined : await readSnapshot(this.db, this.tenantId, snapshotSeq);
    if (snapshotSeq !== 0 && stored === undefined) {
      throw new Error(`tenant ${this.tenantId}: snapshot at seq ${snapshotSeq} is missing parts`);
    }
    const engine =
      stored === undefined
        ? new Engine(loadRuleSet(JSON.parse(tenant.rows[0].rules)))
        : engineFromSnapshot(stored);
    const positionsAtSnapshot = engine.positionCount;
    const keys = new KeyIndex(this.options.keyHash);
    const after = await this.replayJournal(engine, keys, 0, snapshotSeq);
    if (after < snapshotSeq)
      throw new Error(
        `tenant ${this.tenantId}: snapshot at seq ${snapshotSeq} is past the journal's end ${after}`,
      );
    // A follower reads the journal while the holder commits: tenant_state may already be further on.
    const head = this.epoch === 0 ? followerHead(after) : await this.readHead(after);
    this.engine = engine;
    this.keys = keys;
    this.head = head;
    this.appliedSeq = after;
    this.commandsSinceSnapshot = after - snapshotSeq;
    this.positionsAtSnapshot = positionsAtSnapshot;
  }

  /**
   * A follower's step: the journal rows after its head. `strict` (promotion, when nobody else can
   * commit): the chain head from tenant_state, which must be at the journal's end.
   */
  private async replayTail(strict = false): Promise<void> {
    const from = this.appliedSeq;
    const after = await this.replayJournal(this.engine, this.keys, from, from);
    this.head = strict ? await this.readHead(after) : followerHead(after);
    this.appliedSeq = after;
    this.commandsSinceSnapshot += after - from;
  }

  /** tenant_state's chain head, which must be at `seq` (the journal's end just read). */
  private async readHead(seq: number): Promise<ChainHead> {
    const state = await this.db.query<{ seq: string; batch: string; hash: Uint8Array }>(
      "SELECT seq, batch, hash FROM tenant_state WHERE tenant_id = $1",
      [this.tenantId],
    );
    const head = state.rows[0];
    if (head === undefined || Number(head.seq) !== seq) {
      throw new Error(`tenant ${this.tenantId}: tenant_state does not match the journal's last seq ${seq}`);
    }
    return { seq, batch: Number(head.batch), hash: Buffer.from(head.hash) };
  }

  /**
   * Replays the journal rows after `after` into `engine` (rows up to `snapshotSeq` only give their
   * keys); returns the last seq read.
   */
  private async replayJournal(
    engine: Engine,
    keys: KeyIndex,
    after: number,
    snapshotSeq: number,
  ): Promise<number> {
    for (;;) {
      // One row per page: keys, commands and results each LF-joined (keys hold no control
      // characters; canonical JSON holds no raw LF), split here. On PGlite a page of 20,000 rows
      // crossed the worker thread and was parsed row by row; three long texts cost a fraction.
      const { rows } = await this.db.query<{
        n: number;
        last: string | null;
        keys: string | null;
        commands: string | null;
        results: string | null;
      }>(
        // Rows the snapshot covers are needed for their keys only.
        `SELECT count(*)::int AS n, max(seq) AS last,
                string_agg(idempotency_key, E'\n' ORDER BY seq) AS keys,
                string_agg(CASE WHEN seq > $3 THEN command ELSE '' END, E'\n' ORDER BY seq) AS commands,
                string_agg(CASE WHEN seq > $3 THEN result ELSE '' END, E'\n' ORDER BY seq) AS results
         FROM (SELECT seq, idempotency_key, command, result FROM journal
               WHERE tenant_id = $1 AND seq > $2 ORDER BY seq LIMIT ${JOURNAL_PAGE_ROWS}) page`,
        [this.tenantId, after, snapshotSeq],
      );
      const page = rows[0];
      const count = page?.n ?? 0;
      if (count === 0) return after;
      // Seqs are unique: count rows ending at after + count means no gap.
      if (Number(page!.last) !== after + count) await this.findJump(after);
      const pageKeys = page!.keys!.split("\n");
      const commands = page!.commands!.split("\n");
      const results = page!.results!.split("\n");
      for (let i = 0; i < count; i++) {
        const seq = after + i + 1;
        keys.set(pageKeys[i]!, seq);
        if (seq > snapshotSeq) replayRow(engine, commands[i]!, results[i]!, seq);
      }
      after += count;
      if (count < JOURNAL_PAGE_ROWS) return after;
    }
  }

  /** Names the first gap in the journal after `after` (a broken journal: start-up stops). */
  private async findJump(after: number): Promise<never> {
    const { rows } = await this.db.query<{ seq: string }>(
      `SELECT seq FROM journal WHERE tenant_id = $1 AND seq > $2 ORDER BY seq LIMIT ${JOURNAL_PAGE_ROWS}`,
      [this.tenantId, after],
    );
    for (const row of rows) {
      const seq = Number(row.seq);
      if (seq !== after + 1)
        throw new Error(`tenant ${this.tenantId}: journal jumps from seq ${after} to ${seq}`);
      after = seq;
    }
    throw new Error(`tenant ${this.tenantId}: the journal's seqs after ${after} are not contiguous`);
  }
}

/** A follower's head: only its seq counts (it never commits; promotion reads the real head). */
function followerHead(seq: number): ChainHead {
  return { seq, batch: 0, hash: Buffer.alloc(0) };
}

/** Re-applies one journal row; the engine must give the stored result again. */
export function replayRow(engine: Engine, commandText: string, resultText: string, seq: number): void {
  const json = resultToJson(engine.apply(parseStored(commandText, seq)));
  const recomputed = JSON.stringify(json);
  // A row written before results carried their split parts replays to the same result without them.
  if (recomputed !== resultText && JSON.stringify(withoutSplitParts(json)) !== resultText) {
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

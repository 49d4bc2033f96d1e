#!/usr/bin/env node
// bench:retention — how long the ledger's writer waits while retention and backups run beside it
// (issue #11, items 6 and 7), on PGlite in a temporary directory, under a steady load of orders
// (BENCH_IN_FLIGHT submits kept in flight). Four phases of BENCH_PHASE_SECONDS each:
//   quiet       the load alone;
//   snapshots   pruneSnapshots deleting old snapshots (BENCH_SNAPSHOT_PARTS parts of 64 Ki characters,
//               as a snapshot of a few hundred thousand positions) while the load runs;
//   idempotency the retention task's statements expiring BENCH_IDEMPOTENCY_ROWS old answers;
//   backup      `zengzhi backup`'s dump of the data directory.
// For each it prints the answer latency of the orders (p50, p99, max) and the longest single
// statement of the background work: a commit waits at most about that long for it. `--json` prints
// one object. A benchmark script, not a timed test: it reports what it measures.
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import { join } from "node:path";
import { backupPglite, openLedger, pruneSnapshots } from "@zengzhi/store";
import { expireAnswers } from "../apps/server/dist/db/idempotency.js";
import { LIMITS } from "../apps/server/dist/limits.js";

const json = process.argv.includes("--json");
const SECONDS = Number(process.env.BENCH_PHASE_SECONDS ?? 5);
const IN_FLIGHT = Number(process.env.BENCH_IN_FLIGHT ?? 64);
const SNAPSHOT_PARTS = Number(process.env.BENCH_SNAPSHOT_PARTS ?? 300);
const IDEMPOTENCY_ROWS = Number(process.env.BENCH_IDEMPOTENCY_ROWS ?? 100_000);
const log = (...a) => (json ? undefined : console.log(...a));
const round = (x) => Math.round(x * 100) / 100;

function stats(values) {
  const sorted = Float64Array.from(values).sort();
  const at = (p) =>
    sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
  return { answers: sorted.length, p50Ms: round(at(0.5)), p99Ms: round(at(0.99)), maxMs: round(at(1)) };
}

const root = mkdtempSync(join(os.tmpdir(), "zengzhi-bench-retention-"));
const dataDir = join(root, "data");
const ledger = await openLedger({ dataDir, snapshotEvery: 1e9 });
await ledger.createTenant("t1", {});
// The tenant's writer opens now, before the made-up snapshots below exist.
await ledger.read("t1", (view) => view.pool);
let next = 0;
let latencies = [];
let running = true;
async function submitter() {
  while (running) {
    const n = next++;
    const started = performance.now();
    await ledger.submit("t1", `k${n}`, { type: "order", member: `m${n % 5000}`, amount: "10" });
    latencies.push(performance.now() - started);
  }
}
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs `work` (if any) beside the load for SECONDS; the latencies of that window. */
async function phase(name, work) {
  latencies = [];
  const statements = [];
  const started = performance.now();
  const done = work === undefined ? undefined : work(statements);
  await sleep(SECONDS * 1000);
  const extra = done === undefined ? {} : await done;
  const result = {
    phase: name,
    ...stats(latencies),
    ordersPerSecond: Math.round(latencies.length / ((performance.now() - started) / 1000)),
    longestStatementMs: round(Math.max(0, ...statements)),
    slowestStatementsMs: [...statements]
      .sort((a, b) => b - a)
      .slice(0, 4)
      .map(round),
    statements: statements.length,
    ...extra,
  };
  log(
    `${name.padEnd(12)} ${String(result.answers).padStart(7)} answers (${result.ordersPerSecond}/s)  ` +
      `p50 ${result.p50Ms} ms  p99 ${result.p99Ms} ms  max ${result.maxMs} ms` +
      (work === undefined
        ? ""
        : `  | ${result.statements} statements, longest ${result.longestStatementMs} ms`) +
      (extra.dumpMs === undefined ? "" : `, dump held the database ${round(extra.dumpMs)} ms`),
  );
  return result;
}

// Old snapshots to prune: a complete one at seq 1 of SNAPSHOT_PARTS parts, kept one at seq 2.
const body =
  "A".repeat(16) +
  Buffer.alloc(48 * 1024)
    .map(() => Math.floor(Math.random() * 256))
    .toString("base64")
    .slice(0, 64 * 1024 - 16);
for (let part = 0; part < SNAPSHOT_PARTS; part++)
  await ledger.sql.query("INSERT INTO snapshot_parts (tenant_id, seq, part, body) VALUES ('t1', 1, $1, $2)", [
    part,
    body,
  ]);
await ledger.sql.query(
  "INSERT INTO snapshots (tenant_id, seq, batch, state, parts) VALUES ('t1', 1, 1, '', $1)",
  [SNAPSHOT_PARTS],
);
await ledger.sql.query("INSERT INTO snapshot_parts (tenant_id, seq, part, body) VALUES ('t1', 2, 0, 'x')");
await ledger.sql.query(
  "INSERT INTO snapshots (tenant_id, seq, batch, state, parts) VALUES ('t1', 2, 1, '', 1)",
);
// Old idempotency answers to expire (40 days old, bodies of about 400 bytes).
await ledger.sql.query(
  `INSERT INTO app_idempotency (tenant_id, key, request_hash, status, body, created_at)
   SELECT 't1', 'orders|u' || i || '|key-' || i, md5(i::text), 201,
          jsonb_build_object('order', jsonb_build_object('id', i, 'note', repeat('x', 360))), now() - interval '40 days'
   FROM generate_series(1, $1) AS i`,
  [IDEMPOTENCY_ROWS],
);
log(
  `PGlite in ${dataDir}; ${IN_FLIGHT} orders in flight; ${SECONDS} s per phase (machine load ${os.loadavg()[0].toFixed(1)})`,
);

const submitters = Array.from({ length: IN_FLIGHT }, submitter);
await sleep(1000);
const results = [];
results.push(await phase("quiet"));
results.push(
  await phase("snapshots", async (statements) => {
    const report = await pruneSnapshots(ledger.sql, "t1", {
      kept: 1,
      onStatement: (ms) => statements.push(ms),
    });
    return { partsDeleted: report.parts };
  }),
);
results.push(
  await phase("idempotency", async (statements) => {
    const createdBefore = new Date(Date.now() - 30 * 86_400_000);
    let expired = 0;
    for (;;) {
      const started = performance.now();
      const count = await expireAnswers(ledger.sql, {
        createdBefore,
        rowsMax: LIMITS.retentionRowsPerStatement,
      });
      statements.push(performance.now() - started);
      expired += count;
      if (count < LIMITS.retentionRowsPerStatement) break;
      await sleep(LIMITS.retentionPauseMs);
    }
    return { answersExpired: expired };
  }),
);
results.push(
  await phase("backup", async (statements) => {
    const result = await backupPglite({ dataDir, out: join(root, "backup.tar.gz") });
    statements.push(result.dumpMs);
    return { dumpMs: round(result.dumpMs), backupBytes: result.bytes };
  }),
);
running = false;
await Promise.all(submitters);
await ledger.close();
rmSync(root, { recursive: true, force: true });
if (json)
  console.log(
    JSON.stringify({ inFlight: IN_FLIGHT, phaseSeconds: SECONDS, loadAverage: os.loadavg()[0], results }),
  );

#!/usr/bin/env node
// bench:store — durable orders per second against one PostgreSQL (synchronous_commit on):
//   (a) a naive baseline written here: one transaction per order that locks the pool row
//       (SELECT … FOR UPDATE), updates it and inserts the entry, at 1, 8 and 32 concurrent clients;
//   (b) the ledger's single writer with group commit, the same kind of orders, many submitters;
//   (c) the same writer on embedded PGlite (a temporary data directory; PGlite does not fsync).
// Starts a throwaway PostgreSQL cluster unless DATABASE_URL is set. `--json` prints one object.
// A benchmark script, not a timed test: it reports what it measures and never fails on a target.
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import { join } from "node:path";
import pg from "pg";
import { createDatabaseIn, openLedger, startTemporaryPostgres } from "@zengzhi/store";

const json = process.argv.includes("--json");
const NAIVE_SECONDS = Number(process.env.BENCH_NAIVE_SECONDS ?? 3);
const WRITER_ORDERS = Number(process.env.BENCH_WRITER_ORDERS ?? 300_000);
const PGLITE_ORDERS = Number(process.env.BENCH_PGLITE_ORDERS ?? 100_000);
const IN_FLIGHT = Number(process.env.BENCH_IN_FLIGHT ?? 20_000);
const BATCH_SIZE_MAX = Number(process.env.BENCH_BATCH_SIZE ?? 10_000);
const log = (...a) => (json ? undefined : console.log(...a));

function percentile(sorted, p) {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

function latencies(values) {
  const sorted = Float64Array.from(values).sort();
  return { p50Ms: round(percentile(sorted, 50)), p99Ms: round(percentile(sorted, 99)) };
}

const round = (x) => Math.round(x * 100) / 100;

/** Orders of 10.00 to 1,009.99 yuan by 10,000 members, generated once from a fixed seed. */
function makeOrders(count, seed) {
  const orders = new Array(count);
  let x = seed;
  for (let i = 0; i < count; i++) {
    x = (x * 1103515245 + 12345) % 2147483648;
    const fen = 1000 + (x % 100000);
    orders[i] = { member: `m${x % 10000}`, fen };
  }
  return orders;
}

const yuan = (fen) => `${Math.floor(fen / 100)}.${String(fen % 100).padStart(2, "0")}`;

// ------------------------------------------------------------------------------------------ (a)

async function naive(url, clients, seconds) {
  const pool = new pg.Pool({ connectionString: url, max: clients });
  await pool.query(`DROP TABLE IF EXISTS naive_entries; DROP TABLE IF EXISTS naive_pool;
    CREATE TABLE naive_pool (tenant_id text PRIMARY KEY, pool bigint NOT NULL, supply bigint NOT NULL, seq bigint NOT NULL);
    CREATE TABLE naive_entries (tenant_id text NOT NULL, seq bigint NOT NULL, member text NOT NULL,
      amount bigint NOT NULL, points bigint NOT NULL, PRIMARY KEY (tenant_id, seq));
    INSERT INTO naive_pool VALUES ('t', 0, 0, 0);`);
  const orders = makeOrders(1_000_000, 11);
  let next = 0;
  const samples = [];
  const deadline = performance.now() + seconds * 1000;
  async function client() {
    const connection = await pool.connect();
    try {
      while (performance.now() < deadline) {
        const order = orders[next++ % orders.length];
        const started = performance.now();
        await connection.query("BEGIN");
        const { rows } = await connection.query({
          name: "lock",
          text: "SELECT pool, supply, seq FROM naive_pool WHERE tenant_id = $1 FOR UPDATE",
          values: ["t"],
        });
        const row = rows[0];
        const poolFen = BigInt(row.pool);
        const supply = BigInt(row.supply);
        const contribution = (BigInt(order.fen) * 30n) / 100n;
        // 70% of the pool contribution, at pool/supply (1 yuan per point while empty), in 1e-8 points.
        const points =
          supply === 0n
            ? (contribution * 70n * 1_000_000n) / 100n
            : (contribution * 70n * supply) / (100n * poolFen);
        const seq = BigInt(row.seq) + 1n;
        await connection.query({
          name: "update",
          text: "UPDATE naive_pool SET pool = $2, supply = $3, seq = $4 WHERE tenant_id = $1",
          values: ["t", String(poolFen + contribution), String(supply + points), String(seq)],
        });
        await connection.query({
          name: "insert",
          text: "INSERT INTO naive_entries VALUES ($1, $2, $3, $4, $5)",
          values: ["t", String(seq), order.member, order.fen, String(points)],
        });
        await connection.query("COMMIT");
        samples.push(performance.now() - started);
      }
    } finally {
      connection.release();
    }
  }
  const started = performance.now();
  await Promise.all(Array.from({ length: clients }, client));
  const elapsed = (performance.now() - started) / 1000;
  await pool.end();
  return {
    clients,
    orders: samples.length,
    ordersPerSecond: Math.round(samples.length / elapsed),
    ...latencies(samples),
  };
}

// ---------------------------------------------------------------------------------- (b) and (c)

async function writer(location, count) {
  const batches = [];
  const ledger = await openLedger({
    ...location,
    batchSizeMax: BATCH_SIZE_MAX,
    snapshotEvery: 10_000_000,
    onBatch: (b) => batches.push(b),
  });
  await ledger.createTenant("bench", {});
  const orders = makeOrders(count, 7).map((o) => ({ type: "order", member: o.member, amount: yuan(o.fen) }));
  // Warm-up: opens the writer and prepares the statement (not measured).
  await ledger.submit("bench", "warm-up", { type: "order", member: "w", amount: "1.00" });
  batches.length = 0;
  const samples = new Float64Array(count);
  let next = 0;
  let failed = 0;
  async function submitter() {
    while (next < count) {
      const i = next++;
      const started = performance.now();
      const answer = await ledger.submit("bench", `o${i}`, orders[i]);
      samples[i] = performance.now() - started;
      if (!answer.ok) failed++;
    }
  }
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  await Promise.all(Array.from({ length: Math.min(IN_FLIGHT, count) }, submitter));
  const elapsed = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  // CPU seconds of this process (engine, journal text, driver; PGlite runs inside it too): steadier
  // than wall-clock figures on a busy machine.
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  await ledger.close();
  const sizes = batches.map((b) => b.commands);
  return {
    orders: count,
    rejected: failed,
    ordersPerSecond: Math.round(count / elapsed),
    ...latencies(samples),
    processCpuSeconds: round(cpuSeconds),
    ordersPerProcessCpuSecond: Math.round(count / cpuSeconds),
    batches: batches.length,
    meanBatchSize: Math.round(sizes.reduce((a, b) => a + b, 0) / Math.max(1, sizes.length)),
    commit: latencies(batches.map((b) => b.commitMs)),
  };
}

// ------------------------------------------------------------------------------------------- run

let cluster = null;
let url = process.env.DATABASE_URL;
if (url === undefined || url === "") {
  log("starting a throwaway PostgreSQL cluster …");
  cluster = await startTemporaryPostgres();
  url = cluster.url;
}
const database = `bench_${Date.now().toString(36)}`;
const benchUrl = await createDatabaseIn(url, database);
const settings = await new pg.Pool({ connectionString: benchUrl, max: 1 });
const { rows: sync } = await settings.query("SHOW synchronous_commit");
const { rows: fsync } = await settings.query("SHOW fsync");
const { rows: version } = await settings.query("SHOW server_version");
await settings.end();
log(
  `PostgreSQL ${version[0].server_version}, synchronous_commit ${sync[0].synchronous_commit}, fsync ${fsync[0].fsync}`,
);

const naiveRuns = [];
for (const clients of [1, 8, 32]) {
  const run = await naive(benchUrl, clients, NAIVE_SECONDS);
  naiveRuns.push(run);
  log(
    `(a) naive, ${String(clients).padStart(2)} clients: ${run.ordersPerSecond.toLocaleString()} orders/s, commit p50 ${run.p50Ms} ms, p99 ${run.p99Ms} ms`,
  );
}
const bestNaive = naiveRuns.reduce((a, b) => (b.ordersPerSecond > a.ordersPerSecond ? b : a));

const writerRun = await writer({ databaseUrl: benchUrl }, WRITER_ORDERS);
log(
  `(b) writer: ${writerRun.ordersPerSecond.toLocaleString()} orders/s (${WRITER_ORDERS.toLocaleString()} orders, ${IN_FLIGHT.toLocaleString()} in flight), ` +
    `answer p50 ${writerRun.p50Ms} ms, p99 ${writerRun.p99Ms} ms; ${writerRun.batches} batches of ${writerRun.meanBatchSize} on average, ` +
    `batch commit p50 ${writerRun.commit.p50Ms} ms, p99 ${writerRun.commit.p99Ms} ms; ` +
    `${writerRun.ordersPerProcessCpuSecond.toLocaleString()} orders per CPU-second of this process`,
);

const dataDir = mkdtempSync(join(os.tmpdir(), "zengzhi-bench-pglite-"));
let pgliteRun;
try {
  pgliteRun = await writer({ dataDir }, PGLITE_ORDERS);
} finally {
  rmSync(dataDir, { recursive: true, force: true });
}
log(
  `(c) PGlite: ${pgliteRun.ordersPerSecond.toLocaleString()} orders/s (${PGLITE_ORDERS.toLocaleString()} orders), ` +
    `answer p50 ${pgliteRun.p50Ms} ms, p99 ${pgliteRun.p99Ms} ms; batch commit p50 ${pgliteRun.commit.p50Ms} ms, p99 ${pgliteRun.commit.p99Ms} ms (no fsync)`,
);

const ratio = Math.round((writerRun.ordersPerSecond / bestNaive.ordersPerSecond) * 10) / 10;
log(`ratio (b) / best (a) = ${ratio}×   targets: (b) ≥ 50,000/s and ≥ 25×, PGlite ≥ 20,000/s`);

const admin = new pg.Client({ connectionString: url });
await admin.connect();
await admin.query(`DROP DATABASE IF EXISTS ${database}`).catch(() => undefined);
await admin.end();
if (cluster !== null) await cluster.stop();

if (json) {
  console.log(
    JSON.stringify({
      naiveOrdersPerSecond: bestNaive.ordersPerSecond,
      writerOrdersPerSecond: writerRun.ordersPerSecond,
      pgliteOrdersPerSecond: pgliteRun.ordersPerSecond,
      ratio,
      naive: naiveRuns,
      writer: writerRun,
      pglite: pgliteRun,
      postgres: {
        version: version[0].server_version,
        synchronousCommit: sync[0].synchronous_commit,
        fsync: fsync[0].fsync,
      },
      machine: {
        cpu: os.cpus()[0]?.model ?? "unknown",
        cores: os.cpus().length,
        load: os.loadavg(),
        node: process.version,
      },
    }),
  );
}

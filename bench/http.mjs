#!/usr/bin/env node
// bench:http — durable in-store sales over HTTP on loopback, open loop at fixed offered rates.
// The service runs in a child process (`--serve`) on the durable store: PGlite in a fresh temporary
// directory, or PostgreSQL when DATABASE_URL is set. This process is the load generator: keep-alive
// connections with HTTP/1.1 pipelining, requests sent on a fixed schedule whatever the answers do, and
// each latency measured from the request's scheduled time (so a slow server cannot hide its queue).
// Every request is POST /api/sales with a fresh Idempotency-Key; 2xx after commit counts as completed.
// `--json` prints one JSON object. A benchmark script, not a timed test: it reports what it measures.
//   --rates 2000,5000,10000,15000   offered requests per second, one run each
//   --seconds 5                     length of each run
//   --connections 64                keep-alive connections
//   --snapshot-every N              the ledger's snapshot interval in commands (default: the store's)
// The service runs under the same V8 heap settings as `zengzhi start` (BENCH_SERVICE_NODE_ARGS adds
// more, e.g. --cpu-prof).
import { fork } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import { join } from "node:path";
import { monitorEventLoopDelay, performance } from "node:perf_hooks";
import { serviceNodeFlags } from "../apps/cli/dist/node-flags.js";

const argv = process.argv.slice(2);
const option = (name, fallback) => {
  const i = argv.indexOf(name);
  return i >= 0 && argv[i + 1] !== undefined ? argv[i + 1] : fallback;
};

// ------------------------------------------------------------------ the service (child process)

async function serve() {
  const { openLedger } = await import("@zengzhi/store");
  const { buildApp, seedDemo } = await import("@zengzhi/server");
  const databaseUrl = process.env.DATABASE_URL || undefined;
  const dataDir =
    databaseUrl === undefined ? mkdtempSync(join(os.tmpdir(), "zengzhi-bench-http-")) : undefined;
  const batches = { count: 0, commands: 0, commitMs: 0 };
  const onBatch = (batch) => {
    batches.count++;
    batches.commands += batch.commands;
    batches.commitMs += batch.commitMs;
  };
  const snapshotEvery =
    process.env.BENCH_SNAPSHOT_EVERY === undefined
      ? {}
      : { snapshotEvery: Number(process.env.BENCH_SNAPSHOT_EVERY) };
  const ledger = await openLedger(
    databaseUrl === undefined
      ? { dataDir, onBatch, ...snapshotEvery }
      : { databaseUrl, onBatch, ...snapshotEvery },
  );
  // The setup registers its members from one address, past the per-address registration ceiling.
  const security = { registrationsPerAddressPerHourMax: 1_000_000 };
  const { app, services } = await buildApp({ ledger, logger: false, webDist: null, security });
  await seedDemo(app, services);
  const inject = async (method, url, payload, token, key) => {
    const headers = { "idempotency-key": key ?? `bench-setup-${Math.random()}` };
    if (token) headers.authorization = `Bearer ${token}`;
    const r = await app.inject({ method, url, payload, headers });
    if (r.statusCode >= 300) throw new Error(`${method} ${url}: ${r.statusCode} ${r.body}`);
    return r.json();
  };
  const run = Date.now().toString(36);
  const members = [];
  for (let i = 0; i < 50; i++) {
    const username = `b${run}-${i}`;
    await inject("POST", "/api/auth/register", { tenant: "demo", username, password: "bench-password" });
    members.push(username);
  }
  const { token } = await inject("POST", "/api/auth/login", {
    tenant: "demo",
    username: "teahouse",
    password: "merchant-demo",
  });
  // Till sales are paid from the merchant's prepaid balance (issue 12): enough for any run.
  const operator = await inject("POST", "/api/auth/login", {
    tenant: "demo",
    username: "operator",
    password: "operator-demo",
  });
  const credit = { amount: "1000000000.00", reference: "BENCH" };
  await inject("POST", "/api/merchants/teahouse/prepaid/credits", credit, operator.token);
  await app.listen({ port: 0, host: "127.0.0.1" });
  // How long the service's event loop was blocked at a time (commits, GC, snapshots, the machine).
  const loopDelay = monitorEventLoopDelay({ resolution: 10 });
  loopDelay.enable();
  process.send({ port: app.server.address().port, token, members, store: ledger.kind });
  // The service never outlives the load generator.
  process.on("disconnect", () => process.exit(0));
  process.on("message", async (message) => {
    if (message === "cpu") {
      const { user, system } = process.cpuUsage();
      process.send({ cpuMicros: user + system });
      return;
    }
    if (message !== "stop") return;
    const state = await ledger.read("demo", (engine) => ({ positions: engine.positionCount }));
    await app.close();
    await ledger.close();
    if (dataDir !== undefined) rmSync(dataDir, { recursive: true, force: true });
    const eventLoopDelayMs = {
      p50: loopDelay.percentile(50) / 1e6,
      p99: loopDelay.percentile(99) / 1e6,
      max: loopDelay.max / 1e6,
    };
    process.send({ stopped: true, ...state, batches, eventLoopDelayMs }, () => process.exit(0));
  });
}

// ------------------------------------------------------------------ the load generator

function connect(port) {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ port, host: "127.0.0.1", noDelay: true }, () => resolve(socket));
    socket.once("error", reject);
  });
}

/** One keep-alive connection: requests pipelined, answers matched in order. */
class Connection {
  constructor(socket, stats) {
    this.socket = socket;
    this.stats = stats;
    this.pending = [];
    this.buffer = Buffer.alloc(0);
    this.out = "";
    socket.on("data", (chunk) => this.receive(chunk));
    socket.on("error", () => this.fail());
    socket.on("close", () => this.fail());
  }
  queue(text, scheduledAt) {
    this.out += text;
    this.pending.push(scheduledAt);
  }
  flush() {
    if (this.out !== "") this.socket.write(this.out);
    this.out = "";
  }
  fail() {
    this.stats.failed += this.pending.length;
    this.pending = [];
  }
  receive(chunk) {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    for (;;) {
      const end = this.buffer.indexOf("\r\n\r\n");
      if (end < 0) return;
      const head = this.buffer.toString("latin1", 0, end);
      const match = /content-length: *(\d+)/i.exec(head);
      const length = match === null ? 0 : Number(match[1]);
      if (this.buffer.length < end + 4 + length) return;
      const status = Number(head.slice(9, 12));
      this.buffer = this.buffer.subarray(end + 4 + length);
      const scheduledAt = this.pending.shift();
      if (scheduledAt === undefined) continue;
      if (status >= 200 && status < 300) {
        this.stats.completed++;
        this.stats.latencies.push(performance.now() - scheduledAt);
        this.stats.lastAt = performance.now();
      } else {
        this.stats.failed++;
        if (this.stats.firstError === null)
          this.stats.firstError = `${status} ${this.buffer.toString().slice(0, 200)}`;
      }
    }
  }
}

const percentile = (sorted, p) =>
  sorted.length === 0 ? null : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

/** CPU time the service process has used so far, in milliseconds. */
function serverCpuMs(child) {
  return new Promise((resolve) => {
    const listen = (message) => {
      if (message.cpuMicros === undefined) return;
      child.off("message", listen);
      resolve(message.cpuMicros / 1000);
    };
    child.on("message", listen);
    child.send("cpu");
  });
}

const ownCpuMs = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};

async function runRate({ port, token, members, child }, rate, seconds, connectionCount, label) {
  const serverCpuBefore = await serverCpuMs(child);
  const clientCpuBefore = ownCpuMs();
  const stats = { completed: 0, failed: 0, latencies: [], lastAt: 0, firstError: null };
  const connections = await Promise.all(
    Array.from({ length: connectionCount }, () => connect(port).then((s) => new Connection(s, stats))),
  );
  const total = Math.round(rate * seconds);
  const head = `POST /api/sales HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${token}\r\nContent-Type: application/json\r\n`;
  const start = performance.now() + 5;
  let sent = 0;
  await new Promise((resolve) => {
    const tick = () => {
      const now = performance.now();
      const due = Math.min(total, Math.floor(((now - start) * rate) / 1000));
      while (sent < due) {
        const body = `{"member":"${members[sent % members.length]}","amount":"${10 + (sent % 90)}.00"}`;
        const request = `${head}Idempotency-Key: ${label}-${sent}\r\nContent-Length: ${body.length}\r\n\r\n${body}`;
        connections[sent % connectionCount].queue(request, start + (sent * 1000) / rate);
        sent++;
      }
      for (const c of connections) c.flush();
      if (sent < total) setTimeout(tick, 1);
      else resolve();
    };
    setTimeout(tick, 5);
  });
  const offeredEnd = performance.now();
  const deadline = offeredEnd + 10_000;
  while (stats.completed + stats.failed < total && performance.now() < deadline)
    await new Promise((r) => setTimeout(r, 5));
  const unanswered = total - stats.completed - stats.failed;
  for (const c of connections) c.socket.destroy();
  stats.failed += Math.max(0, unanswered);
  const sorted = Float64Array.from(stats.latencies).sort();
  const elapsedSeconds = (Math.max(stats.lastAt, offeredEnd) - start) / 1000;
  const serverCpu = (await serverCpuMs(child)) - serverCpuBefore;
  const clientCpu = ownCpuMs() - clientCpuBefore;
  return {
    offeredPerSecond: rate,
    offered: total,
    completed: stats.completed,
    failed: stats.failed,
    completedPerSecond: Math.round(stats.completed / elapsedSeconds),
    p50Ms: round(percentile(sorted, 50)),
    p99Ms: round(percentile(sorted, 99)),
    maxMs: round(sorted.length === 0 ? null : sorted[sorted.length - 1]),
    // CPU per completed request: steadier than wall-clock figures on a shared machine.
    serverCpuMsPerRequest:
      stats.completed === 0 ? null : Math.round((serverCpu / stats.completed) * 10000) / 10000,
    clientCpuMsPerRequest:
      stats.completed === 0 ? null : Math.round((clientCpu / stats.completed) * 10000) / 10000,
    firstError: stats.firstError,
  };
}

const round = (x) => (x === null ? null : Math.round(x * 100) / 100);

async function main() {
  const json = argv.includes("--json");
  const rates = option("--rates", "2000,5000,10000,15000").split(",").map(Number);
  const seconds = Number(option("--seconds", "5"));
  const connectionCount = Number(option("--connections", "64"));
  const log = (...a) => (json ? undefined : console.log(...a));
  const snapshotEvery = option("--snapshot-every", undefined);
  const child = fork(new URL(import.meta.url).pathname, ["--serve"], {
    env: snapshotEvery === undefined ? process.env : { ...process.env, BENCH_SNAPSHOT_EVERY: snapshotEvery },
    // The service runs under the V8 heap settings `zengzhi start` uses (apps/cli/src/node-flags.ts).
    execArgv: [
      ...serviceNodeFlags(process.env),
      ...(process.env.BENCH_SERVICE_NODE_ARGS ?? "").split(" ").filter(Boolean),
    ],
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const ready = await new Promise((resolve, reject) => {
    child.once("message", (message) => resolve({ ...message, child }));
    child.once("exit", (code) => reject(new Error(`the service exited with code ${code}`)));
  });
  log(
    `bench:http — POST /api/sales (in-store sale → engine order, durable on ${ready.store}), open loop, ${connectionCount} keep-alive pipelined connections, ${seconds} s per rate`,
  );
  log(
    `machine: ${os.cpus().length} cores (${os.cpus()[0]?.model ?? "?"}), shared; load generator and service on the same machine`,
  );
  await runRate(ready, Math.min(2000, rates[0]), 1, connectionCount, "warmup");
  const results = [];
  for (const rate of rates) {
    const result = await runRate(ready, rate, seconds, connectionCount, `r${results.length}-${rate}`);
    results.push(result);
    log(
      `offered ${String(rate).padStart(6)}/s  completed ${String(result.completedPerSecond).padStart(6)}/s  ` +
        `failed ${String(result.failed).padStart(6)}  p50 ${String(result.p50Ms).padStart(8)} ms  p99 ${String(result.p99Ms).padStart(8)} ms  ` +
        `CPU/request: service ${result.serverCpuMsPerRequest} ms, load generator ${result.clientCpuMsPerRequest} ms` +
        (result.firstError === null ? "" : `  first error: ${result.firstError}`),
    );
  }
  child.send("stop");
  const stopped = await new Promise((resolve) => child.once("message", resolve));
  const last = results[results.length - 1];
  const summary = {
    store: ready.store,
    route: "POST /api/sales",
    seconds,
    connections: connectionCount,
    snapshotEvery: snapshotEvery === undefined ? "store default" : Number(snapshotEvery),
    completedPerSecond: last.completedPerSecond,
    p50Ms: last.p50Ms,
    p99Ms: last.p99Ms,
    failed: results.reduce((sum, r) => sum + r.failed, 0),
    rates: results,
    positionsInLedger: stopped.positions,
    batches: stopped.batches.count,
    commandsPerBatch: round(stopped.batches.commands / Math.max(1, stopped.batches.count)),
    commitMsPerBatch: round(stopped.batches.commitMs / Math.max(1, stopped.batches.count)),
    serviceEventLoopDelayMs: {
      p50: round(stopped.eventLoopDelayMs.p50),
      p99: round(stopped.eventLoopDelayMs.p99),
      max: round(stopped.eventLoopDelayMs.max),
    },
    cores: os.cpus().length,
  };
  if (json) console.log(JSON.stringify(summary));
  else
    log(
      `ledger holds ${stopped.positions} positions; ${summary.batches} batches, ${summary.commandsPerBatch} commands and ${summary.commitMsPerBatch} ms commit each on average; service event-loop delay p99 ${summary.serviceEventLoopDelayMs.p99} ms, max ${summary.serviceEventLoopDelayMs.max} ms; highest rate: ${last.completedPerSecond}/s, p50 ${last.p50Ms} ms, p99 ${last.p99Ms} ms`,
    );
}

// Dispatch last, once every class and function above is initialised.
if (argv.includes("--serve")) await serve();
else await main();

#!/usr/bin/env node
// bench:restart — how long a node takes to serve again after a restart with a large journal: fills a
// tenant with N orders (default 200,000) through the ledger, closes it, then times openLedger and the
// first read (the writer loads the latest snapshot and replays the journal after it), on PGlite (a
// temporary directory) and on PostgreSQL (a throwaway cluster). `--orders N`, `--json`.
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { openLedger, startTemporaryPostgres } from "@zengzhi/store";

const argv = process.argv.slice(2);
const i = argv.indexOf("--orders");
const orders = i >= 0 ? Number(argv[i + 1]) : 200_000;
const json = argv.includes("--json");

async function fill(location) {
  const ledger = await openLedger(location);
  await ledger.createTenant("t", {});
  const started = performance.now();
  const window = 2_000;
  for (let from = 0; from < orders; from += window) {
    const submits = [];
    for (let k = from; k < Math.min(orders, from + window); k++) {
      submits.push(ledger.submit("t", `o${k}`, { type: "order", member: `m${k % 5000}`, amount: "12.34" }));
    }
    await Promise.all(submits);
  }
  const fillSeconds = (performance.now() - started) / 1000;
  await ledger.close();
  return fillSeconds;
}

async function restart(location) {
  const started = performance.now();
  const ledger = await openLedger(location);
  const opened = performance.now() - started;
  const positions = await ledger.read("t", (view) => view.positionCount);
  const total = performance.now() - started;
  await ledger.close();
  if (positions !== orders) throw new Error(`expected ${orders} positions, read ${positions}`);
  return { openMs: Math.round(opened), firstReadMs: Math.round(total) };
}

const results = [];
const dataDir = mkdtempSync(join(os.tmpdir(), "zengzhi-bench-restart-"));
try {
  const fillSeconds = await fill({ dataDir });
  results.push({
    store: "pglite",
    fillSeconds: Math.round(fillSeconds),
    ...(await restart({ dataDir })),
    again: await restart({ dataDir }),
  });
} finally {
  rmSync(dataDir, { recursive: true, force: true });
}
const postgres = await startTemporaryPostgres();
try {
  const databaseUrl = await postgres.createDatabase("restart");
  const fillSeconds = await fill({ databaseUrl });
  results.push({
    store: "postgres",
    fillSeconds: Math.round(fillSeconds),
    ...(await restart({ databaseUrl })),
    again: await restart({ databaseUrl }),
  });
} finally {
  await postgres.stop();
}
const report = {
  bench: "restart",
  orders,
  machine: `${os.cpus()[0]?.model}, ${os.cpus().length} cores`,
  results,
};
if (json) console.log(JSON.stringify(report, null, 2));
else
  for (const r of results)
    console.log(
      `${r.store}: ${orders} orders filled in ${r.fillSeconds} s; restart to first read ${r.firstReadMs} ms (open ${r.openMs} ms), again ${r.again.firstReadMs} ms`,
    );

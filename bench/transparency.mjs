#!/usr/bin/env node
// bench:transparency — what issue 14's public figures cost on a large book: the queue meter (one
// pass over 1,000,000 open positions), every member's liabilities, and the Merkle-sum tree over
// them (Node's SHA-256, as the server builds it, and the pure TypeScript one the browser runs).
// `--json` prints one JSON object. A benchmark script, not a timed test: it reports what it measures.
import { createHash } from "node:crypto";
import os from "node:os";
import { Engine, MerkleSumTree, loadRuleSet, memberSalt } from "@zengzhi/engine";

const json = process.argv.includes("--json");
const OPEN = Number(process.env.BENCH_OPEN_POSITIONS ?? 1_000_000);
const MEMBERS = Number(process.env.BENCH_MEMBERS ?? 200_000);
const log = (...a) => (json ? undefined : console.log(...a));

const engine = new Engine(loadRuleSet({ exitMultiple: "10" }));
let x = 1;
for (let i = 0; i < OPEN; i++) {
  x = (x * 1103515245 + 12345) % 2147483648;
  engine.apply({ type: "order", member: `m${(i * 7919) % MEMBERS}`, amount: BigInt(1000 + (x % 100000)) });
  if (i % 5000 === 4999) engine.apply({ type: "advance", days: 1 });
}

/** The best of `runs` timings of fn, in milliseconds. */
function best(fn, runs = 5) {
  let fastest = Infinity;
  let result;
  for (let r = 0; r < runs; r++) {
    const start = performance.now();
    result = fn();
    fastest = Math.min(fastest, performance.now() - start);
  }
  return { ms: fastest, result };
}

const meter = best(() => engine.view.queueMeter());
const liabilities = best(() => engine.view.liabilities());
const key = new TextEncoder().encode("bench key");
const leaves = liabilities.result.map((l) => ({
  ...l,
  salt: memberSalt(key, { tenant: "bench", day: engine.day, member: l.member }),
}));
const nodeHash = (bytes) => createHash("sha256").update(bytes).digest();
const treeNode = best(() => MerkleSumTree.build(leaves, nodeHash), 3);
const treePure = best(() => MerkleSumTree.build(leaves), 1);

const report = {
  machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model ?? "unknown", node: process.version },
  openPositions: meter.result.open,
  members: leaves.length,
  queueMeterMs: Number(meter.ms.toFixed(1)),
  liabilitiesMs: Number(liabilities.ms.toFixed(1)),
  treeNodeSha256Ms: Number(treeNode.ms.toFixed(0)),
  treePureSha256Ms: Number(treePure.ms.toFixed(0)),
  cashToExitFen: String(meter.result.cashToExit),
};
if (json) console.log(JSON.stringify(report));
else {
  log(`${report.openPositions.toLocaleString()} open positions, ${report.members.toLocaleString()} members`);
  log(`queueMeter (one pass over the positions): ${report.queueMeterMs} ms`);
  log(`liabilities (every member):               ${report.liabilitiesMs} ms`);
  log(`Merkle-sum tree, Node SHA-256:            ${report.treeNodeSha256Ms} ms`);
  log(`Merkle-sum tree, pure TypeScript SHA-256: ${report.treePureSha256Ms} ms`);
}

#!/usr/bin/env node
// The fault harness (issue #15): three nodes on one PostgreSQL, concurrent clients making sales with
// Idempotency-Keys over HTTP (loopback only), while each round injects one seeded fault:
//   kill     SIGKILL the node holding a tenant, start it again a second later;
//   stall    SIGSTOP that node past its lease, SIGCONT it: it must step down, its commits refused;
//   pg       crash PostgreSQL (pg_ctl stop -m immediate) and start it again.
// After each fault it waits (bounded) until every tenant is written somewhere again and records the
// write outage (the longest time without an acknowledgement for the faulted tenants). At the end it
// checks every acknowledged command is journaled exactly once at the seq it was answered with, that a
// retry of a sample answers the same, and that `zengzhi verify` passes.
//   npm run faults -- --rounds 20 [--seed 7] [--clients 8] [--tenants 2] [--faults kill,stall,pg] [--json]
// The short run of `npm test` is tooling/cluster/faults.test.ts.
import { performance } from "node:perf_hooks";
import { checkRun, longestGap, random, setupTenants, sleep, startCluster, startLoad } from "./harness.mjs";

/** Waits until every tenant has a writable lease on some live node; returns the holders (or null on timeout). */
async function waitForWriters(cluster, tenants, timeoutMs = 30_000) {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    const holders = await cluster.holders();
    if (tenants.every((t) => holders.has(t.tenant))) return holders;
    await sleep(100);
  }
  return null;
}

/** Runs the harness; resolves with the report (problems empty when everything held). */
export async function runFaults({
  rounds = 3,
  seed = 15,
  clients = 6,
  tenantCount = 2,
  faults = ["kill", "stall", "pg"],
  leaseTtlMs = 3_000,
  log = () => undefined,
} = {}) {
  const next = random(seed);
  const cluster = await startCluster({ count: 3, leaseTtlMs, log });
  const report = { seed, rounds: [], leaseTtlMs, problems: [] };
  try {
    const tenants = await setupTenants(cluster, tenantCount, { members: 10 });
    const load = startLoad(cluster, tenants, { clients, seed, prefix: `k${seed}` });
    // Every tenant gets its writer before the first fault.
    if ((await waitForWriters(cluster, tenants)) === null) report.problems.push("tenants never got a writer");
    for (let round = 1; round <= rounds; round++) {
      await sleep(1_500);
      const names = new Set(tenants.map((t) => t.tenant));
      const holders = new Map([...(await cluster.holders())].filter(([tenant]) => names.has(tenant)));
      const kind = faults[(round - 1) % faults.length];
      const victim = [...holders.values()][Math.floor(next() * holders.size)];
      const faulted = [...holders].filter(([, h]) => h.node === victim?.node).map(([tenant]) => tenant);
      const entry = { round, kind, node: victim?.node, tenants: faulted };
      const at = performance.now();
      if (kind === "kill" && victim !== undefined) {
        cluster.signal(victim.node, "SIGKILL");
        await sleep(1_000);
        await cluster.startNode(victim.node);
      } else if (kind === "stall" && victim !== undefined) {
        cluster.signal(victim.node, "SIGSTOP");
        await sleep(leaseTtlMs + 2_000);
        cluster.signal(victim.node, "SIGCONT");
        // The old writer must give its leases up (its renewal finds another epoch; commits are fenced).
        let stale = faulted;
        for (let i = 0; i < 50 && stale.length > 0; i++) {
          const status = await cluster.health(victim.node);
          stale = faulted.filter((tenant) =>
            (status?.leases ?? []).some((l) => l.tenant === tenant && l.epoch === holders.get(tenant).epoch),
          );
          if (stale.length > 0) await sleep(100);
        }
        if (stale.length > 0)
          report.problems.push(`round ${round}: the resumed node still claims ${stale.join(", ")}`);
      } else if (kind === "pg") {
        await cluster.postgres.restart(500);
        entry.tenants = tenants.map((t) => t.tenant);
      }
      const back = await waitForWriters(cluster, tenants);
      if (back === null)
        report.problems.push(`round ${round} (${kind}): a tenant stayed without a writer for 30 s`);
      // Let acknowledgements resume, then measure the longest silence of the faulted tenants.
      const resumed = performance.now();
      for (let i = 0; i < 100; i++) {
        const after = entry.tenants.every((t) => load.state.ackTimes.get(t).some((time) => time > resumed));
        if (after) break;
        await sleep(100);
      }
      entry.outageMs = Math.round(longestGap(load.state, entry.tenants, at, performance.now()));
      entry.newHolders = back === null ? null : Object.fromEntries([...back].map(([t, h]) => [t, h.node]));
      report.rounds.push(entry);
      log(
        `round ${round}: ${kind} node ${entry.node} (${entry.tenants.join(", ")}): write outage ${entry.outageMs} ms`,
      );
    }
    await load.stop();
    const check = await checkRun(cluster, tenants, load.state, { seed });
    report.problems.push(...check.problems);
    Object.assign(report, {
      acknowledged: check.acknowledged,
      attempted: check.attempted,
      journalRows: check.journalRows,
      retries: load.state.retries,
      errors500: load.state.errors500,
      gaveUp: load.state.gaveUp,
      restartMs: cluster.nodes.map((n) => Math.round(n.startMs)),
    });
    if (load.state.errors500 > 0) report.problems.push(`${load.state.errors500} answers were 500`);
  } finally {
    await cluster.close();
  }
  return report;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const argv = process.argv.slice(2);
  const option = (name, fallback) => {
    const i = argv.indexOf(name);
    return i >= 0 && argv[i + 1] !== undefined ? argv[i + 1] : fallback;
  };
  const json = argv.includes("--json");
  const report = await runFaults({
    rounds: Number(option("--rounds", "10")),
    seed: Number(option("--seed", "15")),
    clients: Number(option("--clients", "8")),
    tenantCount: Number(option("--tenants", "2")),
    faults: option("--faults", "kill,stall,pg").split(","),
    log: json ? () => undefined : (line) => console.log(line),
  });
  if (json) console.log(JSON.stringify(report, null, 2));
  else {
    const outages = report.rounds.map((r) => r.outageMs);
    console.log(
      `faults: ${report.rounds.length} rounds, ${report.acknowledged} acknowledged (${report.attempted} sent, ${report.journalRows} journaled), ${report.retries} retries, outage max ${Math.max(...outages)} ms, median ${outages.sort((a, b) => a - b)[Math.floor(outages.length / 2)]} ms`,
    );
    for (const problem of report.problems) console.log(`PROBLEM: ${problem}`);
  }
  process.exit(report.problems.length === 0 ? 0 : 1);
}

#!/usr/bin/env node
// bench:cluster — three `zengzhi start` nodes and eight tenants on one throwaway PostgreSQL, on this
// machine, driven over HTTP on loopback (issue #15). Closed-loop clients make durable in-store sales
// (POST /api/sales, each with its own Idempotency-Key, retried on 503).
//   1. one node: every tenant's lease on node 0, every request sent to it;
//   2. three nodes: the leases spread (tenant i on node i mod 3, taken by its first request there)
//      and each request sent to its tenant's node, as a tenant-aware load balancer would;
//   3. failover: SIGKILL a node under load; the write outage of its tenants until another node serves.
// Prints the aggregate acknowledged orders/s of both phases and their ratio, and the outage.
//   --seconds 8   length of each load phase    --clients 48   concurrent clients    --json
import os from "node:os";
import { performance } from "node:perf_hooks";
import { longestGap, setupTenants, sleep, startCluster, startLoad } from "../tooling/cluster/harness.mjs";

const argv = process.argv.slice(2);
const option = (name, fallback) => {
  const i = argv.indexOf(name);
  return i >= 0 && argv[i + 1] !== undefined ? argv[i + 1] : fallback;
};
const seconds = Number(option("--seconds", "8"));
const clients = Number(option("--clients", "48"));
const json = argv.includes("--json");
const log = json ? () => undefined : (line) => console.log(line);

/** Runs load for `seconds` with `pick` choosing each request's node; returns orders/s acknowledged. */
async function phase(cluster, tenants, pick, prefix) {
  const load = startLoad(cluster, tenants, { clients, seed: prefix.length, prefix, pick });
  await sleep(1_000); // Warm-up, not counted.
  const from = load.state.acked.size;
  const started = performance.now();
  await sleep(seconds * 1_000);
  const acked = load.state.acked.size - from;
  const elapsed = (performance.now() - started) / 1_000;
  await load.stop();
  return {
    ordersPerSecond: Math.round(acked / elapsed),
    retries: load.state.retries,
    errors500: load.state.errors500,
  };
}

const cluster = await startCluster({ count: 3, log });
try {
  const tenants = await setupTenants(cluster, 8, { members: 20, prefix: "b" });
  const names = tenants.map((t) => t.tenant);
  // Phase 1: setup made node 0 the writer of every tenant.
  const one = await phase(cluster, tenants, () => cluster.nodes[0], "k1");
  log(`one node: ${one.ordersPerSecond} orders/s`);

  // Spread: node 0 stops cleanly (its leases released), comes back, and each tenant's first request
  // goes to its home node, which takes the free lease.
  const home = (t) => cluster.nodes[names.indexOf(t.tenant) % 3];
  cluster.signal(0, "SIGTERM");
  for (let i = 0; i < 200 && cluster.nodes[0].alive; i++) await sleep(50);
  await cluster.startNode(0);
  const three = await phase(cluster, tenants, (t) => home(t), "k3");
  const spread = Object.fromEntries(
    [...(await cluster.holders())].filter(([t]) => names.includes(t)).map(([t, h]) => [t, h.node]),
  );
  log(`three nodes: ${three.ordersPerSecond} orders/s, leases ${JSON.stringify(spread)}`);

  // Failover under load: kill node 1; clients of its tenants retry on the next node.
  const load = startLoad(cluster, tenants, {
    clients,
    seed: 9,
    prefix: "kf",
    pick: (t, id) => {
      const node = home(t);
      return node.alive ? node : cluster.nodes[(node.index + 1 + (id % 2)) % 3];
    },
  });
  await sleep(2_000);
  const victims = names.filter((_, i) => i % 3 === 1);
  const killedAt = performance.now();
  cluster.signal(1, "SIGKILL");
  await sleep(8_000);
  const outageMs = Math.round(longestGap(load.state, victims, killedAt, performance.now()));
  await load.stop();
  log(`failover: SIGKILL of node 1 (${victims.join(", ")}): write outage ${outageMs} ms`);

  const result = {
    bench: "cluster",
    machine: `${os.cpus()[0]?.model ?? "unknown"}, ${os.cpus().length} cores`,
    nodes: 3,
    tenants: 8,
    clients,
    seconds,
    oneNodeOrdersPerSecond: one.ordersPerSecond,
    threeNodesOrdersPerSecond: three.ordersPerSecond,
    ratio: Math.round((three.ordersPerSecond / one.ordersPerSecond) * 100) / 100,
    leases: spread,
    failoverOutageMs: outageMs,
    leaseTtlMs: 3000,
    errors500: one.errors500 + three.errors500 + load.state.errors500,
  };
  if (json) console.log(JSON.stringify(result, null, 2));
  else console.log(`ratio three/one: ${result.ratio}`);
} finally {
  await cluster.close();
}

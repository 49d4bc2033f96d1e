/**
 * PostgreSQL itself highly available (issue #15, item 3): a pg_auto_failover formation (monitor,
 * primary, synchronous secondary) on localhost, two `zengzhi start` nodes on its multi-host URL
 * (target_session_attrs=read-write), sales through HTTP only with Idempotency-Key retries; the
 * primary is SIGKILLed. Checks: the secondary is promoted, both nodes write again, every
 * acknowledged sale is in the journal exactly once, `zengzhi verify` passes. Prints the outage.
 * Without Debian's postgresql-15-auto-failover the test fails (CI installs it in .ci/run).
 */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { type AddressInfo, createServer } from "node:net";
import { fileURLToPath } from "node:url";
import { newPostgresClient } from "@zengzhi/store";
import { type AutoFailoverFormation, requireAutoFailover, startAutoFailover } from "@zengzhi/store/testing";
import { beforeAll, describe, expect, it } from "vitest";
import { type ServiceNode, startServiceNode } from "./testing/service-node.js";
import {
  type LoadRecord,
  type SalesClient,
  emptyRecord,
  runSalesClient,
  writeOutage,
} from "./testing/sales-load.js";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const CLI = fileURLToPath(new URL("../bin/zengzhi.js", import.meta.url));
/**
 * Ports on 127.0.0.1: monitor, two data nodes, two service nodes. Free ones by default;
 * ZENGZHI_HA_PORT_BASE=N takes N, N+1, N+2 and N+5, N+6 instead.
 */
async function choosePorts(): Promise<{ formation: [number, number, number]; nodes: [number, number] }> {
  const base = process.env.ZENGZHI_HA_PORT_BASE;
  if (base !== undefined && base !== "") {
    const n = Number(base);
    return { formation: [n, n + 1, n + 2], nodes: [n + 5, n + 6] };
  }
  // Held open together, so the five differ; released just before use.
  const servers = await Promise.all(
    Array.from({ length: 5 }, async () => {
      const server = createServer();
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      return server;
    }),
  );
  const ports = servers.map((server) => (server.address() as AddressInfo).port);
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  const [monitor, node1, node2, a, b] = ports as [number, number, number, number, number];
  return { formation: [monitor, node1, node2], nodes: [a, b] };
}
const LOAD_BEFORE_KILL_MS = 4000;
const LOAD_AFTER_RECOVERY_MS = 4000;
const RECOVERY_LIMIT_MS = 45_000;

beforeAll(() => {
  // The nodes run the compiled CLI: bring dist/ up to date (a no-op when it is).
  execFileSync(process.execPath, [`${ROOT}node_modules/typescript/bin/tsc`, "-b", "apps/cli"], {
    cwd: ROOT,
    stdio: "inherit",
  });
}, 180_000);

type Json = Record<string, unknown>;

async function api(
  node: ServiceNode,
  method: string,
  path: string,
  options: { token?: string; body?: Json } = {},
) {
  const response = await fetch(`${node.url}${path}`, {
    method,
    headers: {
      "content-type": "application/json",
      "idempotency-key": `ha-setup-${Math.random().toString(36).slice(2)}`,
      ...(options.token === undefined ? {} : { authorization: `Bearer ${options.token}` }),
    },
    ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
  });
  const text = await response.text();
  if (response.status >= 300)
    throw new Error(`${method} ${path} on ${node.name}: ${response.status} ${text}`);
  return JSON.parse(text) as Json;
}

async function login(node: ServiceNode, tenant: string, username: string, password: string) {
  return String((await api(node, "POST", "/api/auth/login", { body: { tenant, username, password } })).token);
}

/**
 * Two tenants, each set up through the node that will carry its load: the seeded `demo` on node A,
 * a new tenant `ha2` (its operator, a merchant, a member) on node B. Two clients per node.
 */
async function prepareClients(a: ServiceNode, b: ServiceNode): Promise<SalesClient[]> {
  const demoOperator = await login(b, "demo", "operator", "operator-demo");
  const password = "ha-password-1";
  await api(b, "POST", "/api/tenants", {
    token: demoOperator,
    body: { tenant: "ha2", operator: { username: "op2", password } },
  });
  const operator = await login(b, "ha2", "op2", password);
  await api(b, "POST", "/api/merchants", {
    token: operator,
    body: { id: "shop", name: "Shop", username: "shop", password },
  });
  // Till sales are paid from the merchant's prepaid balance (issue 12): the operator credits one.
  await api(b, "POST", "/api/merchants/shop/prepaid/credits", {
    token: operator,
    body: { amount: "1000000.00", reference: "HA-TEST" },
  });
  await api(b, "POST", "/api/auth/register", { body: { tenant: "ha2", username: "member1", password } });
  const merchantA = await login(a, "demo", "teahouse", "merchant-demo");
  const merchantB = await login(b, "ha2", "shop", password);
  const run = Date.now().toString(36);
  return [0, 1].flatMap((i) => [
    { node: a, tenant: "demo", token: merchantA, member: "alice", keyPrefix: `ha-${run}-a${i}` },
    { node: b, tenant: "ha2", token: merchantB, member: "member1", keyPrefix: `ha-${run}-b${i}` },
  ]);
}

/** Journal rows of the acknowledged keys: key suffix → how often, and the position it answered. */
async function journalOf(
  databaseUrl: string,
  tenants: string[],
): Promise<Map<string, { count: number; position: number }>> {
  const client = newPostgresClient(databaseUrl);
  await client.connect();
  try {
    const { rows } = await client.query<{ key: string; result: string }>(
      "SELECT idempotency_key AS key, result FROM journal WHERE tenant_id = ANY($1) AND idempotency_key LIKE 'sales|%'",
      [tenants],
    );
    const found = new Map<string, { count: number; position: number }>();
    for (const row of rows) {
      const header = row.key.slice(row.key.lastIndexOf("|") + 1);
      const position = Number(
        (JSON.parse(row.result) as { outcome?: { position?: number } }).outcome?.position,
      );
      const seen = found.get(header);
      found.set(header, { count: (seen?.count ?? 0) + 1, position });
    }
    return found;
  } finally {
    await client.end();
  }
}

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs the load, kills the primary once load flows, waits for promotion and recovery. */
async function loadThroughFailover(formation: AutoFailoverFormation, clients: SalesClient[]) {
  const record: LoadRecord = emptyRecord();
  let stopAt = Number.POSITIVE_INFINITY;
  let giveUpAt = Number.POSITIVE_INFINITY;
  const until = { stop: () => Date.now() >= stopAt, giveUp: () => Date.now() >= giveUpAt };
  const running = clients.map((client) => runSalesClient(client, record, until));
  await delay(LOAD_BEFORE_KILL_MS);
  const acknowledgedBeforeKill = record.acknowledged.length;
  const killedAt = Date.now();
  formation.kill("node1");
  let promotedMs: number | null = null;
  try {
    await formation.waitForStates({ node2: ["wait_primary", "primary"] }, RECOVERY_LIMIT_MS);
    promotedMs = Date.now() - killedAt;
  } catch {
    // Reported by the assertions below.
  }
  // Let the load run until both nodes wrote again for a while, or the recovery limit passed.
  const deadline = killedAt + RECOVERY_LIMIT_MS;
  while (Date.now() < deadline && ["a", "b"].some((node) => writeOutage(record, killedAt, node) === null)) {
    await delay(200);
  }
  stopAt = Math.min(Date.now() + LOAD_AFTER_RECOVERY_MS, deadline + LOAD_AFTER_RECOVERY_MS);
  giveUpAt = stopAt + 10_000;
  await Promise.all(running);
  return { record, killedAt, promotedMs, acknowledgedBeforeKill };
}

describe("PostgreSQL high availability with pg_auto_failover", () => {
  it("promotes the secondary when the primary is killed; the nodes reconnect and lose no acknowledged sale", async () => {
    requireAutoFailover(); // Fails, naming the Debian package, when it is missing.
    const ports = await choosePorts();
    const formation = await startAutoFailover({ ports: ports.formation });
    const nodes: ServiceNode[] = [];
    try {
      const [primary] = formation.nodes;
      await formation.query(primary!, "CREATE DATABASE zengzhi");
      const replication = await formation.query<{ sync_state: string }>(
        primary!,
        "SELECT sync_state FROM pg_stat_replication",
      );
      // Synchronous: a commit is acknowledged only once the secondary has it.
      expect(replication.map((row) => row.sync_state)).toEqual([expect.stringMatching(/^(sync|quorum)$/)]);
      const databaseUrl = formation.databaseUrl("zengzhi");
      nodes.push(await startServiceNode({ name: "a", port: ports.nodes[0], databaseUrl }));
      nodes.push(await startServiceNode({ name: "b", port: ports.nodes[1], databaseUrl }));
      const clients = await prepareClients(nodes[0]!, nodes[1]!);

      const run = await loadThroughFailover(formation, clients);
      const { record, killedAt } = run;
      const outage = { a: writeOutage(record, killedAt, "a"), b: writeOutage(record, killedAt, "b") };
      const figures = {
        acknowledged: record.acknowledged.length,
        acknowledgedBeforeKill: run.acknowledgedBeforeKill,
        failedAttempts: record.failed.length,
        failedStatuses: [...new Set(record.failed.map((f) => f.status))],
        pending: record.pending.length,
        promotedMs: run.promotedMs,
        writeOutageMs: outage,
        states: await formation.states(),
      };
      console.log(`[postgres-ha] ${JSON.stringify(figures)}`);

      expect(record.refused).toEqual([]);
      expect(run.acknowledgedBeforeKill).toBeGreaterThan(0);
      expect(run.promotedMs, "the secondary was not promoted").not.toBeNull();
      expect(
        outage,
        `a node did not write again within ${RECOVERY_LIMIT_MS} ms of the kill:\n${nodes.map((n) => `--- ${n.name}\n${n.output().slice(-1500)}`).join("\n")}`,
      ).toEqual({
        a: expect.any(Number),
        b: expect.any(Number),
      });

      // Every acknowledged sale exists exactly once, with the answer the client got.
      const journal = await journalOf(databaseUrl, ["demo", "ha2"]);
      const wrong = record.acknowledged.filter(
        (ack) => journal.get(ack.key)?.count !== 1 || journal.get(ack.key)?.position !== ack.position,
      );
      expect(wrong).toEqual([]);
      for (const node of nodes.splice(0)) await node.stop();
      const verify = spawnSync(process.execPath, [CLI, "verify", "--database-url", databaseUrl], {
        encoding: "utf8",
      });
      expect(verify.status, verify.stdout + verify.stderr).toBe(0);
    } finally {
      for (const node of nodes) await node.stop();
      await formation.stop();
    }
    // Self-cleaning: the folder is gone and no process of the formation is left.
    expect(existsSync(formation.dir)).toBe(false);
    expect(formation.nodes.map((node) => existsSync(`/var/run/postgresql/.s.PGSQL.${node.port}`))).toEqual([
      false,
      false,
    ]);
  }, 175_000);
});

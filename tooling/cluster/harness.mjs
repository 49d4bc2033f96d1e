// A cluster of `zengzhi start` processes (nodes) on one throwaway PostgreSQL, driven from outside
// over HTTP on loopback only: used by the fault harness (faults.mjs) and bench:cluster. Each node runs
// in its own process group (the CLI restarts Node with the service's flags, so the group holds two
// processes): SIGKILL, SIGSTOP and SIGCONT go to the whole group, as a supervisor's would.
import { spawn } from "node:child_process";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { startTemporaryPostgres } from "@zengzhi/store";

export const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const CLI = `${ROOT}apps/cli/bin/zengzhi.js`;
export const PASSWORD = "harness-password-1";

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** A small seeded generator (mulberry32): the same seed gives the same faults and the same load. */
export function random(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Starts PostgreSQL (or uses databaseUrl) and `count` nodes; node 0 seeds the demo tenant (its
 * operator creates the test tenants). Returns the cluster's controls.
 */
export async function startCluster({ count = 3, leaseTtlMs, log = () => undefined, databaseUrl } = {}) {
  const postgres = databaseUrl === undefined ? await startTemporaryPostgres() : null;
  const url = databaseUrl ?? (await postgres.createDatabase("zengzhi_cluster"));
  const nodes = [];
  const cluster = {
    databaseUrl: url,
    postgres,
    nodes,
    log,
    async startNode(index, { seed = false } = {}) {
      const env = {
        ...process.env,
        DATABASE_URL: url,
        PORT: "0",
        HOST: "127.0.0.1",
        LOG_LEVEL: "warn",
        ZENGZHI_DATA_DIR: "",
        // Every simulated member registers from 127.0.0.1; the per-address ceiling guards real clients.
        ZENGZHI_REGISTRATIONS_PER_ADDRESS_PER_HOUR: "1000000",
      };
      if (leaseTtlMs !== undefined) env.ZENGZHI_LEASE_TTL_MS = String(leaseTtlMs);
      const child = spawn(process.execPath, [CLI, "start", ...(seed ? [] : ["--no-seed"])], {
        env,
        detached: true,
        stdio: ["ignore", "pipe", "pipe"],
      });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (chunk) => (stdout += chunk.toString()));
      child.stderr.on("data", (chunk) => (stderr += chunk.toString()));
      const node = { index, child, url: undefined, alive: true, stopped: false, exited: null };
      child.on("exit", (code, signal) => {
        node.alive = false;
        node.exited = { code, signal };
      });
      const started = performance.now();
      for (let i = 0; i < 1200 && node.url === undefined; i++) {
        node.url = /running at (http:\/\/127\.0\.0\.1:\d+)/.exec(stdout)?.[1];
        if (node.url === undefined) {
          if (!node.alive) throw new Error(`node ${index} exited: ${stderr.slice(-2000)}`);
          await sleep(50);
        }
      }
      if (node.url === undefined) throw new Error(`node ${index} did not start: ${stderr.slice(-2000)}`);
      node.startMs = performance.now() - started;
      node.stderr = () => stderr;
      nodes[index] = node;
      log(`node ${index} up at ${node.url} in ${Math.round(node.startMs)} ms`);
      return node;
    },
    signal(index, signal) {
      const node = nodes[index];
      try {
        process.kill(-node.child.pid, signal);
      } catch {
        // Already gone.
      }
      if (signal === "SIGKILL") node.alive = false;
      if (signal === "SIGSTOP") node.stopped = true;
      if (signal === "SIGCONT") node.stopped = false;
    },
    async health(index) {
      const node = nodes[index];
      if (node === undefined || !node.alive || node.stopped) return null;
      try {
        const response = await fetch(`${node.url}/healthz`, { signal: AbortSignal.timeout(1500) });
        return response.status === 200 ? (await response.json()).node : null;
      } catch {
        return null;
      }
    },
    /** tenant → {node index, epoch} for every lease some live node reports writable. */
    async holders() {
      const map = new Map();
      for (let i = 0; i < nodes.length; i++) {
        const status = await cluster.health(i);
        for (const lease of status?.leases ?? []) {
          if (lease.writable) map.set(lease.tenant, { node: i, epoch: lease.epoch });
        }
      }
      return map;
    },
    async close() {
      for (let i = 0; i < nodes.length; i++) {
        const node = nodes[i];
        if (node === undefined || !node.alive) continue;
        if (node.stopped) cluster.signal(i, "SIGCONT");
        cluster.signal(i, "SIGTERM");
      }
      for (const node of nodes) {
        for (let i = 0; i < 100 && node?.alive; i++) await sleep(50);
        if (node?.alive) cluster.signal(node.index, "SIGKILL");
      }
      await postgres?.stop();
    },
  };
  await cluster.startNode(0, { seed: true });
  for (let i = 1; i < count; i++) await cluster.startNode(i);
  return cluster;
}

/** One JSON request; throws on a status other than `expect`. */
export async function call(base, method, path, { token, body, key, expect = [200, 201, 204] } = {}) {
  const headers = {};
  if (token !== undefined) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers["content-type"] = "application/json";
  if (key !== undefined) headers["idempotency-key"] = key;
  const response = await fetch(`${base}${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(30_000),
  });
  const text = await response.text();
  if (!expect.includes(response.status)) throw new Error(`${method} ${path}: ${response.status} ${text}`);
  return text === "" ? null : JSON.parse(text);
}

/**
 * Creates `count` tenants through node 0's API (the demo operator creates each, whose own operator
 * adds a merchant; members register), and returns what clients need: the merchant's token and members.
 */
export async function setupTenants(cluster, count, { members = 20, prefix = "t" } = {}) {
  const base = cluster.nodes[0].url;
  const login = async (tenant, username) =>
    (
      await call(base, "POST", "/api/auth/login", {
        body: { tenant, username, password: username === "operator" ? "operator-demo" : PASSWORD },
      })
    ).token;
  const root = await login("demo", "operator");
  const tenants = [];
  for (let t = 0; t < count; t++) {
    const tenant = `${prefix}${t}`;
    await call(base, "POST", "/api/tenants", {
      token: root,
      key: `setup-${tenant}`,
      body: { tenant, operator: { username: `op-${tenant}`, password: PASSWORD } },
    });
    const operator = await login(tenant, `op-${tenant}`);
    await call(base, "POST", "/api/merchants", {
      token: operator,
      key: `setup-${tenant}-shop`,
      body: { id: "shop", name: "Shop", username: `shop-${tenant}`, password: PASSWORD },
    });
    // Till sales are paid from the merchant's prepaid balance (issue 12): the operator credits one.
    await call(base, "POST", "/api/merchants/shop/prepaid/credits", {
      token: operator,
      key: `setup-${tenant}-prepaid`,
      body: { amount: "100000000.00", reference: `BENCH-${tenant}` },
    });
    const names = [];
    for (let m = 0; m < members; m++) {
      const username = `m${m}-${tenant}`;
      await call(base, "POST", "/api/auth/register", {
        key: `setup-${username}`,
        body: { tenant, username, password: PASSWORD },
      });
      names.push(username);
    }
    tenants.push({ tenant, token: await login(tenant, `shop-${tenant}`), members: names });
  }
  return tenants;
}

/**
 * Concurrent clients making in-store sales, each with a fresh Idempotency-Key retried (same key,
 * any node) on 503, a refused connection or a timeout until it is acknowledged. Returns the load's
 * controls and records: acknowledged keys with their answers, attempted keys, ack times per tenant.
 */
export function startLoad(
  cluster,
  tenants,
  { clients = 8, seed = 1, prefix = "k", requestTimeoutMs = 2_500, giveUpMs = 60_000, pick } = {},
) {
  const next = random(seed);
  const state = {
    stopping: false,
    acked: new Map(),
    attempted: new Map(),
    ackTimes: new Map(tenants.map((t) => [t.tenant, []])),
    retries: 0,
    errors500: 0,
    gaveUp: 0,
    unexpected: [],
  };
  const choose = pick ?? (() => cluster.nodes[Math.floor(next() * cluster.nodes.length)]);
  async function client(id) {
    for (let n = 0; !state.stopping; n++) {
      const t = tenants[Math.floor(next() * tenants.length)];
      const key = `${prefix}-c${id}-${n}`;
      const body = {
        member: t.members[Math.floor(next() * t.members.length)],
        amount: `${1 + Math.floor(next() * 300)}.${String(Math.floor(next() * 100)).padStart(2, "0")}`,
      };
      state.attempted.set(key, { tenant: t.tenant, ...body });
      const deadline = performance.now() + giveUpMs;
      for (;;) {
        if (performance.now() > deadline) {
          state.gaveUp++;
          break;
        }
        const node = choose(t, id);
        try {
          const response = await fetch(`${node.url}/api/sales`, {
            method: "POST",
            headers: {
              authorization: `Bearer ${t.token}`,
              "content-type": "application/json",
              "idempotency-key": key,
            },
            body: JSON.stringify(body),
            signal: AbortSignal.timeout(requestTimeoutMs),
          });
          const answer = await response.json();
          if (response.status === 201) {
            const at = performance.now();
            const previous = state.acked.get(key);
            // The answer names the order's position: one position per journaled order.
            if (previous !== undefined && previous.position !== answer.position)
              state.unexpected.push({ key, twice: [previous.position, answer.position] });
            state.acked.set(key, { tenant: t.tenant, position: answer.position, ...body, at });
            state.ackTimes.get(t.tenant).push(at);
            break;
          }
          if (response.status === 500) state.errors500++;
          if (response.status !== 503 && response.status !== 500) {
            state.unexpected.push({ key, status: response.status, answer });
            break;
          }
        } catch {
          // Refused, reset or timed out: the same key again, maybe on another node.
        }
        state.retries++;
        await sleep(50 + Math.floor(next() * 100));
      }
    }
  }
  const running = Promise.all(Array.from({ length: clients }, (_, id) => client(id)));
  return {
    state,
    async stop() {
      state.stopping = true;
      await running;
    },
  };
}

/** The longest time without an acknowledgement for any of `tenants` between `from` and `to` (ms). */
export function longestGap(state, tenants, from, to) {
  let longest = 0;
  for (const tenant of tenants) {
    const times = state.ackTimes.get(tenant).filter((t) => t >= from && t <= to);
    let previous = from;
    for (const t of times) {
      longest = Math.max(longest, t - previous);
      previous = t;
    }
    longest = Math.max(longest, to - previous);
  }
  return longest;
}

/**
 * Checks the run: every acknowledged key is in its tenant's journal exactly once, with the position
 * its answer named, with its member and amount; nothing is there that no client sent; replaying a sample
 * of acknowledged keys over HTTP gives the same position; `zengzhi verify` passes. Returns the findings.
 */
export async function checkRun(cluster, tenants, state, { sample = 50, seed = 1 } = {}) {
  const problems = [...state.unexpected.map((u) => `unexpected answer ${JSON.stringify(u)}`)];
  const client = new pg.Client({ connectionString: cluster.databaseUrl });
  await client.connect();
  let journalRows = 0;
  try {
    for (const t of tenants) {
      const { rows } = await client.query(
        "SELECT seq, idempotency_key, command, result FROM journal WHERE tenant_id = $1 ORDER BY seq",
        [t.tenant],
      );
      const seen = new Map();
      for (const row of rows) {
        const key = /(k[\w]*-c\d+-\d+)$/.exec(row.idempotency_key)?.[1];
        if (key === undefined) continue;
        journalRows++;
        if (seen.has(key)) problems.push(`${t.tenant}: key ${key} journaled twice (at seq ${row.seq} again)`);
        const result = JSON.parse(row.result);
        seen.set(key, result.outcome?.position ?? result.position);
        const sent = state.attempted.get(key);
        if (sent === undefined) problems.push(`${t.tenant}: key ${key} in the journal but never sent`);
        const command = JSON.parse(row.command);
        if (
          sent !== undefined &&
          (command.member !== sent.member || Number(command.amount) !== Number(sent.amount))
        ) {
          problems.push(`${t.tenant}: key ${key} journaled with another body`);
        }
      }
      for (const [key, ack] of state.acked) {
        if (ack.tenant !== t.tenant) continue;
        if (seen.get(key) !== ack.position) {
          problems.push(
            `${t.tenant}: acknowledged ${key} as position ${ack.position}, journal has ${seen.get(key)}`,
          );
        }
      }
    }
  } finally {
    await client.end();
  }
  // Retrying acknowledged keys (on any live node) gives the recorded answer, and records nothing new.
  const next = random(seed + 7);
  const acked = [...state.acked];
  const live = cluster.nodes.filter((n) => n.alive && !n.stopped);
  for (let i = 0; i < Math.min(sample, acked.length); i++) {
    const [key, ack] = acked[Math.floor(next() * acked.length)];
    const t = tenants.find((x) => x.tenant === ack.tenant);
    const node = live[i % live.length];
    const answer = await call(node.url, "POST", "/api/sales", {
      token: t.token,
      key,
      body: { member: ack.member, amount: ack.amount },
      expect: [201],
    });
    if (answer.position !== ack.position) {
      problems.push(`retry of ${key} answered position ${answer.position}, first ${ack.position}`);
    }
  }
  const verify = await runVerify(cluster.databaseUrl);
  if (verify.code !== 0) problems.push(`zengzhi verify failed: ${verify.output.slice(-2000)}`);
  return { problems, journalRows, acknowledged: state.acked.size, attempted: state.attempted.size };
}

export function runVerify(databaseUrl) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, "verify", "--database-url", databaseUrl], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (chunk) => (output += chunk.toString()));
    child.stderr.on("data", (chunk) => (output += chunk.toString()));
    child.on("exit", (code) => resolve({ code, output }));
  });
}

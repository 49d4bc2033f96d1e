/**
 * Crash test: a child process takes orders and sells under load on each store and is killed with
 * SIGKILL at random moments; after each kill the ledger is reopened and checked: every acknowledged
 * command is in the journal exactly once with the answer the child got, a retry gets that answer,
 * and verify (chain, replay, projections, invariants) passes, so nothing unacknowledged is half
 * applied. CRASH_ROUNDS (default 10) sets the rounds per store; CRASH_SEED reproduces a run.
 * The child runs the compiled dist/, rebuilt here with `tsc -b` first.
 */
import { execFileSync, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { openLedger, verifyDatabase } from "./index.js";
import { type Location, STORES } from "./testing/stores.js";

const ROUNDS = Number(process.env.CRASH_ROUNDS ?? 10);
const SEED = Number(process.env.CRASH_SEED ?? Date.now() % 1_000_000);
const root = fileURLToPath(new URL("../../../", import.meta.url));
const child = fileURLToPath(new URL("./testing/crash-child.mjs", import.meta.url));

interface Acknowledged {
  command: string;
  answer: string;
}

/** A small seeded generator, so a failing run's kill times can be replayed with CRASH_SEED. */
function random(seed: number): () => number {
  let x = seed || 1;
  return () => {
    x = (x * 48271) % 2147483647;
    return x / 2147483647;
  };
}

/** Runs the child until `killAfterMs` after it is ready, SIGKILLs it, returns its acknowledged lines. */
function runChild(
  location: Location,
  round: number,
  killAfterMs: number,
): Promise<Map<string, Acknowledged>> {
  return new Promise((resolve, reject) => {
    const process_ = spawn(process.execPath, [child, JSON.stringify(location), String(round)], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    let killed = false;
    process_.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString("utf8");
      if (!killed && stdout.startsWith("ready\n")) {
        killed = true;
        setTimeout(() => process_.kill("SIGKILL"), killAfterMs);
      }
    });
    process_.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
    process_.on("error", reject);
    process_.on("close", (code, signal) => {
      if (signal !== "SIGKILL") {
        reject(new Error(`crash child ended by itself (code ${code}): ${stderr.slice(0, 2000)}`));
        return;
      }
      const acknowledged = new Map<string, Acknowledged>();
      // Only complete lines count: a line cut by the kill was never fully acknowledged.
      for (const line of stdout.split("\n").slice(0, -1)) {
        if (!line.startsWith("ack ")) continue;
        const [, key, command, answer] = /^ack (\S+) (\{.*\}) (\{.*\})$/.exec(line) ?? [];
        if (key === undefined || command === undefined || answer === undefined)
          throw new Error(`bad line ${line}`);
        acknowledged.set(key, { command, answer });
      }
      resolve(acknowledged);
    });
  });
}

/**
 * Checks every acknowledged key against the journal, retries a sample of them, and verifies the
 * whole ledger; returns the number of journal rows.
 */
async function checkAfterCrash(
  location: Location,
  acknowledged: Map<string, Acknowledged>,
  next: () => number,
) {
  const ledger = await openLedger({ ...location, nodeId: "crash-node" });
  try {
    const report = await verifyDatabase(ledger.sql, ledger.kind);
    expect(report.tenants[0]?.problems).toEqual([]);
    expect(report.ok).toBe(true);
    const keys = [...acknowledged.keys()];
    const { rows } = await ledger.sql.query<{ idempotency_key: string; seq: string; result: string }>(
      "SELECT idempotency_key, seq, result FROM journal WHERE tenant_id = 'crash' AND idempotency_key = ANY($1::text[])",
      [keys],
    );
    expect(rows.length).toBe(keys.length);
    for (const row of rows) {
      const expected = JSON.parse(acknowledged.get(row.idempotency_key)!.answer) as { seq: number };
      expect({ ...(JSON.parse(row.result) as object), seq: Number(row.seq) }).toEqual(expected);
    }
    for (let i = 0; i < Math.min(20, keys.length); i++) {
      const key = keys[Math.floor(next() * keys.length)]!;
      const { command, answer } = acknowledged.get(key)!;
      expect(await ledger.submit("crash", key, JSON.parse(command))).toEqual(JSON.parse(answer));
    }
    return report.tenants[0]!.commands;
  } finally {
    await ledger.close();
  }
}

beforeAll(() => {
  // The child imports the compiled store; make sure dist/ matches the sources under test.
  execFileSync(process.execPath, [`${root}node_modules/typescript/bin/tsc`, "-b", "packages/store"], {
    cwd: root,
  });
}, 180_000);

for (const store of STORES) {
  describe.runIf(store.available)(`crash test: ${store.name}`, () => {
    it(`survives ${ROUNDS} SIGKILLs under load with every acknowledged command kept (seed ${SEED})`, async () => {
      const next = random(SEED + (store.name === "pglite" ? 0 : 1));
      const location = await store.create();
      const acknowledged = new Map<string, Acknowledged>();
      let journalRows = 0;
      for (let round = 1; round <= ROUNDS; round++) {
        const killAfterMs = Math.floor(next() * 1200);
        const acks = await runChild(location, round, killAfterMs);
        for (const [key, value] of acks) acknowledged.set(key, value);
        const commands = await checkAfterCrash(location, acknowledged, next);
        expect(commands, `round ${round}, seed ${SEED}`).toBeGreaterThanOrEqual(acknowledged.size);
        expect(commands).toBeGreaterThanOrEqual(journalRows);
        journalRows = commands;
      }
      console.info(
        `crash test ${store.name}: ${ROUNDS} kills, ${acknowledged.size} acknowledged, ${journalRows} in the journal`,
      );
      expect(acknowledged.size).toBeGreaterThan(ROUNDS);
    }, 600_000);
  });
}

// Snapshot retention (issue #11, item 6): a tenant keeps its `snapshotsKept` newest complete
// snapshots; older ones, their parts and parts left by a failed snapshot are deleted in the
// background, a few parts per statement, and the ledger still restarts and verifies.
import { Engine, engineToJson, loadRuleSet } from "@zengzhi/engine";
import { describe, expect, it } from "vitest";
import { type Ledger, openLedger, pruneSnapshots, verifyLedger } from "./index.js";
import { STORES, open } from "./testing/stores.js";

async function snapshotSeqs(ledger: Ledger): Promise<number[]> {
  const { rows } = await ledger.sql.query<{ seq: string }>(
    "SELECT seq FROM snapshots WHERE tenant_id = 't1' ORDER BY seq",
  );
  return rows.map((row) => Number(row.seq));
}

async function partSeqs(ledger: Ledger): Promise<number[]> {
  const { rows } = await ledger.sql.query<{ seq: string }>(
    "SELECT DISTINCT seq FROM snapshot_parts WHERE tenant_id = 't1' ORDER BY seq",
  );
  return rows.map((row) => Number(row.seq));
}

describe("pruneSnapshots", () => {
  it("keeps the newest complete snapshots and deletes the rest a few parts per statement", async () => {
    const ledger = await openLedger({ dataDir: "memory://" });
    try {
      await ledger.createTenant("t1", {});
      // Complete snapshots at seqs 10, 20, 30, 40 of 5 parts each, and the parts of a snapshot at 25
      // whose writing failed (no snapshots row).
      for (const seq of [10, 20, 25, 30, 40]) {
        for (let part = 0; part < 5; part++) {
          await ledger.sql.query(
            "INSERT INTO snapshot_parts (tenant_id, seq, part, body) VALUES ('t1', $1, $2, $3)",
            [seq, part, `part ${part} of ${seq}`],
          );
        }
        if (seq !== 25) {
          await ledger.sql.query(
            "INSERT INTO snapshots (tenant_id, seq, batch, state, parts) VALUES ('t1', $1, 1, '', 5)",
            [seq],
          );
        }
      }
      const statements: number[] = [];
      const report = await pruneSnapshots(ledger.sql, "t1", {
        kept: 2,
        partsPerStatement: 3,
        pauseMs: 0,
        onStatement: (ms) => statements.push(ms),
      });
      expect(report).toEqual({ snapshots: 2, parts: 15 });
      expect(await snapshotSeqs(ledger)).toEqual([30, 40]);
      expect(await partSeqs(ledger)).toEqual([30, 40]);
      // One statement for the rows, then 15 parts three at a time (the sixth finds none), then VACUUM.
      expect(statements).toHaveLength(1 + 6 + 1);
      // Nothing older than the kept ones is left: a second run deletes nothing.
      expect(await pruneSnapshots(ledger.sql, "t1", { kept: 2 })).toEqual({ snapshots: 0, parts: 0 });
      // Fewer complete snapshots than kept: nothing to do.
      expect(await pruneSnapshots(ledger.sql, "t1", { kept: 5 })).toEqual({ snapshots: 0, parts: 0 });
    } finally {
      await ledger.close();
    }
  });
});

for (const store of STORES) {
  describe.runIf(store.available)(`snapshot retention on ${store.name}`, () => {
    it("keeps snapshotsKept snapshots while the writer runs, then restarts and verifies", async () => {
      const location = await store.create();
      const ledger = await open(location, { snapshotEvery: 5, snapshotsKept: 2 });
      const engine = new Engine(loadRuleSet({}));
      try {
        await ledger.createTenant("t1", {});
        // One order at a time: snapshots fall at seqs 5, 10, 20, 40 and 80 (each no sooner than the
        // previous one's positions).
        for (let i = 1; i <= 85; i++) {
          await ledger.submit("t1", `k${i}`, { type: "order", member: `m${i % 13}`, amount: "10" });
          engine.apply({ type: "order", member: `m${i % 13}`, amount: 1000n });
        }
        for (let tries = 0; tries < 250; tries++) {
          const seqs = await snapshotSeqs(ledger);
          if (seqs.at(-1) === 80 && seqs.length === 2 && (await partSeqs(ledger)).length === 2) break;
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
        expect(await snapshotSeqs(ledger)).toEqual([40, 80]);
        expect(await partSeqs(ledger)).toEqual([40, 80]);
      } finally {
        await ledger.close();
      }
      const reopened = await open(location, { snapshotsKept: 2 });
      try {
        expect(await reopened.read("t1", (view) => JSON.stringify(engineToJson(view as Engine)))).toBe(
          JSON.stringify(engineToJson(engine)),
        );
      } finally {
        await reopened.close();
      }
      const report = await verifyLedger(location);
      expect(report.ok).toBe(true);
      expect(report.tenants[0]!.snapshots).toBe(2);
    }, 120_000);
  });
}

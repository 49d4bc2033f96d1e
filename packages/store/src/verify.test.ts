/**
 * verify catches edits made behind the store's back: each case changes one row (journal, batch hash,
 * projection, snapshot), expects the named break, then restores the row and expects a clean report.
 */
import type { CommandJson } from "@zengzhi/engine";
import { describe, expect, it } from "vitest";
import { type Database, openDatabase, verifyDatabase } from "./index.js";
import { STORES, open } from "./testing/stores.js";

interface Tamper {
  name: string;
  edit: string;
  restore: string;
  expected: RegExp;
}

const TAMPERS: Tamper[] = [
  {
    name: "a journal command's amount",
    edit: `UPDATE journal SET command = replace(command, '"amount":"', '"amount":"1') WHERE seq = 7`,
    restore: `UPDATE journal SET command = replace(command, '"amount":"1', '"amount":"') WHERE seq = 7`,
    expected: /batch \d+: hash does not match its journal rows/,
  },
  {
    name: "a journal result",
    edit: `UPDATE journal SET result = replace(result, '"ok":true', '"ok":false') WHERE seq = 3`,
    restore: `UPDATE journal SET result = replace(result, '"ok":false', '"ok":true') WHERE seq = 3`,
    expected: /journal seq 3 does not replay/,
  },
  {
    name: "a batch hash",
    edit: `UPDATE batches SET hash = sha256(hash) WHERE batch = 2`,
    restore: `UPDATE batches SET hash = (SELECT prev_hash FROM batches b WHERE b.tenant_id = batches.tenant_id AND b.batch = 3) WHERE batch = 2`,
    expected: /batch 2: hash does not match/,
  },
  {
    name: "the pool in tenant_state",
    edit: `UPDATE tenant_state SET pool = pool + 0.01`,
    restore: `UPDATE tenant_state SET pool = pool - 0.01`,
    expected: /tenant_state: pool is/,
  },
  {
    name: "a price_history row",
    edit: `UPDATE price_history SET supply = supply + 1 WHERE batch = 2`,
    restore: `UPDATE price_history SET supply = supply - 1 WHERE batch = 2`,
    expected: /price_history of batch 2: supply is/,
  },
  {
    name: "a snapshot",
    edit: `UPDATE snapshot_parts SET body = replace(body, '"day":0', '"day":1')`,
    restore: `UPDATE snapshot_parts SET body = replace(body, '"day":1', '"day":0')`,
    expected: /snapshot at seq \d+ differs/,
  },
  {
    name: "the last journal row (deleted)",
    edit: `CREATE TABLE journal_kept AS SELECT * FROM journal WHERE seq = (SELECT max(seq) FROM journal);
           DELETE FROM journal WHERE seq = (SELECT max(seq) FROM journal)`,
    restore: `INSERT INTO journal SELECT * FROM journal_kept; DROP TABLE journal_kept`,
    expected: /journal rows \d+–\d+ are missing/,
  },
];

function commands(): CommandJson[] {
  const list: CommandJson[] = [];
  for (let i = 0; i < 40; i++) {
    list.push({ type: "order", member: `m${i % 5}`, amount: `${200 + i}.50` });
    if (i % 4 === 3) list.push({ type: "sell", member: `m${(i - 1) % 5}`, position: i, points: "2" });
  }
  return list;
}

async function execute(db: Database, text: string): Promise<void> {
  await db.transaction((sql) => sql.execute(text));
}

for (const store of STORES) {
  describe.runIf(store.available)(`verify: ${store.name}`, () => {
    it("passes an untouched ledger and names every edit made behind the store's back", async () => {
      const location = await store.create();
      const ledger = await open(location, { batchSizeMax: 8, snapshotEvery: 10 });
      await ledger.createTenant("t1", {});
      // Sequential submits, so batches are small and several snapshots exist.
      for (const [i, command] of commands().entries()) await ledger.submit("t1", `k${i}`, command);
      await ledger.close();
      const { db, unlock } = await openDatabase(location);
      try {
        const clean = await verifyDatabase(db, db.kind);
        expect(clean.tenants[0]!.problems).toEqual([]);
        expect(clean.tenants[0]!.snapshots).toBeGreaterThan(0);
        for (const tamper of TAMPERS) {
          await execute(db, tamper.edit);
          const report = await verifyDatabase(db, db.kind);
          expect(report.ok, tamper.name).toBe(false);
          expect(report.tenants[0]!.problems.join("\n"), tamper.name).toMatch(tamper.expected);
          await execute(db, tamper.restore);
          expect((await verifyDatabase(db, db.kind)).tenants[0]!.problems, `${tamper.name} restored`).toEqual(
            [],
          );
        }
      } finally {
        await db.close();
        unlock();
      }
    });
  });
}

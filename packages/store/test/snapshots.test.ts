// Snapshots in parts: the engine's pieces join into its snapshot, and a snapshot missing a part is
// not used.
import { Engine, engineSnapshot, engineSnapshotPieces, loadRuleSet } from "@zengzhi/engine";
import { describe, expect, it } from "vitest";
import { openLedger } from "../src/index.js";
import { readSnapshot } from "../src/snapshots.js";

function engineWithPositions(count: number): Engine {
  const engine = new Engine(loadRuleSet({}));
  for (let i = 0; i < count; i++)
    engine.apply({ type: "order", member: `m${i % 97}`, amount: BigInt(100 + i) });
  return engine;
}

describe("snapshots in parts", () => {
  it("writes pieces of at most 256 KiB that join into the snapshot", () => {
    const engine = engineWithPositions(60_000);
    const pieces = [...engineSnapshotPieces(engine)];
    expect(pieces.length).toBeGreaterThan(3);
    expect(pieces.every((piece) => piece.length <= 256 * 1024 + 32)).toBe(true);
    expect(pieces.join("")).toBe(engineSnapshot(engine));
  });

  it("reads a complete snapshot from its parts and refuses one with a part missing", async () => {
    const ledger = await openLedger({ dataDir: "memory://" });
    try {
      await ledger.createTenant("t1", {});
      const engine = engineWithPositions(30_000);
      const pieces = [...engineSnapshotPieces(engine)];
      for (const [part, body] of pieces.entries()) {
        await ledger.sql.query(
          "INSERT INTO snapshot_parts (tenant_id, seq, part, body) VALUES ('t1', 7, $1, $2)",
          [part, body],
        );
      }
      await ledger.sql.query(
        "INSERT INTO snapshots (tenant_id, seq, batch, state, parts) VALUES ('t1', 7, 1, '', $1)",
        [pieces.length],
      );
      expect(await readSnapshot(ledger.sql, "t1", 7)).toBe(engineSnapshot(engine));
      await ledger.sql.query("DELETE FROM snapshot_parts WHERE tenant_id = 't1' AND seq = 7 AND part = 1");
      expect(await readSnapshot(ledger.sql, "t1", 7)).toBeUndefined();
      expect(await readSnapshot(ledger.sql, "t1", 8)).toBeUndefined();
    } finally {
      await ledger.close();
    }
  });
});

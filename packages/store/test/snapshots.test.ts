// Snapshots in parts: split and joined exactly, and a snapshot missing a part is not used.
import { describe, expect, it } from "vitest";
import { openLedger } from "../src/index.js";
import { SNAPSHOT_PART_CHARS, readSnapshot, snapshotParts } from "../src/snapshots.js";

describe("snapshots in parts", () => {
  it("splits a long text into parts that join back exactly", () => {
    const text = "x".repeat(SNAPSHOT_PART_CHARS * 2) + "tail";
    const parts = snapshotParts(text);
    expect(parts).toHaveLength(3);
    expect(parts.every((part) => part.length <= SNAPSHOT_PART_CHARS)).toBe(true);
    expect(parts.join("")).toBe(text);
  });

  it("reads a complete snapshot from its parts and refuses one with a part missing", async () => {
    const ledger = await openLedger({ dataDir: "memory://" });
    try {
      await ledger.createTenant("t1", {});
      const text = "a".repeat(SNAPSHOT_PART_CHARS) + "b".repeat(10);
      const parts = snapshotParts(text);
      for (const [part, body] of parts.entries()) {
        await ledger.sql.query(
          "INSERT INTO snapshot_parts (tenant_id, seq, part, body) VALUES ('t1', 7, $1, $2)",
          [part, body],
        );
      }
      await ledger.sql.query(
        "INSERT INTO snapshots (tenant_id, seq, batch, state, parts) VALUES ('t1', 7, 1, '', $1)",
        [parts.length],
      );
      expect(await readSnapshot(ledger.sql, "t1", 7)).toBe(text);
      await ledger.sql.query("DELETE FROM snapshot_parts WHERE tenant_id = 't1' AND seq = 7 AND part = 1");
      expect(await readSnapshot(ledger.sql, "t1", 7)).toBeUndefined();
      expect(await readSnapshot(ledger.sql, "t1", 8)).toBeUndefined();
    } finally {
      await ledger.close();
    }
  });
});

// Snapshots in parts: the engine's pieces join into its snapshot, and a snapshot missing a part is
// not used.
import { Engine, engineSnapshot, engineSnapshotPieces, engineToJson, loadRuleSet } from "@zengzhi/engine";
import { describe, expect, it } from "vitest";
import { openLedger } from "./index.js";
import { readSnapshot } from "./snapshots.js";
import { SNAPSHOT_PART_CHARS, splitPart } from "./writer.js";

function engineWithPositions(count: number): Engine {
  const engine = new Engine(loadRuleSet({}));
  for (let i = 0; i < count; i++)
    engine.apply({ type: "order", member: `m${i % 97}`, amount: BigInt(100 + i) });
  return engine;
}

describe("snapshots in parts", () => {
  it("writes pieces of at most 64 Ki characters that join into the snapshot", () => {
    const engine = engineWithPositions(60_000);
    const pieces = [...engineSnapshotPieces(engine)];
    expect(pieces.length).toBeGreaterThan(3);
    expect(pieces.every((piece) => piece.length <= 64 * 1024 + 32)).toBe(true);
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

  it("cuts parts at a fixed size and never inside a surrogate pair", () => {
    expect(splitPart("abcdef", 4)).toEqual(["abcd", "ef"]);
    expect(splitPart("abc", 4)).toEqual(["abc", ""]);
    // "😀" is two UTF-16 units; a cut between them would store a lone surrogate.
    expect(splitPart("abc😀def", 4)).toEqual(["abc", "😀def"]);
    expect(splitPart("ab😀def", 4)).toEqual(["ab😀", "def"]);
  });

  it("writes a tenant's snapshot in parts of SNAPSHOT_PART_CHARS and restarts from it", async () => {
    const dataDir = `memory://`;
    const ledger = await openLedger({ dataDir, snapshotEvery: 20_000 });
    try {
      await ledger.createTenant("t1", {});
      const submits = [];
      // Member ids with characters outside the BMP, so part boundaries can fall near a surrogate pair.
      for (let i = 0; i < 20_000; i++)
        submits.push(
          ledger.submit("t1", `k${i}`, { type: "order", member: `会员😀${i % 301}`, amount: "10" }),
        );
      await Promise.all(submits);
      // The snapshot is written once the writer is idle; wait for its row.
      let rows: Array<{ parts: number }> = [];
      for (let tries = 0; tries < 200 && rows.length === 0; tries++) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        ({ rows } = await ledger.sql.query<{ parts: number }>(
          "SELECT parts FROM snapshots WHERE tenant_id = 't1'",
        ));
      }
      expect(rows).toHaveLength(1);
      const parts = await ledger.sql.query<{ part: number; body: string }>(
        "SELECT part, body FROM snapshot_parts WHERE tenant_id = 't1' ORDER BY part",
      );
      expect(parts.rows.length).toBe(rows[0]!.parts);
      expect(parts.rows.length).toBeGreaterThan(3);
      for (const row of parts.rows.slice(0, -1)) {
        // Full parts, one unit short when the cut would have split a surrogate pair.
        expect([SNAPSHOT_PART_CHARS - 1, SNAPSHOT_PART_CHARS]).toContain(row.body.length);
        expect(row.body).not.toMatch(/^[\udc00-\udfff]|[\ud800-\udbff]$/);
      }
      const [seqRow] = (
        await ledger.sql.query<{ seq: string }>("SELECT seq FROM snapshots WHERE tenant_id = 't1'")
      ).rows;
      const engine = new Engine(loadRuleSet({}));
      for (let i = 0; i < Number(seqRow!.seq); i++)
        engine.apply({ type: "order", member: `会员😀${i % 301}`, amount: 1000n });
      expect(await readSnapshot(ledger.sql, "t1", Number(seqRow!.seq))).toBe(engineSnapshot(engine));
      expect(await ledger.read("t1", (e) => JSON.stringify(engineToJson(e)))).toBe(
        JSON.stringify(engineToJson(engine)),
      );
    } finally {
      await ledger.close();
    }
  });

  it("spaces snapshots by snapshotEvery commands, or by the last snapshot's positions when more", async () => {
    const ledger = await openLedger({ dataDir: "memory://", snapshotEvery: 50 });
    try {
      await ledger.createTenant("t1", {});
      for (let i = 1; i <= 250; i++)
        await ledger.submit("t1", `k${i}`, { type: "order", member: `m${i % 7}`, amount: "10" });
      // Written once the writer is idle: wait until the count settles.
      const seqs = async () =>
        (
          await ledger.sql.query<{ seq: string }>(
            "SELECT seq FROM snapshots WHERE tenant_id = 't1' ORDER BY seq",
          )
        ).rows.map((row) => Number(row.seq));
      for (let tries = 0; tries < 100 && (await seqs()).length < 3; tries++)
        await new Promise((resolve) => setTimeout(resolve, 20));
      // 50 (50 positions), then 50 more (100 positions), then 100 more; the next would be at 400.
      expect(await seqs()).toEqual([50, 100, 200]);
    } finally {
      await ledger.close();
    }
  });
});

/**
 * `zengzhi backup` and `zengzhi restore` (issue #11, item 7): a backup taken while the ledger is open
 * in another holder and under load (the backup command finds the data directory locked and asks the
 * holder for the copy), restored into a fresh folder, passes `zengzhi verify`, and holds exactly the
 * source's journal up to the backup's position, with the same balances as the source had there.
 */
import { Engine, type EngineView, engineToJson, loadRuleSet, parseCommand } from "@zengzhi/engine";
import { openDatabase, openLedger } from "@zengzhi/store";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { main } from "./main.js";

const TENANTS = ["shop", "cafe"];

function capture() {
  let out = "";
  let err = "";
  vi.spyOn(console, "log").mockImplementation((...line: unknown[]) => void (out += `${line.join(" ")}\n`));
  vi.spyOn(process.stdout, "write").mockImplementation((chunk) => ((out += String(chunk)), true));
  vi.spyOn(process.stderr, "write").mockImplementation((chunk) => ((err += String(chunk)), true));
  return { out: () => out, err: () => err };
}

afterEach(() => {
  vi.restoreAllMocks();
});

/** Every journal row of a tenant up to seq (all of them when seq is undefined), as stored. */
async function journal(dataDir: string, tenant: string, seq = Number.MAX_SAFE_INTEGER) {
  const { db, unlock } = await openDatabase({ dataDir });
  try {
    const state = await db.query<{ seq: string }>("SELECT seq FROM tenant_state WHERE tenant_id = $1", [
      tenant,
    ]);
    const { rows } = await db.query<{ seq: string; key: string; command: string; result: string }>(
      `SELECT seq, idempotency_key AS key, command, result FROM journal
       WHERE tenant_id = $1 AND seq <= $2 ORDER BY seq`,
      [tenant, seq],
    );
    return { head: Number(state.rows[0]!.seq), rows };
  } finally {
    await db.close();
    unlock();
  }
}

describe("zengzhi backup and restore", () => {
  it("backs up under load, restores into a fresh folder that verifies, with the source's balances at the backup", async () => {
    const root = mkdtempSync(join(tmpdir(), "zengzhi-backup-"));
    const source = join(root, "data");
    const restored = join(root, "restored");
    const file = join(root, "ledger.tar.gz");
    const ledger = await openLedger({ dataDir: source });
    for (const tenant of TENANTS) await ledger.createTenant(tenant, { exitMultiple: "2" });
    let submitted = 0;
    let stop = false;
    const load = (async () => {
      while (!stop) {
        const batch = [];
        for (let i = 0; i < 40; i++, submitted++) {
          const tenant = TENANTS[submitted % 2]!;
          batch.push(
            ledger.submit(tenant, `k${submitted}`, {
              type: "order",
              member: `m${submitted % 37}`,
              amount: String(10 + (submitted % 500)),
            }),
          );
        }
        await Promise.all(batch);
      }
    })();
    let io;
    try {
      while (submitted < 400) await new Promise((resolve) => setTimeout(resolve, 20));
      io = capture();
      expect(await main(["backup", "--data-dir", source, "--out", file])).toBe(0);
      vi.restoreAllMocks();
      expect(io.out()).toContain("made by the running service");
      // The load goes on after the copy, so the source moves past the backup's position.
      const atBackup = submitted;
      while (submitted < atBackup + 200) await new Promise((resolve) => setTimeout(resolve, 20));
    } finally {
      stop = true;
      await load;
      await ledger.close();
    }

    io = capture();
    expect(await main(["restore", file, "--data-dir", restored])).toBe(0);
    expect(await main(["restore", file, "--data-dir", restored])).toBe(2);
    expect(io.err()).toContain("is not empty");
    expect(await main(["verify", "--data-dir", restored])).toBe(0);
    vi.restoreAllMocks();
    expect(io.out()).toContain("OK: 2 tenant(s) verified");

    const journals = new Map<string, Awaited<ReturnType<typeof journal>>["rows"]>();
    for (const tenant of TENANTS) {
      const backup = await journal(restored, tenant);
      const original = await journal(source, tenant, backup.head);
      expect(backup.head).toBeGreaterThan(0);
      expect((await journal(source, tenant)).head).toBeGreaterThan(backup.head);
      // The backup holds exactly the source's journal up to its position...
      expect(backup.rows).toEqual(original.rows);
      journals.set(tenant, original.rows);
    }
    const copy = await openLedger({ dataDir: restored });
    try {
      for (const tenant of TENANTS) {
        // ...and the balances the source had there, replayed independently from the source.
        const engine = new Engine(loadRuleSet({ exitMultiple: "2" }));
        for (const row of journals.get(tenant)!) engine.apply(parseCommand(JSON.parse(row.command)));
        const state = (view: EngineView) => ({
          pool: view.pool,
          supply: view.supply,
          members: Array.from({ length: 37 }, (_, m) => view.member(`m${m}`)),
          all: JSON.stringify(engineToJson(view as Engine)),
        });
        expect(await copy.read(tenant, state)).toEqual(state(engine));
      }
    } finally {
      await copy.close();
    }
  }, 180_000);
});

// `zengzhi verify` on a PGlite data directory: a clean ledger exits 0 with a short report, a ledger
// edited behind the store's back exits 1 naming the break, and usage errors exit 2 in one line.
import { openDatabase, openLedger } from "@zengzhi/store";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { verifyCommand } from "./verify.js";

const main = ([, ...args]: string[]) => verifyCommand(args);

function capture() {
  let out = "";
  let err = "";
  vi.spyOn(process.stdout, "write").mockImplementation((chunk) => ((out += String(chunk)), true));
  vi.spyOn(process.stderr, "write").mockImplementation((chunk) => ((err += String(chunk)), true));
  return { out: () => out, err: () => err };
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe("zengzhi verify", () => {
  it("reports a clean ledger, then a broken projection, with exit codes 0 and 1", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "zengzhi-verify-"));
    const ledger = await openLedger({ dataDir });
    await ledger.createTenant("shop", {});
    await ledger.submit("shop", "o1", { type: "order", member: "m1", amount: "1000" });
    await ledger.submit("shop", "o2", { type: "order", member: "m2", amount: "1000" });
    await ledger.close();

    let io = capture();
    expect(await main(["verify", "--data-dir", dataDir])).toBe(0);
    expect(io.out()).toContain("tenant shop: 2 commands (0 rejected) in 2 batches");
    expect(io.out()).toContain("pool 600.00");
    expect(io.out()).toContain("OK: 1 tenant(s) verified");
    vi.restoreAllMocks();

    const { db, unlock } = await openDatabase({ dataDir });
    await db.query("UPDATE tenant_state SET pool = 599.99");
    await db.close();
    unlock();

    io = capture();
    expect(await main(["verify", "--data-dir", dataDir, "--tenant", "shop"])).toBe(1);
    expect(io.out()).toContain("BROKEN: tenant_state: pool is 599.99, the replay gives 600.00");
    expect(io.out()).toContain("FAILED: 1 of 1 tenant(s) broken");
    vi.restoreAllMocks();

    io = capture();
    expect(await main(["verify", "--data-dir", dataDir, "--json"])).toBe(1);
    expect(JSON.parse(io.out())).toMatchObject({ ok: false, kind: "pglite", tenants: [{ tenant: "shop" }] });
  });

  it("refuses bad usage in one line with exit code 2", async () => {
    const io = capture();
    expect(await main(["verify", "--data-dir", "/nonexistent/zengzhi"])).toBe(2);
    expect(await main(["verify", "--data-dir"])).toBe(2);
    expect(await main(["verify", "--database-url", "postgres://x", "--data-dir", "y"])).toBe(2);
    expect(await main(["verify", "--frobnicate", "1"])).toBe(2);
    const lines = io.err().trim().split("\n");
    expect(lines).toHaveLength(4);
    expect(lines[0]).toBe("zengzhi: no data directory /nonexistent/zengzhi; " + lines[0]!.split("; ")[1]);
    expect(io.err()).not.toMatch(/at .*\.ts:\d+/);
  });
});

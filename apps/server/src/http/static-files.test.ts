/**
 * The web app's files at / with the SPA fallback, next to JSON 404s for unknown API paths.
 * (`zengzhi start` itself is tested with the CLI, in apps/cli/src/start.test.ts.)
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openLedger } from "@zengzhi/store";
import { describe, expect, it } from "vitest";
import { buildApp } from "../index.js";

describe("web app files", () => {
  it("serves the built web app at / with an SPA fallback, and JSON 404s under /api", async () => {
    const dist = mkdtempSync(join(tmpdir(), "zengzhi-web-"));
    writeFileSync(join(dist, "index.html"), "<!doctype html><title>zengzhi</title>");
    writeFileSync(join(dist, "app.js"), "console.log('app')");
    const ledger = await openLedger({ dataDir: "memory://" });
    const { app } = await buildApp({ ledger, webDist: dist });
    try {
      expect((await app.inject({ url: "/" })).body).toContain("<title>zengzhi</title>");
      expect((await app.inject({ url: "/app.js" })).body).toContain("console.log");
      const deep = await app.inject({ url: "/member/positions/3" });
      expect(deep.statusCode).toBe(200);
      expect(deep.body).toContain("<title>zengzhi</title>");
      const api = await app.inject({ url: "/api/unknown" });
      expect(api.statusCode).toBe(404);
      expect(api.json()).toMatchObject({ error: { code: "not_found" } });
    } finally {
      await app.close();
      await ledger.close();
      rmSync(dist, { recursive: true, force: true });
    }
  });
});

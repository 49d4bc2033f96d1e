// The member H5's first load stays within 200 KB of gzipped JavaScript, and the consoles, the
// public page and the simulator stay out of it (lazy routes).
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
// @ts-expect-error: a plain .mjs script without type declarations
import { entryScripts, measure } from "../scripts/bundle-size.mjs";
import { buildWeb } from "./build-web.js";

interface Measured {
  files: { file: string; gzipBytes: number }[];
  gzipBytes: number;
  withinBudget: boolean;
}

describe("member H5 first load", () => {
  let out = "";
  beforeAll(() => {
    out = buildWeb("zengzhi-web-bundle-");
  });
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it("is at most 200 KB of gzipped JavaScript", () => {
    const result = measure(out) as Measured;
    expect(result.files.length).toBeGreaterThan(0);
    expect(result.gzipBytes).toBeGreaterThan(10 * 1024);
    expect(result.gzipBytes).toBeLessThanOrEqual(200 * 1024);
    expect(result.withinBudget).toBe(true);
  });

  it("does not load the consoles, the simulator, the charts or the QR code up front", () => {
    const html = readFileSync(join(out, "index.html"), "utf8");
    const upFront = (entryScripts(html) as string[])
      .map((src) => readFileSync(join(out, src), "utf8"))
      .join("\n");
    // Code only the lazy modules contain (the translations of every page are up front on purpose).
    const lazyOnly = {
      uPlot: "u-legend",
      simulator: "sellShareDaily",
      qrcode: "Invalid QR Code version",
      operatorConsole: "listing-confirm",
      merchantConsole: "sale-code",
    };
    for (const [what, marker] of Object.entries(lazyOnly)) {
      expect(upFront.includes(marker), `${what} is loaded up front`).toBe(false);
    }
  });
});

// `zengzhi simulate` end to end through the compiled CLI (dist/, built by npm install): outputs,
// one-line user errors with exit code 2, and an HTML report that renders offline in headless Chromium.
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const run = promisify(execFile);
const root = new URL("../../../", import.meta.url).pathname;
const bin = path.join(root, "apps/cli/bin/zengzhi.js");
const dir = mkdtempSync(path.join(os.tmpdir(), "zengzhi-sim-"));

async function zengzhi(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [bin, ...args], {
      cwd: root,
      maxBuffer: 64 << 20,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

const scenario = path.join(dir, "small.json");
writeFileSync(
  scenario,
  JSON.stringify({
    name: "small CLI test",
    horizonDays: 90,
    runs: 3,
    cohort: "week",
    demand: {
      newMembers: { curve: "exponential", perDay: 5, growthPerDay: 0.03 },
      shock: { day: 60 },
      spend: { distribution: "lognormal", median: "150", sigma: 0.7 },
      repeat: { meanDaysBetween: 20 },
    },
    behaviour: {
      holdToExit: 0.6,
      sellAtMultiple: { share: 0.2, multiple: 1.5 },
      panicSell: { share: 0.2, stallDays: 5 },
    },
  }),
);

describe("zengzhi simulate", () => {
  it("writes the summary, JSON, CSV and a self-contained report", async () => {
    const report = path.join(dir, "out.html");
    const json = path.join(dir, "out.json");
    const csv = path.join(dir, "csv");
    const result = await zengzhi(
      "simulate",
      scenario,
      "--report",
      report,
      "--json",
      json,
      "--csv",
      csv,
      "--threads",
      "2",
    );
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^- This is a simulation, not a forecast/);
    const parsed = JSON.parse(readFileSync(json, "utf8")) as {
      runs: number;
      cohorts: unknown[];
      summary: string[];
    };
    expect(parsed.runs).toBe(3);
    expect(parsed.cohorts.length).toBeGreaterThan(5);
    expect(readFileSync(path.join(csv, "series.csv"), "utf8").split("\n")[0]).toMatch(
      /^day,price_p10,price_p50,price_p90,/,
    );
    expect(readFileSync(path.join(csv, "cohorts.csv"), "utf8").trim().split("\n")).toHaveLength(
      parsed.cohorts.length + 1,
    );
    const html = readFileSync(report, "utf8");
    expect(html).toContain("uPlot");
    // Nothing is loaded from elsewhere: no script or stylesheet references, no URL in src/href.
    expect(html).not.toMatch(/<script[^>]*\ssrc=|<link[^>]*\shref=|(src|href)=["']?(https?:)?\/\//);
  });

  it("runs a sweep and draws its heat map", async () => {
    const report = path.join(dir, "sweep.html");
    const result = await zengzhi(
      "simulate",
      scenario,
      "--runs",
      "2",
      "--sweep",
      "exitMultiple=2,3",
      "--sweep",
      "sellFee=0.1,0.3",
      "--report",
      report,
      "--quiet",
    );
    expect(result.code).toBe(0);
    expect(result.stdout).toBe("");
    expect(readFileSync(report, "utf8")).toContain('"axes":[{"field":"exitMultiple","values":["2","3"]}');
  });

  const refusals: [string, string[], RegExp][] = [
    ["a missing file", ["simulate", path.join(dir, "nope.json")], /cannot read .*no such file/],
    [
      "a bad field",
      ["simulate", path.join(root, "package.json")],
      /scenario field .*unknown field|horizonDays/,
    ],
    [
      "a bad rule in a sweep",
      ["simulate", scenario, "--sweep", "exitMultiple=11"],
      /exitMultiple=11: .*rules\.exitMultiple/,
    ],
    ["a bad option", ["simulate", scenario, "--runs", "0"], /--runs needs a whole number/],
    ["an unknown option", ["simulate", scenario, "--fast"], /unknown option --fast/],
  ];
  for (const [name, args, message] of refusals) {
    it(`refuses ${name} in one line with exit code 2`, async () => {
      const result = await zengzhi(...args);
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(message);
      expect(result.stderr).not.toMatch(/\n\s+at /);
    });
  }

  it("renders the report's charts offline in headless Chromium", async () => {
    const report = path.join(dir, "out.html");
    expect(existsSync(report)).toBe(true);
    const { stdout } = await run(
      "/usr/bin/chromium",
      [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--virtual-time-budget=5000",
        "--dump-dom",
        `file://${report}`,
      ],
      { maxBuffer: 64 << 20 },
    );
    expect(stdout).toContain('data-rendered="yes"');
    // Six time-series charts and two cohort charts drawn by uPlot.
    expect(stdout.match(/class="uplot/g)?.length).toBe(8);
    expect(stdout).toMatch(/<tbody id="cohort-rows"><tr>/);
  });
});

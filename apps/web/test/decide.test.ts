// Deciding with eyes open, in the browser (issue 14, items 2 and 3): the real server (PGlite in
// memory, demo tenant) serving the web app built from the current sources, driven by Chromium.
// (1) The operator edits the draft and previews it: the server fits demand to the tenant's journal,
// runs the simulator from the live engine under both rule sets on worker threads, and the rules page
// draws both side by side with the cohort tables, in zh-CN, at 375 px and on the desktop.
// (2) The simulator page imports a shipped scenario, runs its Monte Carlo in Web Workers, and the
// result JSON it exports is byte for byte the one `zengzhi simulate --json` writes.
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { startServer, type RunningServer } from "@zengzhi/server";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildWeb } from "./build-web.js";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const SCREENSHOTS = fileURLToPath(new URL("../../../test-results/screenshots/", import.meta.url));
const MOBILE = { width: 375, height: 812 };
const DESKTOP = { width: 1280, height: 860 };

let web = "";
let server: RunningServer;
let browser: Browser;

beforeAll(async () => {
  web = buildWeb("zengzhi-web-preview-");
  server = await startServer({
    port: 0,
    host: "127.0.0.1",
    dataDir: "memory://",
    webDist: web,
    logLevel: "warn",
  });
  browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"],
  });
  mkdirSync(SCREENSHOTS, { recursive: true });
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (web !== "") rmSync(web, { recursive: true, force: true });
});

async function noSidewaysScroll(page: Page): Promise<void> {
  const overflow = await page.evaluate(
    () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
  );
  expect(overflow).toBeLessThanOrEqual(0);
}

describe("rule-change preview", () => {
  it("previews a draft from the live tenant before it is published", async () => {
    const context = await browser.newContext({ viewport: DESKTOP, locale: "zh-CN" });
    const page = await context.newPage();
    page.setDefaultTimeout(20_000);
    const errors: string[] = [];
    page.on("pageerror", (error) => errors.push(String(error)));
    await page.goto(`${server.url}/t/demo/login`);
    await page.fill("input[name=username]", "operator");
    await page.fill("input[name=password]", "operator-demo");
    await page.click("[data-testid=login-submit]");
    await page.waitForURL((url) => url.pathname.startsWith("/t/demo/operator"));
    const versionBefore = (
      (await (await page.request.get(`${server.url}/api/rules`)).json()) as {
        current: { version: number };
      }
    ).current.version;

    await page.goto(`${server.url}/operator/rules`);
    // Half the pool contribution issued as points instead of 70%: the price climbs faster.
    const issue = page.locator("input[name='rule.issueRatio']");
    await issue.waitFor();
    await issue.fill("0.5");
    await page.fill("#rule-preview input[name=horizonDays]", "90");
    await page.fill("#rule-preview input[name=runs]", "4");
    await page.click("[data-testid=rule-preview-run]");
    await page.waitForSelector("[data-testid=rule-preview-result]", { timeout: 90_000 });

    const current = page.locator("[data-testid=table-preview-cohorts-current]");
    const proposed = page.locator("[data-testid=table-preview-cohorts-proposed]");
    await current.waitFor();
    await proposed.waitFor();
    // The charts drew (uPlot canvases), the cohort tables carry zh-CN headings and no English.
    // uPlot is its own chunk, loaded when the first chart mounts: wait for the canvases.
    await expect.poll(() => page.locator("#rule-preview canvas").count()).toBeGreaterThanOrEqual(2);
    expect(await current.textContent()).toContain("180 天后仍在等待");
    const text = await page.locator("#rule-preview").innerText();
    expect(text).toContain("现行规则");
    expect(text).toContain("草稿规则");
    expect(text).not.toMatch(/\b(current|proposed|running|failed)\b/);
    // The draft changes the outcome: the two sides' cohorts differ (cash paid for the same demand).
    expect(await current.innerText()).not.toBe(await proposed.innerText());
    // The start is the live tenant's state (the demo has closed one day).
    expect(text).toMatch(/起点：第 1 天/);
    // Previewing published nothing.
    const versionAfter = (
      (await (await page.request.get(`${server.url}/api/rules`)).json()) as {
        current: { version: number };
      }
    ).current.version;
    expect(versionAfter).toBe(versionBefore);

    await page.locator("#rule-preview").scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${SCREENSHOTS}operator-rule-preview-desktop.png`, fullPage: true });
    await page.setViewportSize(MOBILE);
    await page.waitForTimeout(200);
    await noSidewaysScroll(page);
    await page.locator("#rule-preview").scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${SCREENSHOTS}operator-rule-preview-mobile.png` });
    expect(errors).toEqual([]);
    await context.close();
  }, 180_000);
});

describe("simulator page", () => {
  it("gives the command line's figures for a shipped scenario and seed, and shares it by link", async () => {
    const scenarioFile = join(ROOT, "scenarios/steady-growth.json");
    const out = mkdtempSync(join(tmpdir(), "zengzhi-sim-parity-"));
    try {
      execFileSync(
        process.execPath,
        [
          join(ROOT, "apps/cli/bin/zengzhi.js"),
          "simulate",
          scenarioFile,
          "--runs",
          "2",
          "--seed",
          "7",
        ].concat(["--json", join(out, "cli.json"), "--quiet"]),
        { stdio: "pipe" },
      );
      const context = await browser.newContext({ viewport: DESKTOP, locale: "zh-CN" });
      const page = await context.newPage();
      page.setDefaultTimeout(20_000);
      const errors: string[] = [];
      page.on("pageerror", (error) => errors.push(String(error)));
      await page.goto(`${server.url}/simulator`);
      await page.locator("#sim-lab").waitFor();
      await page.setInputFiles("#sim-lab input[name=scenario-file]", scenarioFile);
      await expect.poll(() => page.inputValue("#sim-lab input[name=runs]")).toBe("10");
      await page.fill("#sim-lab input[name=runs]", "2");
      await page.fill("#sim-lab input[name=seed]", "7");
      const workers: string[] = [];
      page.on("worker", (worker) => workers.push(worker.url()));
      await page.click("[data-testid=sim-lab-run]");
      await page.waitForSelector("[data-testid=sim-lab-result]", { timeout: 180_000 });
      // The runs went to Web Workers (one per core, at most one per run).
      expect(workers.length).toBeGreaterThanOrEqual(1);
      const [download] = await Promise.all([
        page.waitForEvent("download"),
        page.click("[data-testid=sim-export-result]"),
      ]);
      const browserJson = readFileSync((await download.path())!, "utf8");
      expect(browserJson).toBe(readFileSync(join(out, "cli.json"), "utf8"));
      // The summary in zh-CN, the cohort table and three fan charts.
      expect(await page.textContent("[data-testid=sim-summary]")).toContain("这是模拟，不是预测");
      // No English beyond the scenario's own name (from the file).
      const summary = (await page.textContent("[data-testid=sim-summary]")) ?? "";
      expect(summary.replaceAll("Steady growth for two years", "")).not.toMatch(/[A-Za-z]{5,}/);
      await page.locator("[data-testid=table-sim-cohorts]").waitFor();
      expect(await page.locator("#sim-lab canvas").count()).toBeGreaterThanOrEqual(3);
      await page.screenshot({ path: `${SCREENSHOTS}simulator-lab-desktop.png`, fullPage: true });
      await page.setViewportSize(MOBILE);
      await page.waitForTimeout(200);
      await noSidewaysScroll(page);
      await page.locator("[data-testid=sim-lab-result]").scrollIntoViewIfNeeded();
      await page.screenshot({ path: `${SCREENSHOTS}simulator-lab-mobile.png` });

      // Shared by link: the scenario travels in the URL hash and a fresh page opens with it.
      await page.click("[data-testid=sim-share]");
      const link = page.url();
      expect(link).toMatch(/#scenario=/);
      const other = await context.newPage();
      await other.goto(link);
      await other.locator("#sim-lab").waitFor();
      await other.click("#sim-lab details > summary");
      const shared = JSON.parse(await other.inputValue("#sim-lab textarea[name=scenario]")) as Record<
        string,
        unknown
      >;
      expect(shared).toMatchObject({
        name: "Steady growth for two years",
        runs: 2,
        seed: 7,
        horizonDays: 730,
      });
      expect(errors).toEqual([]);
      await context.close();
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }, 300_000);
});

// The rule-change preview in the browser (issue 14, item 2): the real server (PGlite in memory, demo
// tenant) serving the web app built from the current sources, driven by Chromium. The operator edits
// the draft and previews it: the server fits demand to the tenant's journal, runs the simulator from
// the live engine under both rule sets on worker threads, and the rules page draws both side by side
// with the cohort tables, in zh-CN, at 375 px and on the desktop.
import { mkdirSync, rmSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { startServer, type RunningServer } from "@zengzhi/server";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildWeb } from "./build-web.js";

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
    await page.goto(`${server.url}/login`);
    await page.fill("input[name=tenant]", "demo");
    await page.fill("input[name=username]", "operator");
    await page.fill("input[name=password]", "operator-demo");
    await page.click("[data-testid=login-submit]");
    await page.waitForURL((url) => url.pathname.startsWith("/operator"));
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
    expect(await page.locator("#rule-preview canvas").count()).toBeGreaterThanOrEqual(2);
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

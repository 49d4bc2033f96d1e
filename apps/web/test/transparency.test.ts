// Browser test of issue 14's public queue meter and proof of liabilities: the real server (in-process,
// PGlite in memory, demo tenant seeded and its first day closed) serving the web app built from the
// current sources, driven by Debian's Chromium at 375 px in zh-CN. The public page shows the queue
// meter and the published root; a member checks their inclusion proof in the browser and with
// `zengzhi verify-inclusion`; a tampered proof is refused by both. Screenshots go to
// test-results/screenshots/.
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { startServer, type RunningServer } from "@zengzhi/server";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildWeb } from "./build-web.js";

/** The page is at this app path, with or without a /t/<tenant> prefix (the address a member was sent). */
const appPath = (path: string) => (url: URL) =>
  (url.pathname.replace(/^\/t\/[a-z0-9-]+(?=\/|$)/, "") || "/") + url.search === path;

const SCREENSHOTS = fileURLToPath(new URL("../../../test-results/screenshots/", import.meta.url));
const CLI = fileURLToPath(new URL("../../cli/bin/zengzhi.js", import.meta.url));
const MOBILE = { width: 375, height: 812 };

let web = "";
let server: RunningServer;
let browser: Browser;
let base = "";

beforeAll(async () => {
  web = buildWeb("zengzhi-web-transparency-");
  server = await startServer({
    port: 0,
    host: "127.0.0.1",
    dataDir: "memory://",
    webDist: web,
    logLevel: "warn",
  });
  base = server.url;
  browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--no-first-run",
      "--disable-sync",
    ],
  });
  mkdirSync(SCREENSHOTS, { recursive: true });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (web !== "") rmSync(web, { recursive: true, force: true });
});

async function newPage(): Promise<{ page: Page; errors: string[]; close: () => Promise<void> }> {
  const context = await browser.newContext({ viewport: MOBILE, locale: "zh-CN" });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  const errors: string[] = [];
  page.on("pageerror", (error) => errors.push(String(error)));
  return { page, errors, close: () => context.close() };
}

async function noSidewaysScroll(page: Page): Promise<void> {
  const overflow = await page.evaluate(
    () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
  );
  expect(overflow).toBeLessThanOrEqual(0);
}

/** `zengzhi verify-inclusion` on the proof text: its exit code and what it printed. */
function verifyWithCli(proofText: string, root: string) {
  const dir = mkdtempSync(join(tmpdir(), "zengzhi-proof-"));
  const file = join(dir, "proof.json");
  writeFileSync(file, proofText);
  const run = spawnSync(process.execPath, [CLI, "verify-inclusion", file, root], { encoding: "utf8" });
  rmSync(dir, { recursive: true, force: true });
  return { status: run.status, out: run.stdout + run.stderr };
}

describe("transparency", () => {
  it("shows the queue meter and the published root on the public page", async () => {
    const { page, errors, close } = await newPage();
    await page.goto(`${base}/public`);
    await page.waitForSelector("[data-testid=queue-cash-to-exit]");
    const view = (await (await fetch(`${base}/api/public`)).json()) as {
      queue: { cashToExit: string; exited: number; positions: number };
      liabilities: { roots: { root: string }[] };
    };
    expect(await page.textContent("[data-testid=queue-cash-to-exit]")).toContain(
      Number(view.queue.cashToExit).toLocaleString("zh-CN", { minimumFractionDigits: 2 }),
    );
    expect(await page.textContent("main")).toContain("出局队列");
    expect(await page.locator("[data-testid=queue-chart] .bars-row").count()).toBe(2);
    expect(await page.locator("[data-testid=queue-ages] .bars-row").count()).toBe(4);
    expect(await page.textContent("[data-testid=liability-root]")).toBe(view.liabilities.roots[0]!.root);
    await noSidewaysScroll(page);
    await page.locator("#queue").screenshot({ path: `${SCREENSHOTS}public-queue-mobile.png` });
    await page.locator("#liabilities").screenshot({ path: `${SCREENSHOTS}public-liabilities-mobile.png` });
    expect(errors).toEqual([]);
    await close();
  }, 60_000);

  it("lets a member verify their inclusion in the browser and with the CLI, and refuses a tampered proof", async () => {
    const { page, errors, close } = await newPage();
    await page.goto(`${base}/t/demo/login`);
    await page.fill("input[name=username]", "alice");
    await page.fill("input[name=password]", "member-demo");
    await page.click("[data-testid=login-submit]");
    await page.waitForURL(appPath(`/`));
    await page.goto(`${base}/me`);
    await page.waitForSelector("[data-testid=proof-verify]");
    const root = (await page.textContent("[data-testid=proof-root]"))!.trim();
    expect(root).toMatch(/^[0-9a-f]{64}$/);

    await page.click("[data-testid=proof-verify]");
    await page.waitForSelector("[data-testid=proof-ok]");
    expect(await page.textContent("[data-testid=proof-ok]")).toContain("核验通过");
    await noSidewaysScroll(page);
    await page.locator("#proof").screenshot({ path: `${SCREENSHOTS}member-proof-ok-mobile.png` });
    const proofText = await page.inputValue("[data-testid=proof-json]");
    const cli = verifyWithCli(proofText, root);
    expect(cli.status, cli.out).toBe(0);
    expect(cli.out).toContain("OK: member alice is included");

    // One more fen in alice's leaf: neither the browser nor the command line accepts it.
    const proof = JSON.parse(proofText) as { cash: string };
    const tampered = JSON.stringify({ ...proof, cash: String(BigInt(proof.cash) + 1n) }, null, 2);
    await page.fill("[data-testid=proof-json]", tampered);
    await page.click("[data-testid=proof-verify]");
    await page.waitForSelector("[data-testid=proof-failed]");
    expect(await page.textContent("[data-testid=proof-failed]")).toContain("树根与公开树根不一致");
    await page.locator("#proof").screenshot({ path: `${SCREENSHOTS}member-proof-refused-mobile.png` });
    const refused = verifyWithCli(tampered, root);
    expect(refused.status).toBe(1);
    expect(refused.out).toContain("proof_root_mismatch");

    // A negative sum is refused before any hashing.
    await page.fill("[data-testid=proof-json]", JSON.stringify({ ...proof, cash: "-1" }));
    await page.click("[data-testid=proof-verify]");
    await page.waitForSelector("[data-testid=proof-failed]");
    expect(await page.textContent("[data-testid=proof-failed]")).toContain("负数");
    expect(errors).toEqual([]);
    await close();
  }, 60_000);
});

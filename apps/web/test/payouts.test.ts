// Payouts in the browser (issue 12, item 2): the real server (PGlite in memory, demo tenant) with
// the tenant's Alipay credentials pointing at the local Alipay fake, the web app built from the
// current sources, Chromium in zh-CN. A member sets an Alipay payout account at 375 px, withdraws,
// the operator approves on the desktop and the payout is paid through the fake; a payout the fake
// fails returns the money to the wallet. Screenshots go to test-results/screenshots/.
import { randomBytes } from "node:crypto";
import { mkdirSync, rmSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { AlipayFake } from "@zengzhi/payments/testing";
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
let fake: AlipayFake;

beforeAll(async () => {
  fake = await new AlipayFake().start();
  web = buildWeb("zengzhi-web-payouts-");
  server = await startServer({
    port: 0,
    host: "127.0.0.1",
    dataDir: "memory://",
    webDist: web,
    logLevel: "warn",
    secretsKey: `k1:${randomBytes(32).toString("base64")}`,
    paymentEndpoints: { alipay: `${fake.baseUrl}/gateway.do` },
  });
  const login = await fetch(`${server.url}/api/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ tenant: "demo", username: "operator", password: "operator-demo" }),
  });
  const { token } = (await login.json()) as { token: string };
  const c = fake.credentials();
  const stored = await fetch(`${server.url}/api/operator/payment-settings/alipay`, {
    method: "POST",
    headers: {
      authorization: `Bearer ${token}`,
      "content-type": "application/json",
      "idempotency-key": "payouts-alipay-settings",
    },
    body: JSON.stringify({
      appId: c.appId,
      appPrivateKey: c.appPrivateKey,
      alipayPublicKey: c.alipayPublicKey,
      sellerId: c.sellerId,
    }),
  });
  expect(stored.status).toBe(200);
  browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"],
  });
  mkdirSync(SCREENSHOTS, { recursive: true });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await fake?.stop();
  if (web !== "") rmSync(web, { recursive: true, force: true });
});

async function signIn(viewport: typeof MOBILE, username: string, password: string): Promise<Page> {
  const context = await browser.newContext({ viewport, locale: "zh-CN" });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  const errors: string[] = [];
  page.on("pageerror", (error) => errors.push(String(error)));
  (page as Page & { errors?: string[] }).errors = errors;
  await page.goto(`${server.url}/login`);
  await page.fill("input[name=tenant]", "demo");
  await page.fill("input[name=username]", username);
  await page.fill("input[name=password]", password);
  await page.click("[data-testid=login-submit]");
  await page.waitForURL((url) => !url.pathname.startsWith("/login"));
  return page;
}

async function shoot(page: Page, name: string): Promise<void> {
  const before = page.viewportSize() ?? MOBILE;
  await page.setViewportSize(MOBILE);
  await page.waitForTimeout(150);
  const overflow = await page.evaluate(
    () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
  );
  expect(overflow, `${name} scrolls sideways at 375 px`).toBeLessThanOrEqual(0);
  await page.screenshot({ path: `${SCREENSHOTS}${name}-mobile.png`, fullPage: true });
  await page.setViewportSize(DESKTOP);
  await page.waitForTimeout(150);
  await page.screenshot({ path: `${SCREENSHOTS}${name}-desktop.png`, fullPage: true });
  await page.setViewportSize(before);
}

const balanceOf = async (page: Page) => (await page.textContent("[data-testid=wallet-balance]")) ?? "";

/** The member sets an Alipay account in the wallet and asks to withdraw; answers the withdrawal's id. */
async function withdrawTo(member: Page, logonId: string, amount: string): Promise<number> {
  await member.goto(`${server.url}/wallet`);
  await member.waitForSelector("[data-testid=wallet-balance]");
  await member.fill("input[name=payout-logon-id]", logonId);
  await member.fill("input[name=payout-real-name]", "张丽");
  await member.click("[data-testid=payout-account-save]");
  await member.waitForSelector("[data-testid=payout-account-saved]");
  await member.fill("input[name=withdraw-amount]", amount);
  await member.click("[data-testid=withdraw-submit]");
  await member.waitForSelector("text=提现申请已提交");
  const mine = await member.request.get(`${server.url}/api/me/withdrawals`);
  return ((await mine.json()) as { items: { id: number }[] }).items[0]!.id;
}

/** The operator approves one withdrawal in the queue and opens the tab its outcome lands in. */
async function approve(operator: Page, id: number, tab: string): Promise<ReturnType<Page["locator"]>> {
  await operator.goto(`${server.url}/operator/withdrawals`);
  await operator.click(`[data-testid=approve-${id}]`);
  await expect.poll(() => operator.locator(`[data-testid=approve-${id}]`).count()).toBe(0);
  await operator.click(`[role=tab]:has-text("${tab}")`);
  const row = operator.locator("tr", { has: operator.locator(`td:text-is("${id}")`) });
  await row.waitFor();
  return row;
}

describe("payouts through Alipay (fake)", () => {
  it("pays an approved withdrawal to the member's Alipay account, and returns a failed one to the wallet", async () => {
    const member = await signIn(MOBILE, "alice", "member-demo");
    const operator = await signIn(DESKTOP, "operator", "operator-demo");

    const paidId = await withdrawTo(member, "alice@example.com", "0.25");
    expect(await member.textContent("[data-testid=payout-account-current]")).toContain("al***@example.com");
    await shoot(member, "member-wallet-payout-account");

    const paidRow = await approve(operator, paidId, "已打款");
    const reference = [...fake.transfers.values()].at(-1)!;
    expect(reference).toMatchObject({ trans_amount: "0.25", status: "SUCCESS" });
    expect(await paidRow.textContent()).toContain("已到账");
    expect(await paidRow.textContent()).toContain("支付宝 al***@example.com");
    expect(await paidRow.textContent()).toContain(reference.order_id);
    await shoot(operator, "operator-payouts-paid");

    await member.reload();
    await member.waitForSelector("[data-testid=wallet-balance]");
    const before = await balanceOf(member);
    const failedId = await withdrawTo(member, fake.failingPayee, "0.30");
    await member.reload();
    await member.waitForSelector("[data-testid=wallet-balance]");
    expect(await balanceOf(member)).not.toBe(before);

    const failedRow = await approve(operator, failedId, "打款失败");
    expect(await failedRow.textContent()).toContain("失败");
    await shoot(operator, "operator-payouts-failed");

    // The money is back in the wallet, once.
    await member.reload();
    await member.waitForSelector("[data-testid=wallet-balance]");
    await expect.poll(() => balanceOf(member)).toBe(before);
    await member.waitForSelector("text=打款失败（已退回钱包）");
    await shoot(member, "member-wallet-payout-returned");

    for (const page of [member, operator])
      expect((page as Page & { errors?: string[] }).errors ?? []).toEqual([]);
    await member.context().close();
    await operator.context().close();
  }, 180_000);
});

// Browser test of task L (issues 12 and 13), in Chromium in zh-CN: the real server pays through the
// local WeChat Pay fake. The merchant tops up its prepaid balance with the Native QR (the fake plays
// the payer), follows it until credited, and buys tip points from it; the operator runs the provider
// reconciliation and sees every line match. Screenshots at 375 px and desktop go to
// test-results/screenshots/.
import { mkdirSync, rmSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { fileURLToPath } from "node:url";
import { WechatPayFake } from "@zengzhi/payments/testing";
import { startServer, type RunningServer } from "@zengzhi/server";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildWeb } from "./build-web.js";

const SCREENSHOTS = fileURLToPath(new URL("../../../test-results/screenshots/", import.meta.url));
const PORT = 42050;
const MOBILE = { width: 375, height: 812 };
const DESKTOP = { width: 1280, height: 860 };

let web = "";
let fake: WechatPayFake;
let server: RunningServer;
let browser: Browser;
const base = `http://127.0.0.1:${PORT}`;

async function api(path: string, token: string, body: unknown): Promise<Response> {
  return fetch(`${base}${path}`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      authorization: `Bearer ${token}`,
      "idempotency-key": `k-${randomBytes(6).toString("hex")}`,
    },
    body: JSON.stringify(body),
  });
}

beforeAll(async () => {
  web = buildWeb("zengzhi-web-provider-");
  fake = await new WechatPayFake().start();
  process.env["ZENGZHI_SECRETS_KEY"] = `k1:${randomBytes(32).toString("base64")}`;
  process.env["ZENGZHI_PUBLIC_URL"] = base;
  server = await startServer({
    port: PORT,
    host: "127.0.0.1",
    dataDir: "memory://",
    webDist: web,
    logLevel: "warn",
    paymentEndpoints: { wechat: fake.baseUrl },
  });
  const login = await fetch(`${base}/api/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ tenant: "demo", username: "operator", password: "operator-demo" }),
  });
  const { token } = (await login.json()) as { token: string };
  const c = fake.credentials();
  const [platformKeyId, platformPublicKey] = Object.entries(c.platformKeys)[0] ?? ["", ""];
  const stored = await api("/api/operator/payment-settings/wechat", token, {
    mchid: c.mchid,
    appid: c.appid,
    merchantSerial: c.merchantSerial,
    merchantPrivateKey: c.merchantPrivateKey,
    apiV3Key: c.apiV3Key,
    platformKeyId,
    platformPublicKey,
  });
  expect(stored.status).toBe(200);
  browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-sync"],
  });
  mkdirSync(SCREENSHOTS, { recursive: true });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await fake?.stop();
  delete process.env["ZENGZHI_SECRETS_KEY"];
  delete process.env["ZENGZHI_PUBLIC_URL"];
  if (web !== "") rmSync(web, { recursive: true, force: true });
});

async function login(page: Page, username: string, password: string, landing: string) {
  await page.goto(`${base}/login`);
  await page.fill("input[name=tenant]", "demo");
  await page.fill("input[name=username]", username);
  await page.fill("input[name=password]", password);
  await page.click("[data-testid=login-submit]");
  await page.waitForURL(`${base}${landing}`);
}

/** Saves the page at 375 px and at desktop width; nothing may scroll sideways on the phone. */
async function shoot(page: Page, name: string, anchor: string) {
  await page.setViewportSize(MOBILE);
  await page.waitForTimeout(200);
  const overflow = await page.evaluate(
    () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
  );
  expect(overflow).toBeLessThanOrEqual(0);
  await page.locator(anchor).scrollIntoViewIfNeeded();
  await page.screenshot({ path: `${SCREENSHOTS}${name}-mobile.png` });
  await page.setViewportSize(DESKTOP);
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.waitForTimeout(200);
  await page.screenshot({ path: `${SCREENSHOTS}${name}-desktop.png`, fullPage: true });
}

const units = (text: string) => Number(text.replace(/[^\d.]/g, ""));

describe("merchant top-up, tip buy and provider reconciliation (zh-CN)", () => {
  it("the merchant tops up through the WeChat Pay QR and buys tip points; the operator sees the match", async () => {
    const context = await browser.newContext({ viewport: MOBILE, locale: "zh-CN" });
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    const errors: string[] = [];
    page.on("pageerror", (error) => errors.push(String(error)));

    await login(page, "teahouse", "merchant-demo", "/merchant");
    await page.goto(`${base}/merchant/sales`);
    await page.waitForSelector("[data-testid=prepaid-balance]");
    const before = units((await page.textContent("[data-testid=prepaid-balance]")) ?? "");
    await page.fill("input[name=provider-top-up-amount]", "200.00");
    await page.click("[data-testid=provider-top-up]");
    await page.waitForSelector("[data-testid=top-up-payment] .qr svg");
    expect(await page.textContent("[data-testid=top-up-status]")).toContain("等待支付");
    // The merchant scans the QR with WeChat: the fake plays the payer and notifies the server.
    const reference = [...fake.orders.keys()].at(-1) ?? "";
    expect(fake.orders.get(reference)?.total).toBe(20000);
    expect((await fake.pay(reference)).status).toBe(200);
    await page.click("[data-testid=top-up-check]");
    await page.waitForFunction(() =>
      document.querySelector("[data-testid=top-up-status]")?.textContent?.includes("已入账"),
    );
    await page.waitForFunction(
      (expected) =>
        Number(
          (document.querySelector("[data-testid=prepaid-balance]")?.textContent ?? "").replace(/[^\d.]/g, ""),
        ) === expected,
      before + 200,
    );
    await page.waitForSelector("[data-testid=table-prepaid-top-ups] tbody tr");
    await shoot(page, "merchant-top-up", "[data-testid=top-up-payment]");

    await page.goto(`${base}/merchant/tips`);
    await page.waitForSelector("[data-testid=merchant-tip-points]");
    await page.fill("input[name=tip-buy-amount]", "20.00");
    await page.click("[data-testid=tip-buy]");
    await page.waitForSelector("[data-testid=tip-buy-done]");
    expect(await page.textContent("[data-testid=tip-buy-done]")).toMatch(/已购得 .+ 积分/);
    // More than the prepaid balance: refused in Chinese, nothing taken.
    await page.fill("input[name=tip-buy-amount]", "99999999.00");
    await page.click("[data-testid=tip-buy]");
    await page.waitForSelector("[role=alert]");
    const refusal = (await page.locator("main").innerText()) ?? "";
    expect(refusal).toMatch(/预存/);
    expect(refusal).not.toMatch(/prepaid_insufficient|the tip points cost/);
    await shoot(page, "merchant-tip-buy", "[data-testid=tip-buy]");
    await context.close();

    const operatorContext = await browser.newContext({ viewport: DESKTOP, locale: "zh-CN" });
    const operator = await operatorContext.newPage();
    operator.setDefaultTimeout(15_000);
    operator.on("pageerror", (error) => errors.push(String(error)));
    await login(operator, "operator", "operator-demo", "/operator");
    await operator.goto(`${base}/operator/reconciliation`);
    const today = new Date().toLocaleDateString("sv-SE", { timeZone: "Asia/Shanghai" });
    await operator.fill("input[name=provider-reconcile-date]", today);
    await operator.click("[data-testid=provider-reconcile]");
    await operator.waitForSelector(`[data-testid=provider-recon-${today}-wechat]`);
    expect(await operator.textContent(`[data-testid=provider-recon-${today}-wechat]`)).toContain("全部一致");
    await shoot(operator, "operator-provider-reconciliation", `[data-testid=provider-recon-${today}-wechat]`);
    expect(errors).toEqual([]);
    await operatorContext.close();
  }, 180_000);
});

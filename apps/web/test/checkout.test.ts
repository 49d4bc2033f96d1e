// Paying through WeChat Pay and Alipay in Chromium (issue 12, "Done when"): the real server (PGlite
// in memory, demo tenant) serving the built web app, the local WeChat Pay and Alipay fakes as the
// providers. The operator stores both providers' credentials in the payment settings page; a member
// pays at 375 px through Alipay's wap cashier (the fake's cashier pays, notifies the server and
// sends the browser back) and on a desktop through WeChat Pay's QR code (the fake pays and
// notifies) and Alipay's QR code (no notification: the waiting page's poll settles it by query);
// the operator refunds a paid order and the refund completes at the provider. Screenshots at 375 px
// and desktop, zh-CN, go to test-results/screenshots/.
import { randomBytes } from "node:crypto";
import { mkdirSync, rmSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { AlipayFake, WechatPayFake } from "@zengzhi/payments/testing";
import { startServer, type RunningServer } from "@zengzhi/server";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildWeb } from "./build-web.js";

const SCREENSHOTS = fileURLToPath(new URL("../../../test-results/screenshots/", import.meta.url));
const PORT = 41720;
const BASE = `http://127.0.0.1:${PORT}`;
const MOBILE = { width: 375, height: 812 };
const DESKTOP = { width: 1280, height: 860 };

let web = "";
let server: RunningServer;
let browser: Browser;
let wechat: WechatPayFake;
let alipay: AlipayFake;
let productId = "";

/** The API as a logged-in user (for setup and for checking what the pages did). */
async function apiAs(username: string, password: string) {
  const login = await fetch(`${BASE}/api/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ tenant: "demo", username, password }),
  });
  const { token } = (await login.json()) as { token: string };
  const headers = { authorization: `Bearer ${token}`, "content-type": "application/json" };
  return {
    get: async (path: string) => (await fetch(`${BASE}${path}`, { headers })).json() as Promise<never>,
    post: async (path: string, body: unknown) =>
      fetch(`${BASE}${path}`, {
        method: "POST",
        headers: { ...headers, "idempotency-key": randomBytes(8).toString("hex") },
        body: JSON.stringify(body),
      }),
  };
}

beforeAll(async () => {
  web = buildWeb("zengzhi-web-checkout-");
  wechat = await new WechatPayFake().start();
  alipay = await new AlipayFake().start();
  server = await startServer({
    port: PORT,
    host: "127.0.0.1",
    dataDir: "memory://",
    webDist: web,
    logLevel: "warn",
    secretsKey: `k1:${randomBytes(32).toString("base64")}`,
    publicUrl: BASE,
    paymentEndpoints: { wechat: wechat.baseUrl, alipay: alipay.credentials().gateway },
  });
  const operator = await apiAs("operator", "operator-demo");
  // Paid orders wait two days before they settle, so the operator can refund one.
  const rules = { withdrawalMaxPerRequest: "500.00", refundWindowDays: 2 };
  expect((await operator.post("/api/rules", { rules })).status).toBe(201);
  const teahouse = await apiAs("teahouse", "merchant-demo");
  const product = await teahouse.post("/api/products", { name: "桂花乌龙", price: "12.34" });
  productId = ((await product.json()) as { id: string }).id;
  browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-sync"],
  });
  mkdirSync(SCREENSHOTS, { recursive: true });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await wechat?.stop();
  await alipay?.stop();
  if (web !== "") rmSync(web, { recursive: true, force: true });
});

async function signedIn(username: string, password: string, viewport = MOBILE) {
  const context: BrowserContext = await browser.newContext({ viewport, locale: "zh-CN" });
  const login = await context.request.post(`${BASE}/api/auth/login`, {
    data: { tenant: "demo", username, password },
  });
  expect(login.status()).toBe(200);
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  const errors: string[] = [];
  page.on("pageerror", (error) => errors.push(String(error)));
  return { context, page, errors };
}

async function shoot(page: Page, name: string): Promise<void> {
  const before = page.viewportSize() ?? MOBILE;
  await page.setViewportSize(MOBILE);
  await page.waitForTimeout(150);
  const overflow = await page.evaluate(
    () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
  );
  expect(overflow, `${name} scrolls sideways at 375 px`).toBeLessThanOrEqual(0);
  await page.screenshot({ path: `${SCREENSHOTS}${name}-mobile.png` });
  await page.setViewportSize(DESKTOP);
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.waitForTimeout(150);
  await page.screenshot({ path: `${SCREENSHOTS}${name}-desktop.png`, fullPage: true });
  await page.setViewportSize(before);
}

/** Starts buying the test product with an online method from the shop; answers the order id. */
async function buyOnline(page: Page, method: string): Promise<number> {
  await page.goto(`${BASE}/shop`);
  await page.click(`[data-testid=buy-${productId}]`);
  await page.click(`[data-testid=buy-${method}-${productId}]`);
  await page.waitForURL(/\/orders\/\d+/);
  return Number(/\/orders\/(\d+)/.exec(page.url())![1]);
}

describe("paying through the providers in Chromium (zh-CN)", () => {
  it("the operator stores both providers' credentials; the page never shows a secret", async () => {
    const { context, page, errors } = await signedIn("operator", "operator-demo", DESKTOP);
    await page.goto(`${BASE}/operator/payments`);
    await page.waitForSelector("[data-testid=table-payment-settings]");
    expect(await page.textContent("[data-testid=configured-wechat]")).toBe("未配置");
    const w = wechat.credentials();
    const [platformKeyId, platformPublicKey] = Object.entries(w.platformKeys)[0]!;
    const wechatValues = {
      mchid: w.mchid,
      appid: w.appid,
      merchantSerial: w.merchantSerial,
      merchantPrivateKey: w.merchantPrivateKey,
      apiV3Key: w.apiV3Key,
      platformKeyId,
      platformPublicKey,
    };
    for (const [name, value] of Object.entries(wechatValues)) await page.fill(`[name=${name}]`, value);
    await page.click("[data-testid=save-wechat]");
    await page.waitForSelector("[data-testid=saved-wechat]");
    const a = alipay.credentials();
    const alipayValues = {
      appId: a.appId,
      appPrivateKey: a.appPrivateKey,
      alipayPublicKey: a.alipayPublicKey,
      sellerId: a.sellerId!,
    };
    for (const [name, value] of Object.entries(alipayValues)) await page.fill(`[name=${name}]`, value);
    await page.click("[data-testid=save-alipay]");
    await page.waitForSelector("[data-testid=saved-alipay]");
    await expect.poll(() => page.textContent("[data-testid=configured-alipay]")).toBe("已配置");
    expect(await page.textContent("[data-testid=configured-wechat]")).toBe("已配置");
    const table = (await page.textContent("[data-testid=table-payment-settings]")) ?? "";
    expect(table).toContain(w.mchid.slice(-4));
    expect(table).toContain(`${BASE}/api/payments/alipay/demo/notify`);
    // Nothing secret comes back, nor stays in the form after saving.
    const html = await page.content();
    for (const secret of [w.apiV3Key, w.merchantPrivateKey.split("\n")[1]!, a.appPrivateKey.split("\n")[1]!])
      expect(html).not.toContain(secret);
    await shoot(page, "payment-settings");
    expect(errors).toEqual([]);
    await context.close();
  }, 120_000);

  it("a member on a phone pays through Alipay's wap cashier and comes back to a paid order", async () => {
    const { context, page, errors } = await signedIn("bob", "member-demo");
    await page.goto(`${BASE}/shop`);
    await page.click(`[data-testid=buy-${productId}]`);
    // A phone elsewhere than WeChat is offered Alipay and WeChat H5, not the QR codes.
    await page.waitForSelector(`[data-testid=buy-alipay_wap-${productId}]`);
    expect(await page.locator(`[data-testid=buy-wechat_native-${productId}]`).count()).toBe(0);
    await page.click(`[data-testid=buy-alipay_wap-${productId}]`);
    // The browser leaves for Alipay's (fake) cashier, signed by the server.
    await page.waitForURL((url) => url.href.startsWith(alipay.baseUrl));
    expect(await page.textContent("[data-testid=fake-cashier-amount]")).toBe("¥12.34");
    await page.click("[data-testid=fake-cashier-pay]");
    // The fake notifies the server, then sends the browser back to the waiting page.
    await page.waitForURL(/\/orders\/\d+$/);
    await page.waitForSelector("[data-testid=payment-paid]");
    expect(await page.textContent("[data-testid=checkout-amount]")).toContain("12.34");
    await shoot(page, "checkout-paid");
    expect(errors).toEqual([]);
    await context.close();
  }, 120_000);

  it("on a desktop the member scans WeChat Pay's QR code; the waiting page moves on when the notification arrives", async () => {
    const { context, page, errors } = await signedIn("bob", "member-demo", DESKTOP);
    const id = await buyOnline(page, "wechat_native");
    await page.waitForSelector("[data-testid=payment-qr] svg");
    await page.waitForSelector("[data-testid=payment-waiting]");
    await shoot(page, "checkout-qr");
    const reference = [...wechat.orders.keys()].at(-1)!;
    expect(wechat.orders.get(reference)).toMatchObject({ total: 1234, trade_type: "NATIVE" });
    expect((await wechat.pay(reference)).status).toBe(200);
    await page.waitForSelector("[data-testid=payment-paid]");
    expect(page.url()).toBe(`${BASE}/orders/${id}?method=wechat_native`);
    expect(errors).toEqual([]);
    await context.close();
  }, 120_000);

  it("Alipay's QR code paid with its notification lost: the waiting page's poll settles it by query", async () => {
    const { context, page, errors } = await signedIn("bob", "member-demo", DESKTOP);
    await buyOnline(page, "alipay_qr");
    await page.waitForSelector("[data-testid=payment-qr] svg");
    const reference = [...alipay.orders.keys()].at(-1)!;
    Object.assign(alipay.orders.get(reference)!, {
      trade_status: "TRADE_SUCCESS",
      trade_no: "2026120300001",
    });
    await page.waitForSelector("[data-testid=payment-paid]");
    expect(errors).toEqual([]);
    await context.close();
  }, 120_000);

  it("the operator refunds paid orders: Alipay's at once, WeChat Pay's when its refund notification arrives", async () => {
    const bob = await apiAs("bob", "member-demo");
    const orders = ((await bob.get("/api/orders")) as { items: { id: number; status: string }[] }).items;
    const paid = orders.filter((order) => order.status === "paid");
    expect(paid.length).toBe(3);
    const { context, page, errors } = await signedIn("operator", "operator-demo", DESKTOP);
    await page.goto(`${BASE}/operator/members`);
    for (const order of paid) {
      await page.click(`[data-testid=refund-order-${order.id}]`);
      await page.waitForSelector(`[data-testid=refund-order-${order.id}]`, { state: "detached" });
    }
    await shoot(page, "operator-order-refund");
    const states = async () =>
      Promise.all(
        paid.map(
          async (order) => ((await bob.get(`/api/orders/${order.id}/payment`)) as { refund: unknown }).refund,
        ),
      );
    // Alipay answered the refunds synchronously; WeChat Pay's waits for REFUND.SUCCESS.
    const wechatRefund = [...wechat.refunds.keys()].at(-1)!;
    expect(
      (await states()).filter((refund) => (refund as { state: string }).state === "pending"),
    ).toHaveLength(1);
    expect(await wechat.finishRefund(wechatRefund)).toBe(200);
    expect(await states()).toEqual(
      expect.arrayContaining([
        { provider: "alipay", state: "succeeded" },
        { provider: "alipay", state: "succeeded" },
        { provider: "wechat", state: "succeeded" },
      ]),
    );
    // The member sees it on the order's page.
    const member = await signedIn("bob", "member-demo");
    await member.page.goto(`${BASE}/orders/${paid[0]!.id}`);
    await member.page.waitForSelector("[data-testid=payment-refund]");
    expect(await member.page.textContent("[data-testid=payment-refund]")).toBe("已退回原支付账户");
    await shoot(member.page, "checkout-refunded");
    expect([...errors, ...member.errors]).toEqual([]);
    await member.context.close();
    await context.close();
  }, 120_000);
});

// Browser test of sign-in without a typed tenant and WeChat sign-in (issue 12 item 5, issue 13 item
// 6): the real server (in-process, PGlite in memory, demo tenant seeded) with the WeChat sign-in fake
// on 127.0.0.1, the web app built from the current sources, Chromium at 375 px in zh-CN with WeChat's
// user agent. A member opens /t/demo/ (no tenant field anywhere), links WeChat from the account
// security page through the fake's authorize page, then signs in with 微信登录 into the same account.
// Screenshots go to test-results/screenshots/sign-in-*.png.
import { randomBytes } from "node:crypto";
import { mkdirSync, rmSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { WechatSignInFake } from "@zengzhi/payments/testing";
import { startServer, type RunningServer } from "@zengzhi/server";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildWeb } from "./build-web.js";

const SCREENSHOTS = fileURLToPath(new URL("../../../test-results/screenshots/", import.meta.url));
const MOBILE = { width: 375, height: 812 };
/** This suite's own port (the providers send the browser back to the public URL, so it is fixed). */
const PORT = 41931;
const WECHAT_UA =
  "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.50(0x1800322f) NetType/WIFI Language/zh_CN";
const MEMBER = { username: "wenwen", password: "wenwen-harbour-42" };

let web = "";
let server: RunningServer;
let fake: WechatSignInFake;
let browser: Browser;
const base = `http://127.0.0.1:${PORT}`;

/** The page is at this app path, with or without a /t/<tenant> prefix. */
const appPath = (path: string) => (url: URL) =>
  (url.pathname.replace(/^\/t\/[a-z0-9-]+(?=\/|$)/, "") || "/") + url.search === path;

async function api(path: string, body: unknown, token?: string) {
  const response = await fetch(`${base}${path}`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "idempotency-key": randomBytes(8).toString("hex"),
      ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
    },
    body: JSON.stringify(body),
  });
  const json = (await response.json()) as Record<string, unknown>;
  if (!response.ok) throw new Error(`${path}: ${response.status} ${JSON.stringify(json)}`);
  return json;
}

beforeAll(async () => {
  web = buildWeb("zengzhi-web-sign-in-");
  fake = await new WechatSignInFake().start();
  server = await startServer({
    port: PORT,
    host: "127.0.0.1",
    dataDir: "memory://",
    webDist: web,
    logLevel: "warn",
    secretsKey: `k1:${randomBytes(32).toString("base64")}`,
    publicUrl: base,
    wechatSignIn: fake.endpoints,
  });
  const operator = (await api("/api/auth/login", {
    tenant: "demo",
    username: "operator",
    password: "operator-demo",
  })) as { token: string };
  await api("/api/operator/sign-in-settings", { official: fake.official }, operator.token);
  await api("/api/auth/register", { tenant: "demo", ...MEMBER });
  browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"],
  });
  mkdirSync(SCREENSHOTS, { recursive: true });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await fake?.stop();
  if (web !== "") rmSync(web, { recursive: true, force: true });
});

async function shoot(page: Page, name: string): Promise<void> {
  await page.waitForTimeout(150);
  const overflow = await page.evaluate(
    () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
  );
  expect(overflow).toBeLessThanOrEqual(0);
  await page.screenshot({ path: `${SCREENSHOTS}sign-in-${name}-mobile.png`, fullPage: true });
}

describe("sign-in from the address, WeChat through the fake", () => {
  it("opens /t/demo/ with no tenant field, links WeChat, then signs in with WeChat into that account", async () => {
    const context = await browser.newContext({ viewport: MOBILE, locale: "zh-CN", userAgent: WECHAT_UA });
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    const errors: string[] = [];
    page.on("pageerror", (error) => errors.push(String(error)));

    // The shared link: the member lands on the log-in page of the scheme, never asked for it.
    await page.goto(`${base}/t/demo/`);
    await page.waitForURL(appPath("/login?next=%2F"));
    expect(new URL(page.url()).pathname).toBe("/t/demo/login");
    await page.waitForSelector("[data-testid=wechat-login]");
    expect(await page.textContent("[data-testid=wechat-login]")).toBe("微信登录");
    expect(await page.locator("input[name=tenant]").count()).toBe(0);
    await shoot(page, "login");
    await page.click("a[href='/t/demo/signup']");
    await page.waitForSelector("[data-testid=signup-submit]");
    expect(await page.locator("input[name=tenant]").count()).toBe(0);
    await page.goBack();

    // A password account links its WeChat from the account security page.
    await page.fill("input[name=username]", MEMBER.username);
    await page.fill("input[name=password]", MEMBER.password);
    await page.click("[data-testid=login-submit]");
    await page.waitForURL(`${base}/t/demo/`);
    await page.goto(`${base}/t/demo/me/security`);
    await page.waitForSelector("[data-testid=wechat-link]");
    expect(await page.textContent("[data-testid=wechat-status]")).toBe("尚未绑定微信。");
    await shoot(page, "security");
    fake.newUser("文文");
    await page.click("[data-testid=wechat-link]");
    // WeChat's authorize page (the fake consents) sends the browser back with a code and the state.
    await page.waitForURL(`${base}/t/demo/me/security`);
    await expect.poll(() => page.textContent("[data-testid=wechat-status]")).toBe("已绑定微信 文文");
    await shoot(page, "linked");

    // Signed out, 微信登录 opens the linked account.
    await context.clearCookies();
    await page.goto(`${base}/t/demo/login`);
    await page.click("[data-testid=wechat-login]");
    await page.waitForURL(`${base}/t/demo/`);
    await page.waitForSelector("[data-testid=member-price]");
    const me = await page.evaluate(async () => (await (await fetch("/api/auth/me")).json()) as unknown);
    expect(me).toMatchObject({ user: { tenant: "demo", username: MEMBER.username } });
    await shoot(page, "home");

    // A code replayed in the callback page is refused in Chinese, and nothing changes.
    const replay = [...fake.codes.keys()].at(-1) ?? "";
    await page.goto(`${base}/t/demo/wechat?code=${replay}&state=abc`);
    await page.waitForSelector("[role=alert]");
    expect(await page.locator("main").innerText()).toContain("本次微信登录已失效");
    await shoot(page, "refused");
    expect(errors).toEqual([]);
    await context.close();
  }, 120_000);

  it("asks for the tenant only where the address names none (an operator's console)", async () => {
    const context = await browser.newContext({ viewport: MOBILE, locale: "zh-CN" });
    const page = await context.newPage();
    await page.goto(`${base}/login`);
    await page.waitForSelector("input[name=tenant]");
    // Outside WeChat there is no WeChat button.
    expect(await page.locator("[data-testid=wechat-login]").count()).toBe(0);
    await page.fill("input[name=tenant]", "demo");
    await page.fill("input[name=username]", "operator");
    await page.fill("input[name=password]", "operator-demo");
    await page.click("[data-testid=login-submit]");
    await page.waitForURL(`${base}/operator`);
    await page.goto(`${base}/operator/sign-in`);
    await page.waitForSelector("[data-testid=sign-in-link]");
    expect(await page.textContent("[data-testid=sign-in-link]")).toBe(`${base}/t/demo/`);
    await shoot(page, "operator");
    await context.close();
  }, 60_000);
});

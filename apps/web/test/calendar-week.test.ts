// A week of a scheme on the real calendar (issue #13, "Done when"): the real server (in-process,
// PGlite in memory) runs on a clock this test moves, with the manual close off. Each day brings
// till sales and an online order; at each local midnight of Asia/Shanghai the service closes the day
// by itself (release, refund window); a withdrawal is requested and approved. Then Chromium at 375 px
// in zh-CN reads the statements it produced and checks that dates show as local dates.
//
// Written to be extended: `week` holds what the week did (tokens, dates, ids), and each check is its
// own `it`, so later checks (webhooks delivered and retried, reports) are appended at the end.
import { mkdirSync, rmSync } from "node:fs";
import { createHmac } from "node:crypto";
import { createServer, type Server } from "node:http";
import { fileURLToPath } from "node:url";
import { startServer, type RunningServer } from "@zengzhi/server";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildWeb } from "./build-web.js";

/** The page is at this app path, with or without a /t/<tenant> prefix (the address a member was sent). */
const appPath = (path: string) => (url: URL) =>
  (url.pathname.replace(/^\/t\/[a-z0-9-]+(?=\/|$)/, "") || "/") + url.search === path;

const SCREENSHOTS = fileURLToPath(
  new URL(
    process.env.ZENGZHI_SCREENSHOTS === "docs"
      ? "../../../docs/screenshots/"
      : "../../../test-results/screenshots/",
    import.meta.url,
  ),
);
const MOBILE = { width: 375, height: 812 };
const DESKTOP = { width: 1280, height: 860 };
const HOUR = 3_600_000;
/** 2026-12-01 00:00 in Shanghai. The demo's seed anchors its history on the day before. */
const FIRST_MIDNIGHT = Date.parse("2026-11-30T16:00:00Z");
const WEEK = [
  "2026-12-01",
  "2026-12-02",
  "2026-12-03",
  "2026-12-04",
  "2026-12-05",
  "2026-12-06",
  "2026-12-07",
];

let clock = FIRST_MIDNIGHT + 10 * HOUR;
let web = "";
let server: RunningServer;
let browser: Browser;
let base = "";
let keys = 0;

/** What the week did, for the checks that follow (and those appended later). */
const week = {
  closedDates: [] as string[],
  tillSales: 0,
  withdrawal: 0,
  onlineOrder: 0,
  /** The webhook's signing secret, shown once at registration. */
  webhookSecret: "",
  /** The operator's report over the whole test's dates before the week began. */
  reportBefore: { orders: 0, withdrawals: 0, withdrawalsApproved: 0 },
};

/**
 * The operator's webhook receiver (loopback): it refuses the first attempt of every delivery with a
 * 503, then accepts, and keeps what it accepted with whether the signature verified.
 */
const receiver = {
  server: undefined as Server | undefined,
  url: "",
  attempts: new Map<string, number>(),
  accepted: [] as { event: string; delivery: string; verified: boolean; body: Json }[],
};

function startReceiver(): Promise<void> {
  receiver.server = createServer((request, response) => {
    let body = "";
    request.on("data", (chunk: Buffer) => (body += chunk.toString("utf8")));
    request.on("end", () => {
      const delivery = String(request.headers["zengzhi-delivery"] ?? "");
      const attempt = (receiver.attempts.get(delivery) ?? 0) + 1;
      receiver.attempts.set(delivery, attempt);
      if (attempt === 1) {
        response.writeHead(503).end();
        return;
      }
      const header = String(request.headers["zengzhi-signature"] ?? "");
      const fields = new Map(header.split(",").map((part) => part.split("=", 2) as [string, string]));
      const expected = createHmac("sha256", week.webhookSecret)
        .update(`${fields.get("t") ?? ""}.${body}`)
        .digest("hex");
      receiver.accepted.push({
        event: String(request.headers["zengzhi-event"] ?? ""),
        delivery,
        verified: fields.get("v1") === expected,
        body: JSON.parse(body) as Json,
      });
      response.writeHead(204).end();
    });
  });
  return new Promise((resolve) =>
    receiver.server!.listen(0, "127.0.0.1", () => {
      const address = receiver.server!.address();
      receiver.url = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}/hooks`;
      resolve();
    }),
  );
}

/** The report's range covers the fake week and the real days the commits happened on (the database clock). */
function reportRange(): string {
  const realTomorrow = new Date(Date.now() + 32 * HOUR).toISOString().slice(0, 10);
  const to = realTomorrow > "2026-12-08" ? realTomorrow : "2026-12-08";
  return `from=2026-11-01&to=${to}&unit=month`;
}

async function reportTotals(operator: string) {
  const rows = (await api("GET", `/api/operator/reports?${reportRange()}`, operator)).rows as Json[];
  const sum = (key: string) => rows.reduce((total, row) => total + Number(row[key]), 0);
  return {
    orders: sum("orders"),
    withdrawals: sum("withdrawals"),
    withdrawalsApproved: sum("withdrawalsApproved"),
  };
}

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

async function api(method: string, path: string, token: string | null, body?: unknown): Promise<Json> {
  const headers: Record<string, string> = {};
  if (token !== null) headers.authorization = `Bearer ${token}`;
  if (method !== "GET") headers["idempotency-key"] = `week-${++keys}`;
  if (body !== undefined) headers["content-type"] = "application/json";
  const response = await fetch(`${base}${path}`, {
    method,
    headers,
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  if (response.status >= 300) throw new Error(`${method} ${path}: ${response.status} ${text}`);
  return (text === "" ? {} : JSON.parse(text)) as Json;
}

const login = async (username: string, password: string) =>
  (await api("POST", "/api/auth/login", null, { tenant: "demo", username, password })).token as string;

/** Moves the clock to just after the next local midnight and waits for the service to close the day. */
async function passMidnight(operator: string, closing: string): Promise<void> {
  const next = WEEK.indexOf(closing) + 1;
  clock = FIRST_MIDNIGHT + next * 24 * HOUR + 1000;
  const expected = next < WEEK.length ? WEEK[next] : "2026-12-08";
  await expect
    .poll(async () => (await api("GET", "/api/operator/calendar", operator)).date as string, {
      // Generous: on a loaded machine (CI, several suites at once) a close can take seconds.
      timeout: 60_000,
      interval: 100,
    })
    .toBe(expected);
  week.closedDates.push(closing);
}

beforeAll(async () => {
  web = buildWeb("zengzhi-web-week-");
  // The webhook receiver is on loopback, which the service refuses unless this is set.
  process.env.ZENGZHI_WEBHOOK_ALLOW_PRIVATE = "1";
  await startReceiver();
  server = await startServer({
    port: 0,
    host: "127.0.0.1",
    dataDir: "memory://",
    webDist: web,
    logLevel: "warn",
    now: () => clock,
    manualClose: false,
    calendarCheckMs: 50,
  });
  base = server.url;
  browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-sync"],
  });
  mkdirSync(SCREENSHOTS, { recursive: true });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await new Promise((resolve) => (receiver.server ? receiver.server.close(resolve) : resolve(undefined)));
  delete process.env.ZENGZHI_WEBHOOK_ALLOW_PRIVATE;
  if (web !== "") rmSync(web, { recursive: true, force: true });
});

async function phonePage(username: string, password: string, landing: string): Promise<Page> {
  const context = await browser.newContext({ viewport: MOBILE, locale: "zh-CN", timezoneId: "UTC" });
  const page = await context.newPage();
  page.setDefaultTimeout(30_000);
  // The browser's own zone is UTC on purpose: what the page shows must follow the tenant's zone.
  await page.goto(`${base}/t/demo/login`);
  await page.fill("input[name=username]", username);
  await page.fill("input[name=password]", password);
  await page.click("[data-testid=login-submit]");
  await page.waitForURL(appPath(`${landing}`));
  return page;
}

async function shoot(page: Page, name: string): Promise<void> {
  await page.setViewportSize(MOBILE);
  await page.waitForTimeout(150);
  const overflow = await page.evaluate(
    () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
  );
  expect(overflow).toBeLessThanOrEqual(0);
  await page.screenshot({ path: `${SCREENSHOTS}${name}-mobile.png`, fullPage: true });
  await page.setViewportSize(DESKTOP);
  await page.waitForTimeout(150);
  await page.screenshot({ path: `${SCREENSHOTS}${name}-desktop.png`, fullPage: true });
  await page.setViewportSize(MOBILE);
}

/** The texts of one column of a statement table (by header position). */
async function column(page: Page, table: string, index: number): Promise<string[]> {
  return page.locator(`[data-testid=table-${table}] tbody tr td:nth-child(${index})`).allTextContents();
}

describe("a week of the scheme on the calendar", () => {
  it("runs seven days: sales, an online order, automatic closes at midnight, a withdrawal", async () => {
    let operator = await login("operator", "operator-demo");
    // Points release 20% a day, and online orders wait one day before they earn points.
    await api("POST", "/api/rules", operator, {
      rules: {
        release: { mode: "percentOfRemaining", tiers: [{ minHealth: "0", rate: "0.2" }] },
        refundWindowDays: 1,
      },
    });
    const hook = await api("POST", "/api/operator/webhooks", operator, {
      url: receiver.url,
      events: ["order.paid", "points.issued", "withdrawal.requested", "withdrawal.paid"],
    });
    week.webhookSecret = hook.secret as string;
    week.reportBefore = await reportTotals(operator);
    for (const [i, date] of WEEK.entries()) {
      clock = FIRST_MIDNIGHT + i * 24 * HOUR + 10 * HOUR; // 10:00 local: a new working day
      operator = await login("operator", "operator-demo"); // yesterday's sessions have gone idle
      const teahouse = await login("teahouse", "merchant-demo");
      const alice = await login("alice", "member-demo");
      expect((await api("GET", "/api/operator/calendar", operator)).date).toBe(date);
      await api("POST", "/api/sales", teahouse, { member: "alice", amount: `${100 + 10 * i}.00` });
      week.tillSales += 1;
      if (i === 1) {
        const products = (await api("GET", "/api/products", alice)).items as {
          id: string;
          merchant: string;
        }[];
        const tea = products.find((product) => product.merchant === "teahouse")!;
        const order = await api("POST", "/api/orders", alice, { productId: tea.id });
        await api("POST", `/api/orders/${String(order.id)}/pay`, alice);
        week.onlineOrder = order.id as number;
      }
      if (i === 3) {
        const asked = await api("POST", "/api/me/withdrawals", alice, { amount: "2.00" });
        week.withdrawal = asked.id as number;
      }
      if (i === 4) await api("POST", `/api/operator/withdrawals/${week.withdrawal}/approve`, operator);
      await passMidnight(operator, date);
    }
    expect(week.closedDates).toEqual(WEEK);
    // The manual close stays off: the operator cannot move the calendar by hand.
    operator = await login("operator", "operator-demo");
    const refused = await fetch(`${base}/api/operator/close-day`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${operator}`,
        "idempotency-key": "week-manual",
        "content-type": "application/json",
      },
      body: "{}",
    });
    expect(refused.status).toBe(409);
  }, 240_000);

  it("gives statements that agree with the balances, one line per movement, dated locally", async () => {
    clock = FIRST_MIDNIGHT + 7 * 24 * HOUR + 10 * HOUR;
    const alice = await login("alice", "member-demo");
    const cash = (await api("GET", "/api/me/statement?account=cash&limit=100", alice)).items as Json[];
    const me = await api("GET", "/api/me", alice);
    expect(cash[0]!.balance).toBe(me.wallet);
    const kinds = cash.map((line) => line.kind as string);
    expect(kinds).toEqual(expect.arrayContaining(["withdrawal_requested", "withdrawal_paid", "order_paid"]));
    expect(cash.find((line) => line.kind === "withdrawal_requested")).toMatchObject({
      amount: "-2.00",
      date: "2026-12-04",
    });
    expect(cash.find((line) => line.kind === "withdrawal_paid")).toMatchObject({ date: "2026-12-05" });
    const points = (await api("GET", "/api/me/statement?account=points&limit=100", alice)).items as Json[];
    // One release line for each close after the rule change, on the date that closed.
    const released = points.filter((line) => line.kind === "release").map((line) => line.date as string);
    expect(released).toEqual([...WEEK].reverse());
    // The online order paid on the 2nd earned its points when the 2nd closed at midnight (one-day
    // refund window): two lines of that date, the till sale's and the order's.
    const issued = points.filter((line) => line.kind === "points_issued").map((line) => line.date as string);
    expect(issued.filter((date) => date === "2026-12-02").length).toBe(2);
    expect(
      issued.filter((date) => WEEK.includes(date)).length,
      JSON.stringify(points.filter((line) => line.kind !== "release")),
    ).toBe(week.tillSales + 1);
    for (const line of [...cash, ...points]) expect(line.at).toMatch(/\+08:00$/);
  });

  it("shows the member's statements in Chromium at 375 px with local dates and kinds in words", async () => {
    const page = await phonePage("alice", "member-demo", "/");
    await page.goto(`${base}/wallet`);
    await page.waitForSelector("[data-testid=table-cash-statement] tbody tr");
    const kinds = await column(page, "cash-statement", 3);
    expect(kinds).toEqual(expect.arrayContaining(["申请提现", "提现已打款", "订单付款"]));
    const dates = await column(page, "cash-statement", 1);
    expect(dates).toContain("2026/12/04");
    for (const date of dates) expect(date).toMatch(/^2026\/1[12]\/\d\d$/);
    await shoot(page, "member-cash-statement");

    await page.goto(`${base}/positions`);
    await page.waitForSelector("[data-testid=table-points-statement] tbody tr");
    const pointKinds = await column(page, "points-statement", 3);
    expect(pointKinds).toEqual(expect.arrayContaining(["每日释放", "发放积分"]));
    expect(await column(page, "points-statement", 1)).toContain("2026/12/07");
    await page.locator("[data-testid=table-points-statement]").scrollIntoViewIfNeeded();
    await shoot(page, "member-points-statement");
    await page.context().close();
  }, 120_000);

  it("shows the merchant's statement and the operator's calendar in the tenant's zone", async () => {
    const merchant = await phonePage("teahouse", "merchant-demo", "/merchant");
    await merchant.goto(`${base}/merchant/settlement`);
    await merchant.waitForSelector("[data-testid=table-merchant-statement] tbody tr");
    expect(await column(merchant, "merchant-statement", 3)).toContain("订单结算");
    // Till sales are paid from the merchant's prepaid balance (预存): one debit line per sale.
    await merchant.getByRole("tab", { name: "预存" }).click();
    await expect
      .poll(
        async () =>
          (await column(merchant, "merchant-statement", 3)).filter((kind) => kind === "门店销售").length,
      )
      .toBeGreaterThanOrEqual(week.tillSales);
    await shoot(merchant, "merchant-statement");
    await merchant.context().close();

    const operator = await phonePage("operator", "operator-demo", "/operator");
    await operator.waitForSelector("[data-testid=calendar-zone]");
    expect(await operator.locator("[data-testid=calendar-zone]").textContent()).toContain("Asia/Shanghai");
    // 2026-12-09 00:00 in Shanghai, shown as Shanghai time although the browser runs in UTC.
    expect(await operator.locator("[data-testid=calendar-next-close]").textContent()).toContain(
      "2026/12/09 00:00",
    );
    expect(await operator.locator("[data-testid=op-date]").textContent()).toContain("2026/12/08");
    expect(await operator.locator("[data-testid=close-day]").count()).toBe(0);
    await shoot(operator, "operator-calendar");
    await operator.context().close();
  }, 120_000);

  it("delivered the week's events to the webhook, signed, each after a refused first attempt", async () => {
    // The retries are due on the service's clock: move it past the first backoff.
    clock = FIRST_MIDNIGHT + 7 * 24 * HOUR + 12 * HOUR;
    const operator = await login("operator", "operator-demo");
    const deliveries = async () =>
      (await api("GET", "/api/operator/webhook-deliveries?limit=100", operator)).items as Json[];
    await expect
      .poll(
        async () => {
          const items = await deliveries();
          return items.length > 0 && items.every((item) => item.status === "delivered");
        },
        { timeout: 90_000, interval: 250 },
      )
      .toBe(true);
    const items = await deliveries();
    for (const item of items) expect(item.attempts).toBeGreaterThanOrEqual(2);
    expect(new Set(items.map((item) => item.event as string))).toEqual(
      new Set(["order.paid", "points.issued", "withdrawal.requested", "withdrawal.paid"]),
    );
    // Every accepted delivery verified with the secret; each event id was accepted once.
    expect(receiver.accepted.length).toBe(items.length);
    expect(receiver.accepted.every((hit) => hit.verified)).toBe(true);
    expect(new Set(receiver.accepted.map((hit) => hit.delivery)).size).toBe(items.length);
    // The week's till sales each issued points (plus the online order's, at its settlement).
    const issued = receiver.accepted.filter((hit) => hit.event === "points.issued").length;
    expect(issued).toBeGreaterThanOrEqual(week.tillSales + 1);
  }, 150_000);

  it("told the member in the app that the withdrawal was paid", async () => {
    const alice = await login("alice", "member-demo");
    const inbox = await api("GET", "/api/me/messages", alice);
    expect((inbox.items as Json[]).map((message) => message.kind)).toContain("withdrawal_paid");
  });

  it("counts the week's orders and withdrawal in the operator's report", async () => {
    const operator = await login("operator", "operator-demo");
    const after = await reportTotals(operator);
    expect(after.orders - week.reportBefore.orders).toBe(week.tillSales + 1);
    expect(after.withdrawals - week.reportBefore.withdrawals).toBe(1);
    expect(after.withdrawalsApproved - week.reportBefore.withdrawalsApproved).toBe(1);
  });
});

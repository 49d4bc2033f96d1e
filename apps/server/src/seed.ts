/**
 * The demo tenant `demo`, seeded once on a fresh database: the article's parameters (the engine's
 * defaults: split 30/30/10/30, issue ratio 0.7, sell fee 20%, exit at 3×), two merchants with
 * products, three members and some history — online and in-store orders, a sell, withdrawals —
 * all made through the HTTP routes, exactly as a user would.
 */
import { DEFAULT_RULES_INPUT } from "@zengzhi/engine";
import type { FastifyInstance } from "fastify";
import { createTenant } from "./domain/accounts.js";
import { createMerchant } from "./domain/merchants.js";
import { DEFAULT_TIME_ZONE, addDays, localDate } from "./domain/calendar.js";
import { calendarOf, closeDueDates } from "./domain/day-close.js";
import type { Services } from "./domain/services.js";

export const DEMO_TENANT = "demo";

export const DEMO_LOGINS = [
  { role: "operator", username: "operator", password: "operator-demo" },
  { role: "merchant", username: "teahouse", password: "merchant-demo" },
  { role: "merchant", username: "bakery", password: "merchant-demo" },
  { role: "member", username: "alice", password: "member-demo" },
  { role: "member", username: "bob", password: "member-demo" },
  { role: "member", username: "carol", password: "member-demo" },
] as const;

let step = 0;

async function call(
  app: FastifyInstance,
  token: string | null,
  method: "GET" | "POST",
  url: string,
  payload?: unknown,
) {
  const response = await app.inject({
    method,
    url,
    headers: {
      ...(token === null ? {} : { authorization: `Bearer ${token}` }),
      "idempotency-key": `demo-seed-${++step}`,
    },
    ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
  });
  if (response.statusCode >= 300)
    throw new Error(`demo seed: ${method} ${url} answered ${response.statusCode} ${response.body}`);
  return response.statusCode === 204 ? null : (response.json() as Record<string, unknown>);
}

async function login(app: FastifyInstance, username: string, password: string): Promise<string> {
  const answer = await call(app, null, "POST", "/api/auth/login", {
    tenant: DEMO_TENANT,
    username,
    password,
  });
  return String(answer!.token);
}

/** Seeds the demo tenant unless it exists; returns whether it seeded. */
export async function seedDemo(app: FastifyInstance, services: Services): Promise<boolean> {
  if (await services.tenantExists(DEMO_TENANT)) return false;
  const [operatorLogin, teahouse, bakery, alice, bob, carol] = DEMO_LOGINS;
  await createTenant(services, {
    tenant: DEMO_TENANT,
    rules: DEFAULT_RULES_INPUT,
    operator: operatorLogin,
    createdBy: "seed",
  });
  // The demo's history is yesterday's: its calendar starts then (before anything reads it), and the
  // close of that date (what settles Alice's paid order) is due at once, as any missed date would be.
  await calendarOf(services, DEMO_TENANT, addDays(localDate(services.now(), DEFAULT_TIME_ZONE), -1));
  await createMerchant(services, { tenant: DEMO_TENANT, id: "teahouse", name: "Teahouse 茶馆", ...teahouse });
  await createMerchant(services, { tenant: DEMO_TENANT, id: "bakery", name: "Bakery 面包房", ...bakery });

  for (const member of [alice, bob]) {
    await call(app, null, "POST", "/api/auth/register", {
      tenant: DEMO_TENANT,
      username: member.username,
      password: member.password,
    });
  }
  await call(app, null, "POST", "/api/auth/register", {
    tenant: DEMO_TENANT,
    username: carol.username,
    password: carol.password,
    inviteCode: alice.username,
  });

  const tea = await login(app, teahouse.username, teahouse.password);
  const bread = await login(app, bakery.username, bakery.password);
  const oolong = await call(app, tea, "POST", "/api/products", {
    name: "Oolong tea set 乌龙茶礼盒",
    price: "1000.00",
  });
  await call(app, tea, "POST", "/api/products", { name: "Green tea 绿茶", price: "88.00" });
  await call(app, bread, "POST", "/api/products", {
    name: "Birthday cake 生日蛋糕",
    price: "268.00",
    split: {
      productCost: "0.40",
      distributionCost: "0.20",
      platformProfit: "0.10",
      poolContribution: "0.30",
    },
  });

  // Till sales are paid from the merchants' prepaid balances: the demo operator records a bank
  // transfer for each (sandbox money, like every payment of the demo).
  const operator = await login(app, operatorLogin.username, operatorLogin.password);
  for (const merchant of ["teahouse", "bakery"]) {
    await call(app, operator, "POST", `/api/merchants/${merchant}/prepaid/credits`, {
      amount: "100000.00",
      reference: `DEMO-SEED-${merchant}`,
    });
  }

  // The article's worked example: two orders of 1000, the first at price 1, the second at ≈1.43.
  const aliceToken = await login(app, alice.username, alice.password);
  const order = await call(app, aliceToken, "POST", "/api/orders", { productId: oolong!.id });
  await call(app, aliceToken, "POST", `/api/orders/${String(order!.id)}/pay`);
  await call(app, tea, "POST", "/api/sales", { member: bob.username, amount: "1000.00" });
  await call(app, bread, "POST", "/api/sales", { member: carol.username, amount: "268.00" });

  // Alice sells a quarter of her points, then asks to withdraw part of the cash.
  const positions = await call(app, aliceToken, "GET", "/api/me/positions");
  const first = (positions!.items as { id: number; points: string }[])[0]!;
  const quarter = (BigInt(first.points.replace(".", "")) / 4n).toString().padStart(9, "0");
  await call(app, aliceToken, "POST", `/api/me/positions/${first.id}/sell`, {
    points: `${quarter.slice(0, -8)}.${quarter.slice(-8)}`,
  });
  await call(app, aliceToken, "POST", "/api/me/withdrawals", { amount: "50.00" });
  await call(app, operator, "POST", "/api/operator/withdrawals/1/approve");
  await call(app, aliceToken, "POST", "/api/me/withdrawals", { amount: "20.00" });
  await closeDueDates(services, DEMO_TENANT);
  return true;
}

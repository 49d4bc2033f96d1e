/**
 * The service's orders and payments routes end to end, in process (app.inject), on both stores: PGlite in
 * memory and a real PostgreSQL (a fresh database per suite), each suite with its own demo tenant
 * seeded through the routes; money effects are checked against the engine's state.
 */
import { createHmac } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { call, newKey, PAYMENT_SECRET, STORES, useDemoSuite } from "../testing/helpers.js";

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

for (const store of STORES) {
  describe.runIf(store.available)(`orders and payments on ${store.kind}`, () => {
    const { t, get, post, engine } = useDemoSuite(store.kind);
    let productId: string;
    beforeAll(async () => {
      productId = (await post("/api/products", t.teahouse, { name: "Tea for tests", price: "100.00" })).body
        .id;
    });

    it("issues points only once an order is paid", async () => {
      const order = await post("/api/orders", t.bob, { productId, quantity: 2 });
      expect(order.status).toBe(201);
      expect(order.body).toMatchObject({
        status: "created",
        amount: "200.00",
        member: "bob",
        merchant: "teahouse",
        productName: "Tea for tests",
      });
      const supply = await engine((e) => e.supply);
      const paid = await post(`/api/orders/${order.body.id}/pay`, t.bob);
      expect(paid.body.status).toBe("settled");
      expect(paid.body.productName).toBe("Tea for tests");
      expect(paid.body.position).toBeGreaterThan(0);
      expect(await engine((e) => e.supply)).toBeGreaterThan(supply);
      expect(await engine((e) => e.position(paid.body.position)!.member)).toBe("bob");
      const refund = await post(`/api/orders/${order.body.id}/refund`, t.bob);
      expect(refund).toMatchObject({ status: 409, body: { error: { code: "conflict" } } });
    });

    it("holds points for the refund window; a refund inside it has no pool effect", async () => {
      expect(
        (
          await post("/api/rules", t.operator, {
            rules: { withdrawalMaxPerRequest: "500.00", refundWindowDays: 2 },
          })
        ).status,
      ).toBe(201);
      const first = (await post("/api/orders", t.bob, { productId })).body;
      const second = (await post("/api/orders", t.bob, { productId })).body;
      const before = await engine((e) => ({ pool: e.pool, supply: e.supply }));
      expect((await post(`/api/orders/${first.id}/pay`, t.bob)).body).toMatchObject({
        status: "paid",
        settleDay: first.paidDay ?? expect.any(Number),
      });
      expect((await post(`/api/orders/${second.id}/pay`, t.bob)).body.status).toBe("paid");
      expect((await post(`/api/orders/${first.id}/refund`, t.teahouse)).body.status).toBe("refunded");
      expect(await engine((e) => ({ pool: e.pool, supply: e.supply }))).toEqual(before);
      expect((await post("/api/operator/close-day", t.operator, {})).body.settledOrders).toBe(0);
      const closed = await post("/api/operator/close-day", t.operator, { days: 1 });
      expect(closed.body.settledOrders).toBe(1);
      const settled = await get(`/api/orders/${second.id}`, t.bob);
      expect(settled.body.status).toBe("settled");
      expect(await engine((e) => e.pool)).toBeGreaterThan(before.pool);
      expect((await get(`/api/orders/${first.id}`, t.bob)).body.status).toBe("refunded");
      expect(
        (
          await post("/api/rules", t.operator, {
            rules: { withdrawalMaxPerRequest: "500.00", refundWindowDays: 0 },
          })
        ).status,
      ).toBe(201);
    });

    it("shows orders to their member, their merchant and operators only", async () => {
      const order = (await post("/api/orders", t.bob, { productId })).body;
      expect((await get(`/api/orders/${order.id}`, t.alice)).status).toBe(404);
      expect((await get(`/api/orders/${order.id}`, t.bakery)).status).toBe(404);
      expect((await get(`/api/orders/${order.id}`, t.teahouse)).status).toBe(200);
      expect((await get(`/api/orders/${order.id}`, t.operator)).status).toBe(200);
      expect((await post(`/api/orders/${order.id}/pay`, t.alice)).status).toBe(404);
      expect((await post(`/api/orders/${order.id}/refund`, t.bakery)).status).toBe(404);
      const mine = await get("/api/orders?limit=100", t.alice);
      expect(mine.body.items.every((o: Json) => o.member === "alice")).toBe(true);
      const bakeryOrders = await get("/api/orders", t.bakery);
      expect(bakeryOrders.body.items.every((o: Json) => o.merchant === "bakery")).toBe(true);
      const all = await get("/api/orders?limit=2", t.operator);
      expect(all.body.items).toHaveLength(2);
      expect(all.body.items[0].id).toBeGreaterThan(all.body.items[1].id);
      expect((await post(`/api/orders/${order.id}/refund`, t.bob)).body.status).toBe("cancelled");
      expect((await get("/api/orders/999999", t.operator)).status).toBe(404);
      expect((await get("/api/orders/abc", t.operator)).status).toBe(404);
    });

    it("verifies the sandbox callback: forged and replayed callbacks change nothing", async () => {
      const order = (await post("/api/orders", t.bob, { productId })).body;
      const payload = {
        tenant: "demo",
        paymentId: order.payment.paymentId,
        orderId: order.id,
        amount: order.amount,
        status: "paid",
        nonce: "nonce-forged-1",
        timestamp: Date.now(),
      };
      const send = (body: string, signature: string) =>
        call(t.app, "POST", "/api/payments/sandbox/callback", {
          body,
          key: null,
          headers: { "x-sandbox-signature": signature, "content-type": "application/json" },
        });
      const sign = (body: string, secret = PAYMENT_SECRET) =>
        createHmac("sha256", secret).update(body).digest("hex");
      const forgedBody = JSON.stringify(payload);
      const forged = await send(forgedBody, sign(forgedBody, "not-the-secret"));
      expect(forged.statusCode).toBe(400);
      expect(forged.json().error.code).toBe("invalid_signature");
      expect((await get(`/api/orders/${order.id}`, t.bob)).body.status).toBe("created");
      const tampered = await send(JSON.stringify({ ...payload, amount: "1.00" }), sign(forgedBody));
      expect(tampered.json().error.code).toBe("invalid_signature");
      const wrongAmountBody = JSON.stringify({ ...payload, amount: "1.00", nonce: "nonce-amount-1" });
      expect((await send(wrongAmountBody, sign(wrongAmountBody))).json().error.code).toBe("invalid_callback");
      const staleBody = JSON.stringify({
        ...payload,
        nonce: "nonce-stale-1",
        timestamp: Date.now() - 3_600_000,
      });
      expect((await send(staleBody, sign(staleBody))).json().error.code).toBe("replayed_callback");
      const goodBody = JSON.stringify({ ...payload, nonce: "nonce-good-1" });
      const good = await send(goodBody, sign(goodBody));
      expect(good.statusCode).toBe(200);
      expect(good.json().order.status).toBe("settled");
      const supply = await engine((e) => e.supply);
      const replayed = await send(goodBody, sign(goodBody));
      expect(replayed.json().error.code).toBe("replayed_callback");
      expect(await engine((e) => e.supply)).toBe(supply);
    });

    it("records in-store sales straight through, once per Idempotency-Key", async () => {
      const key = newKey();
      const first = await post("/api/sales", t.teahouse, { member: "bob", amount: "58.80" }, key);
      expect(first.status).toBe(201);
      expect(first.body.points).toMatch(/^\d+\.\d{8}$/);
      const pool = await engine((e) => e.pool);
      const again = await post("/api/sales", t.teahouse, { member: "bob", amount: "58.80" }, key);
      expect(again.body.position).toBe(first.body.position);
      expect(await engine((e) => e.pool)).toBe(pool);
      const reused = await post("/api/sales", t.teahouse, { member: "bob", amount: "58.81" }, key);
      expect(reused).toMatchObject({ status: 422, body: { error: { code: "idempotency_key_reused" } } });
      // The same key from another merchant is another request.
      expect(
        (await post("/api/sales", t.bakery, { member: "bob", amount: "58.80" }, key)).body.position,
      ).not.toBe(first.body.position);
      expect(
        (await post("/api/sales", t.teahouse, { member: "nobody", amount: "1.00" })).body.error,
      ).toMatchObject({ code: "unknown_member", field: "member" });
      expect(
        (
          await post("/api/sales", t.teahouse, {
            member: "bob",
            amount: "1.00",
            productId: (await post("/api/products", t.bakery, { name: "Bun", price: "5.00" })).body.id,
          })
        ).status,
      ).toBe(403);
    });
  });
}

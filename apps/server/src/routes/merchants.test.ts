/**
 * A merchant's settlement over HTTP, on both stores: who may read which merchant's figures, that the
 * figures are the engine's own after in-store sales, tips and online orders, and that reading a
 * merchant the engine has not met changes nothing in the engine.
 */
import { formatMoney, formatPoints, type Engine } from "@zengzhi/engine";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call, login, newKey, openTestApp, type TestApp, STORES } from "../testing/helpers.js";

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const STATUSES = ["created", "paid", "settled", "refunded", "cancelled"];

/** A decimal string in its smallest units (fen, or 1e-8 points), to compare amounts exactly. */
const units = (text: string) => BigInt(text.replace(".", ""));

for (const store of STORES) {
  describe.runIf(store.available)(`merchant settlement on ${store.kind}`, () => {
    let t: TestApp;
    let operator: string;
    let teahouse: string;
    let bakery: string;
    let alice: string;
    let bob: string;
    const get = async (url: string, token: string | null) => {
      const r = await call(t.app, "GET", url, { token });
      return { status: r.statusCode, body: r.json() as Json };
    };
    const post = async (url: string, token: string, body?: unknown) => {
      const r = await call(t.app, "POST", url, { token, body, key: newKey() });
      return { status: r.statusCode, body: r.json() as Json };
    };
    const engine = <T>(fn: (e: Engine) => T) => t.ledger.read("demo", fn);
    /** The merchant's balances as the engine holds them, formatted as the API formats them. */
    const held = (id: string) =>
      engine((e) => {
        const m = e.merchantBalance(id)!;
        return {
          settlement: formatMoney(m.settlement),
          points: formatPoints(m.points),
          shares: formatPoints(m.shares),
        };
      });

    beforeAll(async () => {
      t = await openTestApp(store.kind);
      [operator, teahouse, bakery, alice, bob] = await Promise.all(
        ["operator", "teahouse", "bakery", "alice", "bob"].map((u) => login(t.app, u)),
      );
    });
    afterAll(async () => {
      await t?.close();
    });

    it("lets a merchant read its own, an operator any, and nobody else", async () => {
      const own = "/api/merchant/settlement";
      const byId = (id: string) => `/api/merchants/${id}/settlement`;
      expect((await get(own, null)).status).toBe(401);
      expect((await get(byId("teahouse"), null)).status).toBe(401);
      for (const url of [own, byId("teahouse")]) {
        expect(await get(url, alice)).toMatchObject({ status: 403, body: { error: { code: "forbidden" } } });
      }
      // The merchant-only route has no merchant to show for an operator.
      expect((await get(own, operator)).status).toBe(403);

      const mine = await get(own, teahouse);
      expect(mine.status).toBe(200);
      expect(mine.body).toMatchObject({ merchant: "teahouse", name: expect.any(String) });
      expect(await get(byId("teahouse"), teahouse)).toEqual(mine);
      expect(await get(byId("teahouse"), operator)).toEqual(mine);
      expect((await get(byId("bakery"), operator)).body.merchant).toBe("bakery");

      // Another merchant's figures, or an id that is not its own, are refused before any lookup.
      for (const id of ["bakery", "no-such-merchant"]) {
        expect(await get(byId(id), teahouse)).toMatchObject({
          status: 403,
          body: { error: { code: "forbidden" } },
        });
      }
      expect((await get(own, bakery)).body.merchant).toBe("bakery");
    });

    it("answers 404 to an operator for an unknown or malformed merchant id", async () => {
      for (const id of ["no-such-merchant", "not%20an%20id", "x".repeat(65)]) {
        expect(await get(`/api/merchants/${id}/settlement`, operator)).toMatchObject({
          status: 404,
          body: { error: { code: "not_found" } },
        });
      }
    });

    it("shows what the engine holds after in-store sales and tips, as decimal strings", async () => {
      const before = (await get("/api/merchant/settlement", teahouse)).body;
      expect({ settlement: before.settlement, points: before.points, shares: before.shares }).toEqual(
        await held("teahouse"),
      );
      expect(before.settlement).toMatch(/^\d+\.\d{2}$/);
      expect(before.points).toMatch(/^\d+\.\d{8}$/);

      expect((await post("/api/sales", teahouse, { member: "bob", amount: "100.00" })).status).toBe(201);
      expect((await post("/api/sales", teahouse, { member: "alice", amount: "33.33" })).status).toBe(201);
      expect(
        (await post("/api/operator/tips/buy", operator, { merchant: "teahouse", amount: "20.00" })).status,
      ).toBe(200);
      const after = (await get("/api/merchant/settlement", teahouse)).body;
      expect({ settlement: after.settlement, points: after.points, shares: after.shares }).toEqual(
        await held("teahouse"),
      );
      // A till sale's product cost is paid to the merchant at the till and never enters the scheme:
      // the settlement the scheme owes the merchant does not move (its prepaid balance pays the rest).
      expect(units(after.settlement) - units(before.settlement)).toBe(0n);
      expect(units(after.points)).toBeGreaterThan(units(before.points));
      // In-store sales are not online orders: those counts did not move.
      expect(after.onlineOrders).toEqual(before.onlineOrders);
    });

    it("counts and totals the merchant's online orders by status", async () => {
      const before = (await get("/api/merchant/settlement", bakery)).body.onlineOrders as Json;
      const others = (await get("/api/merchant/settlement", teahouse)).body.onlineOrders as Json;
      expect(Object.keys(before)).toEqual(STATUSES);
      const product = await post("/api/products", bakery, { name: "Settlement cake", price: "12.50" });
      const order = async () =>
        (await post("/api/orders", bob, { productId: product.body.id, quantity: 2 })).body;
      const paid = await order();
      expect((await post(`/api/orders/${paid.id}/pay`, bob)).body.status).toBe("settled");
      const cancelled = await order();
      expect((await post(`/api/orders/${cancelled.id}/refund`, bob)).body.status).toBe("cancelled");
      await order();

      const after = (await get("/api/merchants/bakery/settlement", operator)).body;
      const moved = (status: string, count: number, total: string) => {
        expect(after.onlineOrders[status].count - before[status].count, status).toBe(count);
        expect(units(after.onlineOrders[status].total) - units(before[status].total), status).toBe(
          units(total),
        );
      };
      moved("created", 1, "25.00");
      moved("settled", 1, "25.00");
      moved("cancelled", 1, "25.00");
      moved("paid", 0, "0.00");
      moved("refunded", 0, "0.00");
      // The settled order reached the engine: the balance shown is still the engine's.
      expect(after.settlement).toBe((await held("bakery")).settlement);
      // Another merchant's orders are counted there only.
      expect((await get("/api/merchant/settlement", teahouse)).body.onlineOrders).toEqual(others);
    });

    it("refuses a merchant whose password is the shop's own name, writing nothing", async () => {
      const weak = await post("/api/merchants", operator, {
        id: "noodles",
        name: "Noodles",
        username: "noodles",
        password: "noodles2024",
      });
      expect(weak).toMatchObject({
        status: 400,
        body: { error: { code: "password_too_weak", field: "password" } },
      });
      expect((await get("/api/merchants/noodles/settlement", operator)).status).toBe(404);
    });

    it("shows zeros for a merchant the engine has not met, and reading it adds nothing to the engine", async () => {
      const created = await post("/api/merchants", operator, {
        id: "quiet-shop",
        name: "Quiet shop",
        username: "quiet-shop",
        password: "merchant-demo",
      });
      expect(created.status).toBe(201);
      const count = await engine((e) => e.merchantCount);
      const quiet = await get("/api/merchants/quiet-shop/settlement", operator);
      expect(quiet).toEqual({
        status: 200,
        body: {
          merchant: "quiet-shop",
          name: "Quiet shop",
          settlement: "0.00",
          points: "0.00000000",
          shares: "0.00000000",
          onlineOrders: Object.fromEntries(STATUSES.map((s) => [s, { count: 0, total: "0.00" }])),
        },
      });
      expect(await engine((e) => [e.merchantCount, e.merchantBalance("quiet-shop") !== undefined])).toEqual([
        count,
        false,
      ]);
    });
  });
}

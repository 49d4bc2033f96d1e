/**
 * The service's merchants and products routes end to end, in process (app.inject), on both stores: PGlite in
 * memory and a real PostgreSQL (a fresh database per suite), each suite with its own demo tenant
 * seeded through the routes; money effects are checked against the engine's state.
 */
import { describe, expect, it } from "vitest";
import { call, login, newKey, STORES, useDemoSuite } from "../testing/helpers.js";

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

for (const store of STORES) {
  describe.runIf(store.available)(`merchants and products on ${store.kind}`, () => {
    const { t, get, post } = useDemoSuite(store.kind);
    it("lets an operator add a merchant and the merchant manage only its own products", async () => {
      const created = await post("/api/merchants", t.operator, {
        id: "noodles",
        name: "Noodle bar",
        username: "noodles",
        password: "merchant-demo",
      });
      expect(created.status).toBe(201);
      const noodles = await login(t.app, "noodles", "merchant-demo");
      const product = await post("/api/products", noodles, {
        name: "Beef noodles",
        price: "32.50",
        split: {
          productCost: "0.5",
          distributionCost: "0.1",
          platformProfit: "0.1",
          poolContribution: "0.3",
        },
      });
      expect(product.status).toBe(201);
      expect(product.body).toMatchObject({ merchant: "noodles", price: "32.50", active: true });
      expect(product.body.split.productCost).toBe("0.500000000");
      const id = product.body.id as string;
      const changed = await call(t.app, "PUT", `/api/products/${id}`, {
        token: noodles,
        body: { price: "30.00" },
      });
      expect(changed.json().price).toBe("30.00");
      const foreign = await call(t.app, "PUT", `/api/products/${id}`, {
        token: t.teahouse,
        body: { price: "1.00" },
      });
      expect(foreign.statusCode).toBe(403);
      expect((await call(t.app, "DELETE", `/api/products/${id}`, { token: t.teahouse })).statusCode).toBe(
        403,
      );
      expect((await post("/api/products", t.alice, { name: "x", price: "1.00" })).status).toBe(403);
      const list = await get("/api/products?merchant=noodles", t.alice);
      expect(list.body.items.map((p: Json) => p.id)).toEqual([id]);
      expect((await call(t.app, "DELETE", `/api/products/${id}`, { token: noodles })).statusCode).toBe(204);
      expect((await get("/api/products?merchant=noodles", t.alice)).body.items).toEqual([]);
      expect((await get("/api/products?merchant=noodles", noodles)).body.items[0].active).toBe(false);
      expect((await get("/api/products/nope", t.alice)).status).toBe(404);
      const merchants = await get("/api/merchants?limit=1", t.alice);
      expect(merchants.body.items).toHaveLength(1);
      expect(merchants.body.nextCursor).not.toBeNull();
      const next = await get(`/api/merchants?limit=10&cursor=${merchants.body.nextCursor}`, t.alice);
      expect(next.body.items.map((m: Json) => m.id)).not.toContain(merchants.body.items[0].id);
    });

    it("creates a product once per Idempotency-Key, also when the same request races itself", async () => {
      const key = newKey();
      const body = { name: "Once only", price: "3.00" };
      const [a, b] = await Promise.all([
        call(t.app, "POST", "/api/products", { token: t.bakery, body, key }),
        call(t.app, "POST", "/api/products", { token: t.bakery, body, key }),
      ]);
      const statuses = [a.statusCode, b.statusCode].sort();
      expect([
        [201, 201],
        [201, 409],
      ]).toContainEqual(statuses);
      const again = await post("/api/products", t.bakery, body, key);
      expect(again.status).toBe(201);
      expect(again.body.id).toBe(a.statusCode === 201 ? a.json().id : b.json().id);
      const list = await get("/api/products?merchant=bakery&limit=100", t.bakery);
      expect(list.body.items.filter((p: Json) => p.name === "Once only")).toHaveLength(1);
      expect((await post("/api/products", t.bakery, { ...body, price: "4.00" }, key)).body.error.code).toBe(
        "idempotency_key_reused",
      );
      // A refused request is not stored: corrected, it goes through with the same key.
      const fixKey = newKey();
      const merchant = {
        id: "teahouse",
        name: "Second teahouse",
        username: "teahouse-two",
        password: "merchant-demo",
      };
      expect((await post("/api/merchants", t.operator, merchant, fixKey)).status).toBe(409);
      expect(
        (await post("/api/merchants", t.operator, { ...merchant, id: "teahouse-two" }, fixKey)).status,
      ).toBe(201);
    });

    it("refuses a split that does not add up to 1", async () => {
      const bad = await post("/api/products", t.teahouse, {
        name: "Odd",
        price: "10.00",
        split: {
          productCost: "0.5",
          distributionCost: "0.5",
          platformProfit: "0.1",
          poolContribution: "0.3",
        },
      });
      expect(bad).toMatchObject({
        status: 400,
        body: { error: { code: "split_not_one", field: "split" } },
      });
    });
  });
}

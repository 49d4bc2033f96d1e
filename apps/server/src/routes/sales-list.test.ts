/**
 * A merchant's till sales (GET /api/merchant/sales) on both stores: its own only, newest first, in
 * pages, with the product's name and the points the engine issued.
 */
import { describe, expect, it } from "vitest";
import { STORES, useDemoSuite } from "../testing/helpers.js";

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

for (const store of STORES) {
  describe.runIf(store.available)(`till sales on ${store.kind}`, () => {
    const { t, get, post } = useDemoSuite(store.kind);

    it("lists the merchant's own till sales, newest first, with product names and points", async () => {
      const product = (await post("/api/products", t.teahouse, { name: "龙井 Longjing", price: "58.00" }))
        .body;
      const first = await post("/api/sales", t.teahouse, {
        member: "alice",
        amount: "58.00",
        productId: product.id,
      });
      const second = await post("/api/sales", t.teahouse, { member: "bob", amount: "12.30" });
      expect((await post("/api/sales", t.bakery, { member: "bob", amount: "9.00" })).status).toBe(201);
      const page = await get("/api/merchant/sales?limit=2", t.teahouse);
      expect(page.status).toBe(200);
      const [newest, older] = page.body.items as Json[];
      expect(newest).toMatchObject({
        member: "bob",
        amount: "12.30",
        productName: null,
        points: second.body.points,
      });
      expect(older).toMatchObject({
        member: "alice",
        amount: "58.00",
        productId: product.id,
        productName: "龙井 Longjing",
        points: first.body.points,
        cashier: "teahouse",
      });
      expect(new Date(newest!.at).getTime()).toBeGreaterThanOrEqual(new Date(older!.at).getTime());
      const next = await get(`/api/merchant/sales?limit=2&cursor=${page.body.nextCursor}`, t.teahouse);
      for (const sale of next.body.items as Json[]) expect(sale.id).toBeLessThan(older!.id);
      const bakery = (await get("/api/merchant/sales", t.bakery)).body.items as Json[];
      expect(bakery.map((sale) => sale.amount)).toContain("9.00");
      expect(bakery.map((sale) => sale.amount)).not.toContain("12.30");
      expect((await get("/api/merchant/sales", t.operator)).status).toBe(403);
      expect((await get("/api/merchant/sales", t.alice)).status).toBe(403);
    });
  });
}

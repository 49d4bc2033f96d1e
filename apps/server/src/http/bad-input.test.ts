/**
 * The service's bad input routes end to end, in process (app.inject), on both stores: PGlite in
 * memory and a real PostgreSQL (a fresh database per suite), each suite with its own demo tenant
 * seeded through the routes; money effects are checked against the engine's state.
 */
import { describe, expect, it } from "vitest";
import { call, STORES, useDemoSuite } from "../testing/helpers.js";

for (const store of STORES) {
  describe.runIf(store.available)(`bad input on ${store.kind}`, () => {
    const { t, get, post } = useDemoSuite(store.kind);
    const sale = (amount: unknown) => post("/api/sales", t.teahouse, { member: "bob", amount });
    it.each([
      [12.5, "invalid_field"],
      ["-1.00", "out_of_range"],
      ["0", "out_of_range"],
      ["1.001", "too_precise"],
      ["1e3", "not_a_decimal"],
      ["99999999999999.00", "out_of_range"],
      ["9".repeat(41), "out_of_range"],
      [null, "invalid_field"],
    ])("refuses amount %s with %s naming the field", async (amount, code) => {
      const r = await sale(amount);
      expect(r.status).toBe(400);
      expect(r.body.error).toMatchObject({ code, field: "amount" });
      expect(r.body.error.reason).toEqual(expect.any(String));
      expect(JSON.stringify(r.body)).not.toMatch(/at .*\.ts:\d+/);
    });

    it("refuses unknown fields, bad JSON, oversized bodies and oversized pages", async () => {
      expect(
        (await post("/api/sales", t.teahouse, { member: "bob", amount: "1.00", bonus: 1 })).body.error,
      ).toMatchObject({ code: "unknown_field", field: "bonus" });
      const broken = await call(t.app, "POST", "/api/sales", {
        token: t.teahouse,
        body: "{not json",
        headers: { "content-type": "application/json" },
      });
      expect(broken.statusCode).toBe(400);
      expect(broken.json().error.code).toBe("invalid_json");
      const huge = await call(t.app, "POST", "/api/sales", {
        token: t.teahouse,
        body: JSON.stringify({ member: "bob", amount: "1.00", pad: "x".repeat(70_000) }),
      });
      expect(huge.statusCode).toBe(413);
      expect(huge.json().error.code).toBe("body_too_large");
      expect((await get("/api/orders?limit=1000", t.operator)).body.error).toMatchObject({
        code: "out_of_range",
        field: "query.limit",
      });
      expect((await get("/api/orders?limit=abc", t.operator)).body.error.field).toBe("query.limit");
      expect(
        (await post("/api/me/positions/1/sell", t.alice, { points: "0.000000001" })).body.error,
      ).toMatchObject({ code: "too_precise", field: "points" });
      expect((await post("/api/me/positions/1/sell", t.alice, { points: 1 })).body.error).toMatchObject({
        code: "invalid_field",
        field: "points",
      });
      expect((await post("/api/orders", t.bob, { productId: "nope" })).status).toBe(404);
      expect((await post("/api/orders", t.bob, { productId: "x", quantity: 0 })).body.error.field).toBe(
        "quantity",
      );
      expect((await post("/api/operator/close-day", t.operator, { days: 10_000 })).body.error.field).toBe(
        "days",
      );
      const longKey = await post(
        "/api/sales",
        t.teahouse,
        { member: "bob", amount: "1.00" },
        "k".repeat(200),
      );
      expect(longKey.body.error.field).toBe("Idempotency-Key");
    });
  });
}

/**
 * The service's authorization matrix routes end to end, in process (app.inject), on both stores: PGlite in
 * memory and a real PostgreSQL (a fresh database per suite), each suite with its own demo tenant
 * seeded through the routes; money effects are checked against the engine's state.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call, type DemoSuite, openDemoSuite, requests, STORES } from "../testing/helpers.js";

for (const store of STORES) {
  describe.runIf(store.available)(`authorization matrix on ${store.kind}`, () => {
    let t: DemoSuite;
    const { engine } = requests(
      () => t.app,
      () => t.ledger,
    );
    beforeAll(async () => {
      t = await openDemoSuite(store.kind);
    });
    afterAll(async () => {
      await t?.close();
    });
    // Every route that needs a role, with the roles allowed; everybody else gets 403, no session 401.
    const matrix: [string, string, ("operator" | "merchant" | "member")[]][] = [
      ["GET", "/api/me", ["member"]],
      ["GET", "/api/me/positions", ["member"]],
      ["GET", "/api/me/positions/1", ["member"]],
      ["POST", "/api/me/positions/1/sell", ["member"]],
      ["POST", "/api/me/positions/1/pay", ["member"]],
      ["GET", "/api/me/release", ["member"]],
      ["GET", "/api/me/withdrawals", ["member"]],
      ["POST", "/api/me/withdrawals", ["member"]],
      ["POST", "/api/orders", ["member"]],
      ["POST", "/api/orders/1/pay", ["member"]],
      ["POST", "/api/orders/1/refund", ["member", "merchant", "operator"]],
      ["GET", "/api/orders", ["member", "merchant", "operator"]],
      ["GET", "/api/orders/1", ["member", "merchant", "operator"]],
      ["POST", "/api/sales", ["merchant"]],
      ["POST", "/api/products", ["merchant"]],
      ["PUT", "/api/products/x", ["merchant"]],
      ["DELETE", "/api/products/x", ["merchant"]],
      ["GET", "/api/products", ["member", "merchant", "operator"]],
      ["GET", "/api/products/x", ["member", "merchant", "operator"]],
      ["GET", "/api/merchants", ["member", "merchant", "operator"]],
      ["POST", "/api/merchants", ["operator"]],
      ["POST", "/api/tenants", ["operator"]],
      ["GET", "/api/rules", ["member", "merchant", "operator"]],
      ["POST", "/api/rules", ["operator"]],
      ["GET", "/api/auth/me", ["member", "merchant", "operator"]],
      ["GET", "/api/operator/overview", ["operator"]],
      ["GET", "/api/operator/members", ["operator"]],
      ["POST", "/api/operator/financing", ["operator"]],
      ["POST", "/api/operator/listing", ["operator"]],
      ["POST", "/api/operator/coins/import", ["operator"]],
      ["POST", "/api/operator/tips/buy", ["operator"]],
      ["POST", "/api/operator/tips", ["operator", "merchant"]],
      ["GET", "/api/operator/withdrawals", ["operator"]],
      ["POST", "/api/operator/withdrawals/1/approve", ["operator"]],
      ["POST", "/api/operator/withdrawals/1/reject", ["operator"]],
      ["POST", "/api/operator/pause", ["operator"]],
      ["POST", "/api/operator/close-day", ["operator"]],
      ["POST", "/api/operator/reconciliation", ["operator"]],
      ["GET", "/api/operator/audit", ["operator"]],
    ];

    it("answers 401 without a session and 403 to every role not listed", async () => {
      const tokens = { operator: t.operator, merchant: t.teahouse, member: t.alice };
      const state = await engine((e) => JSON.stringify({ pool: String(e.pool), supply: String(e.supply) }));
      for (const [method, url, allowed] of matrix) {
        const anonymous = await call(t.app, method, url, { body: {} });
        expect([method, url, anonymous.statusCode]).toEqual([method, url, 401]);
        for (const role of ["operator", "merchant", "member"] as const) {
          if (allowed.includes(role)) continue;
          const r = await call(t.app, method, url, { token: tokens[role], body: {} });
          expect([method, url, role, r.statusCode]).toEqual([method, url, role, 403]);
          expect(r.json().error.code).toBe("forbidden");
        }
      }
      expect(await engine((e) => JSON.stringify({ pool: String(e.pool), supply: String(e.supply) }))).toBe(
        state,
      );
    });
  });
}

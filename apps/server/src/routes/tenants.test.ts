/**
 * The service's tenants and rule sets routes end to end, in process (app.inject), on both stores: PGlite in
 * memory and a real PostgreSQL (a fresh database per suite), each suite with its own demo tenant
 * seeded through the routes; money effects are checked against the engine's state.
 */
import { describe, expect, it } from "vitest";
import { login, STORES, useDemoSuite } from "../testing/helpers.js";

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

for (const store of STORES) {
  describe.runIf(store.available)(`tenants and rule sets on ${store.kind}`, () => {
    const { t, get, post } = useDemoSuite(store.kind);
    it("refuses a rule set the engine refuses, naming the rule", async () => {
      const high = await post("/api/rules", t.operator, { rules: { exitMultiple: "20" } });
      expect(high).toMatchObject({
        status: 422,
        body: { error: { code: "invalid_rules", field: "rules.exitMultiple" } },
      });
      const multiLevel = await post("/api/rules", t.operator, { rules: { referralLevels: 2 } });
      expect(multiLevel.body.error).toMatchObject({
        code: "invalid_rules",
        field: "rules.referralLevels",
        ruleCode: "multi_level_reward",
      });
      const unknown = await post("/api/rules", t.operator, { rules: { bonus: "1" } });
      expect(unknown.body.error).toMatchObject({ field: "rules.bonus", ruleCode: "unknown_field" });
    });

    it("publishes a new version for later events and keeps the history", async () => {
      const published = await post("/api/rules", t.operator, {
        rules: { withdrawalMaxPerRequest: "500.00", refundWindowDays: 0 },
      });
      expect(published.status).toBe(201);
      expect(published.body.version).toBe(2);
      expect(typeof published.body.seq).toBe("number");
      const rules = await get("/api/rules", t.alice);
      expect(rules.body.current.version).toBe(2);
      expect(rules.body.current.rules.withdrawalMaxPerRequest).toBe("500.00");
      expect(rules.body.versions.map((v: Json) => v.version)).toEqual([2, 1]);
      expect(rules.body.versions[1].rules.withdrawalMaxPerRequest).toBeNull();
      expect((await post("/api/rules", t.alice, { rules: {} })).status).toBe(403);
    });

    it("creates a tenant with its own operator; sessions stay in their tenant", async () => {
      const created = await post("/api/tenants", t.operator, {
        tenant: "acme",
        rules: { exitMultiple: "2" },
        operator: { username: "boss", password: "boss-password" },
      });
      expect(created.status).toBe(201);
      expect(created.body.rules.exitMultiple).toBe("2.000000000");
      const boss = await login(t.app, "boss", "boss-password", "acme");
      expect((await get("/api/operator/overview", boss)).body.pool).toBe("0.00");
      expect((await get("/api/public?tenant=acme")).body.rules.rules.exitMultiple).toBe("2.000000000");
      expect(
        (
          await post("/api/tenants", t.operator, {
            tenant: "acme",
            operator: { username: "x-y-z", password: "quiet-maple-river" },
          })
        ).status,
      ).toBe(409);
      const weak = await post("/api/tenants", t.operator, {
        tenant: "beta",
        operator: { username: "x-y-z", password: "12345678" },
      });
      expect(weak).toMatchObject({
        status: 400,
        body: { error: { code: "password_too_weak", field: "operator.password" } },
      });
      expect((await get("/api/public?tenant=beta")).status).toBe(404);
      expect(
        (
          await post("/api/tenants", t.teahouse, {
            tenant: "other",
            operator: { username: "x-y-z", password: "12345678" },
          })
        ).status,
      ).toBe(403);
      // Listing is terminal: try it on the new tenant, not the demo.
      expect((await post("/api/operator/listing", boss, { sharesPerPoint: "0.5" })).status).toBe(200);
      expect((await post("/api/operator/financing", boss, { toPool: "1.00" })).body.error.code).toBe(
        "listed",
      );
    });
  });
}

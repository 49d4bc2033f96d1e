/**
 * The service's system and public routes end to end, in process (app.inject), on both stores: PGlite in
 * memory and a real PostgreSQL (a fresh database per suite), each suite with its own demo tenant
 * seeded through the routes; money effects are checked against the engine's state.
 */
import { describe, expect, it } from "vitest";
import { call, METRICS_TOKEN, STORES, useDemoSuite } from "../testing/helpers.js";

for (const store of STORES) {
  describe.runIf(store.available)(`system and public on ${store.kind}`, () => {
    const { t, get, engine } = useDemoSuite(store.kind);
    it("answers /healthz with the store kind and this node's leases, /readyz with its readiness", async () => {
      const health = await get("/healthz");
      expect(health).toMatchObject({ status: 200, body: { ok: true, store: store.kind } });
      // The demo was seeded through this node: it holds the demo tenant's lease and can write it.
      expect((health.body as { node: unknown }).node).toMatchObject({
        role: "writer",
        ready: true,
        leases: [{ tenant: "demo", writable: true }],
      });
      expect(await get("/readyz")).toMatchObject({ status: 200, body: { ready: true } });
      const metrics = await call(t.app, "GET", "/metrics", { token: METRICS_TOKEN });
      expect(metrics.body).toContain('zengzhi_lease_held{tenant="demo"} 1');
      expect(metrics.body).toContain("zengzhi_node_ready 1");
    });

    it("refuses a forwarded command without the database's secret", async () => {
      const response = await call(t.app, "POST", "/internal/ledger/submit", {
        body: { tenant: "demo", key: "k", command: { type: "order", member: "alice", amount: "1.00" } },
        headers: { "x-zengzhi-forward": "not-the-secret" },
      });
      expect(response.statusCode).toBe(403);
    });

    it("exposes Prometheus metrics and an OpenAPI document listing the routes", async () => {
      const metrics = await call(t.app, "GET", "/metrics", { token: METRICS_TOKEN });
      expect(metrics.statusCode).toBe(200);
      expect(metrics.body).toContain("zengzhi_http_request_duration_seconds");
      expect(metrics.body).toContain("zengzhi_commands_total");
      const openapi = await get("/docs/json");
      expect(openapi.status).toBe(200);
      for (const path of [
        "/api/public",
        "/api/sales",
        "/api/me/positions/{id}/sell",
        "/api/operator/reconciliation",
      ]) {
        expect(Object.keys(openapi.body.paths)).toContain(path);
      }
      expect((await call(t.app, "GET", "/docs")).statusCode).toBeLessThan(400);
    });

    it("serves the public view without login and without personal data", async () => {
      const { status, body } = await get("/api/public");
      expect(status).toBe(200);
      expect(body.tenant).toBe("demo");
      for (const field of ["pool", "supply", "price"]) expect(body[field]).toMatch(/^\d+\.\d+$/);
      const state = await engine((e) => ({ pool: e.pool, supply: e.supply }));
      expect(body.pool).toBe((Number(state.pool) / 100).toFixed(2));
      expect(body.rules.rules.exitMultiple).toBe("3.000000000");
      // Members paid the online order; the till sales' scheme parts came from the merchants' prepaid.
      expect(body.totals.paidIn.members).toBe("1000.00");
      expect(body.totals.paidIn.merchantsPrepaid).toBe("200000.00");
      expect(body.totals.paidOut.withdrawn).toBe("50.00");
      expect(body.priceHistory.length).toBeGreaterThan(0);
      const text = JSON.stringify(body);
      for (const name of ["alice", "bob", "carol", "teahouse", "member-demo"])
        expect(text).not.toContain(name);
    });

    it("answers unknown API paths and unknown tenants with a JSON 404", async () => {
      expect(await get("/api/nothing-here")).toMatchObject({
        status: 404,
        body: { error: { code: "not_found" } },
      });
      expect(await get("/api/public?tenant=nobody")).toMatchObject({
        status: 404,
        body: { error: { code: "not_found" } },
      });
      expect(await get("/api/public?tenant=NOT VALID")).toMatchObject({
        status: 400,
        body: { error: { field: "query.tenant" } },
      });
    });
  });
}

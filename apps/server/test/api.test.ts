/**
 * The service end to end, in process (app.inject), on both stores: PGlite in memory and a real
 * PostgreSQL (a fresh database per suite). Every route is exercised through the demo tenant, seeded
 * through the routes themselves; money effects are checked against the engine's state.
 */
import { createHmac } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  PAYMENT_SECRET,
  call,
  login,
  newKey,
  newMember,
  openTestApp,
  type TestApp,
  STORES,
} from "./helpers.js";

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

for (const store of STORES) {
  describe.runIf(store.available)(`service API on ${store.kind}`, () => {
    let t: TestApp;
    let operator: string;
    let teahouse: string;
    let bakery: string;
    let alice: string;
    let bob: string;
    const get = async (url: string, token?: string | null) => {
      const r = await call(t.app, "GET", url, { token: token ?? null });
      return { status: r.statusCode, body: r.json() as Json };
    };
    const post = async (url: string, token: string | null, body?: unknown, key?: string | null) => {
      const r = await call(t.app, "POST", url, { token, body, key: key === undefined ? newKey() : key });
      return { status: r.statusCode, body: (r.body === "" ? null : r.json()) as Json };
    };
    const engine = <T>(fn: (e: import("@zengzhi/engine").Engine) => T) => t.ledger.read("demo", fn);

    beforeAll(async () => {
      t = await openTestApp(store.kind);
      [operator, teahouse, bakery, alice, bob] = await Promise.all(
        ["operator", "teahouse", "bakery", "alice", "bob"].map((u) => login(t.app, u)),
      );
    });
    afterAll(async () => {
      await t?.close();
    });

    describe("system and public", () => {
      it("answers /healthz with the store kind", async () => {
        expect(await get("/healthz")).toEqual({ status: 200, body: { ok: true, store: store.kind } });
      });

      it("exposes Prometheus metrics and an OpenAPI document listing the routes", async () => {
        const metrics = await call(t.app, "GET", "/metrics");
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
        expect(body.totals.paidIn.members).toBe("2268.00");
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

    describe("accounts", () => {
      it("logs in with an HttpOnly cookie that works like the bearer token", async () => {
        const r = await call(t.app, "POST", "/api/auth/login", {
          body: { tenant: "demo", username: "bob", password: "member-demo" },
        });
        expect(r.statusCode).toBe(200);
        const cookie = r.cookies.find((c) => c.name === "zz_session")!;
        expect(cookie.httpOnly).toBe(true);
        expect(cookie.sameSite).toBe("Lax");
        expect(cookie.value).toBe(r.json().token);
        const me = await call(t.app, "GET", "/api/auth/me", {
          headers: { cookie: `zz_session=${cookie.value}` },
        });
        expect(me.json().user).toMatchObject({
          username: "bob",
          role: "member",
          memberId: "bob",
          tenant: "demo",
        });
      });

      it("refuses wrong passwords and unknown users alike, then rate-limits the user", async () => {
        const attempt = (password: string) =>
          call(t.app, "POST", "/api/auth/login", { body: { tenant: "demo", username: "carol", password } });
        expect((await attempt("nope")).json().error.code).toBe("invalid_credentials");
        const unknown = await call(t.app, "POST", "/api/auth/login", {
          body: { tenant: "demo", username: "ghost", password: "x" },
        });
        expect(unknown.statusCode).toBe(401);
        for (let i = 0; i < 4; i++) expect((await attempt("wrong")).statusCode).toBe(401);
        const limited = await attempt("member-demo");
        expect(limited.statusCode).toBe(429);
        expect(limited.json().error.code).toBe("too_many_attempts");
      });

      it("logs out: the token stops working", async () => {
        const token = await login(t.app, "bob");
        expect((await post("/api/auth/logout", token, undefined, null)).status).toBe(204);
        expect((await get("/api/auth/me", token)).status).toBe(401);
      });

      it("registers members with an inviter's code; the inviter gains health value only", async () => {
        const before = await engine((e) => ({
          health: e.member("alice")!.health,
          wallet: e.member("alice")!.wallet,
        }));
        const dave = await newMember(t.app, "dave", "alice");
        expect((await get("/api/auth/me", dave)).body.user.memberId).toBe("dave");
        expect((await post("/api/sales", teahouse, { member: "dave", amount: "100.00" })).status).toBe(201);
        const after = await engine((e) => ({
          health: e.member("alice")!.health,
          wallet: e.member("alice")!.wallet,
        }));
        expect(after.health - before.health).toBe(1000n); // 10.00 health value
        expect(after.wallet).toBe(before.wallet);
        const taken = await post("/api/auth/register", null, {
          tenant: "demo",
          username: "dave",
          password: "long-enough",
        });
        expect(taken).toMatchObject({ status: 409, body: { error: { code: "conflict" } } });
        const badInvite = await post("/api/auth/register", null, {
          tenant: "demo",
          username: "erin",
          password: "long-enough",
          inviteCode: "nobody",
        });
        expect(badInvite).toMatchObject({
          status: 404,
          body: { error: { code: "unknown_inviter", field: "inviteCode" } },
        });
        const noKey = await post(
          "/api/auth/register",
          null,
          { tenant: "demo", username: "erin", password: "long-enough" },
          null,
        );
        expect(noKey).toMatchObject({ status: 400, body: { error: { code: "missing_idempotency_key" } } });
        const shortPassword = await post("/api/auth/register", null, {
          tenant: "demo",
          username: "erin",
          password: "short",
        });
        expect(shortPassword).toMatchObject({
          status: 400,
          body: { error: { field: "password", code: "out_of_range" } },
        });
      });
    });

    describe("tenants and rule sets", () => {
      it("refuses a rule set the engine refuses, naming the rule", async () => {
        const high = await post("/api/rules", operator, { rules: { exitMultiple: "20" } });
        expect(high).toMatchObject({
          status: 422,
          body: { error: { code: "invalid_rules", field: "rules.exitMultiple" } },
        });
        const multiLevel = await post("/api/rules", operator, { rules: { referralLevels: 2 } });
        expect(multiLevel.body.error).toMatchObject({
          code: "invalid_rules",
          field: "rules.referralLevels",
          ruleCode: "multi_level_reward",
        });
        const unknown = await post("/api/rules", operator, { rules: { bonus: "1" } });
        expect(unknown.body.error).toMatchObject({ field: "rules.bonus", ruleCode: "unknown_field" });
      });

      it("publishes a new version for later events and keeps the history", async () => {
        const published = await post("/api/rules", operator, {
          rules: { withdrawalMaxPerRequest: "500.00", refundWindowDays: 0 },
        });
        expect(published.status).toBe(201);
        expect(published.body.version).toBe(2);
        expect(typeof published.body.seq).toBe("number");
        const rules = await get("/api/rules", alice);
        expect(rules.body.current.version).toBe(2);
        expect(rules.body.current.rules.withdrawalMaxPerRequest).toBe("500.00");
        expect(rules.body.versions.map((v: Json) => v.version)).toEqual([2, 1]);
        expect(rules.body.versions[1].rules.withdrawalMaxPerRequest).toBeNull();
        expect((await post("/api/rules", alice, { rules: {} })).status).toBe(403);
      });

      it("creates a tenant with its own operator; sessions stay in their tenant", async () => {
        const created = await post("/api/tenants", operator, {
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
            await post("/api/tenants", operator, {
              tenant: "acme",
              operator: { username: "x-y-z", password: "12345678" },
            })
          ).status,
        ).toBe(409);
        expect(
          (
            await post("/api/tenants", teahouse, {
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

    describe("merchants and products", () => {
      it("lets an operator add a merchant and the merchant manage only its own products", async () => {
        const created = await post("/api/merchants", operator, {
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
          token: teahouse,
          body: { price: "1.00" },
        });
        expect(foreign.statusCode).toBe(403);
        expect((await call(t.app, "DELETE", `/api/products/${id}`, { token: teahouse })).statusCode).toBe(
          403,
        );
        expect((await post("/api/products", alice, { name: "x", price: "1.00" })).status).toBe(403);
        const list = await get("/api/products?merchant=noodles", alice);
        expect(list.body.items.map((p: Json) => p.id)).toEqual([id]);
        expect((await call(t.app, "DELETE", `/api/products/${id}`, { token: noodles })).statusCode).toBe(204);
        expect((await get("/api/products?merchant=noodles", alice)).body.items).toEqual([]);
        expect((await get("/api/products?merchant=noodles", noodles)).body.items[0].active).toBe(false);
        expect((await get("/api/products/nope", alice)).status).toBe(404);
        const merchants = await get("/api/merchants?limit=1", alice);
        expect(merchants.body.items).toHaveLength(1);
        expect(merchants.body.nextCursor).not.toBeNull();
        const next = await get(`/api/merchants?limit=10&cursor=${merchants.body.nextCursor}`, alice);
        expect(next.body.items.map((m: Json) => m.id)).not.toContain(merchants.body.items[0].id);
      });

      it("creates a product once per Idempotency-Key, also when the same request races itself", async () => {
        const key = newKey();
        const body = { name: "Once only", price: "3.00" };
        const [a, b] = await Promise.all([
          call(t.app, "POST", "/api/products", { token: bakery, body, key }),
          call(t.app, "POST", "/api/products", { token: bakery, body, key }),
        ]);
        const statuses = [a.statusCode, b.statusCode].sort();
        expect([
          [201, 201],
          [201, 409],
        ]).toContainEqual(statuses);
        const again = await post("/api/products", bakery, body, key);
        expect(again.status).toBe(201);
        expect(again.body.id).toBe(a.statusCode === 201 ? a.json().id : b.json().id);
        const list = await get("/api/products?merchant=bakery&limit=100", bakery);
        expect(list.body.items.filter((p: Json) => p.name === "Once only")).toHaveLength(1);
        expect((await post("/api/products", bakery, { ...body, price: "4.00" }, key)).body.error.code).toBe(
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
        expect((await post("/api/merchants", operator, merchant, fixKey)).status).toBe(409);
        expect(
          (await post("/api/merchants", operator, { ...merchant, id: "teahouse-two" }, fixKey)).status,
        ).toBe(201);
      });

      it("refuses a split that does not add up to 1", async () => {
        const bad = await post("/api/products", teahouse, {
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

    describe("orders and payments", () => {
      let productId: string;
      beforeAll(async () => {
        productId = (await post("/api/products", teahouse, { name: "Tea for tests", price: "100.00" })).body
          .id;
      });

      it("issues points only once an order is paid", async () => {
        const order = await post("/api/orders", bob, { productId, quantity: 2 });
        expect(order.status).toBe(201);
        expect(order.body).toMatchObject({
          status: "created",
          amount: "200.00",
          member: "bob",
          merchant: "teahouse",
        });
        const supply = await engine((e) => e.supply);
        const paid = await post(`/api/orders/${order.body.id}/pay`, bob);
        expect(paid.body.status).toBe("settled");
        expect(paid.body.position).toBeGreaterThan(0);
        expect(await engine((e) => e.supply)).toBeGreaterThan(supply);
        expect(await engine((e) => e.position(paid.body.position)!.member)).toBe("bob");
        const refund = await post(`/api/orders/${order.body.id}/refund`, bob);
        expect(refund).toMatchObject({ status: 409, body: { error: { code: "conflict" } } });
      });

      it("holds points for the refund window; a refund inside it has no pool effect", async () => {
        expect(
          (
            await post("/api/rules", operator, {
              rules: { withdrawalMaxPerRequest: "500.00", refundWindowDays: 2 },
            })
          ).status,
        ).toBe(201);
        const first = (await post("/api/orders", bob, { productId })).body;
        const second = (await post("/api/orders", bob, { productId })).body;
        const before = await engine((e) => ({ pool: e.pool, supply: e.supply }));
        expect((await post(`/api/orders/${first.id}/pay`, bob)).body).toMatchObject({
          status: "paid",
          settleDay: first.paidDay ?? expect.any(Number),
        });
        expect((await post(`/api/orders/${second.id}/pay`, bob)).body.status).toBe("paid");
        expect((await post(`/api/orders/${first.id}/refund`, teahouse)).body.status).toBe("refunded");
        expect(await engine((e) => ({ pool: e.pool, supply: e.supply }))).toEqual(before);
        expect((await post("/api/operator/close-day", operator, {})).body.settledOrders).toBe(0);
        const closed = await post("/api/operator/close-day", operator, { days: 1 });
        expect(closed.body.settledOrders).toBe(1);
        const settled = await get(`/api/orders/${second.id}`, bob);
        expect(settled.body.status).toBe("settled");
        expect(await engine((e) => e.pool)).toBeGreaterThan(before.pool);
        expect((await get(`/api/orders/${first.id}`, bob)).body.status).toBe("refunded");
        expect(
          (
            await post("/api/rules", operator, {
              rules: { withdrawalMaxPerRequest: "500.00", refundWindowDays: 0 },
            })
          ).status,
        ).toBe(201);
      });

      it("shows orders to their member, their merchant and operators only", async () => {
        const order = (await post("/api/orders", bob, { productId })).body;
        expect((await get(`/api/orders/${order.id}`, alice)).status).toBe(404);
        expect((await get(`/api/orders/${order.id}`, bakery)).status).toBe(404);
        expect((await get(`/api/orders/${order.id}`, teahouse)).status).toBe(200);
        expect((await get(`/api/orders/${order.id}`, operator)).status).toBe(200);
        expect((await post(`/api/orders/${order.id}/pay`, alice)).status).toBe(404);
        expect((await post(`/api/orders/${order.id}/refund`, bakery)).status).toBe(404);
        const mine = await get("/api/orders?limit=100", alice);
        expect(mine.body.items.every((o: Json) => o.member === "alice")).toBe(true);
        const bakeryOrders = await get("/api/orders", bakery);
        expect(bakeryOrders.body.items.every((o: Json) => o.merchant === "bakery")).toBe(true);
        const all = await get("/api/orders?limit=2", operator);
        expect(all.body.items).toHaveLength(2);
        expect(all.body.items[0].id).toBeGreaterThan(all.body.items[1].id);
        expect((await post(`/api/orders/${order.id}/refund`, bob)).body.status).toBe("cancelled");
        expect((await get("/api/orders/999999", operator)).status).toBe(404);
        expect((await get("/api/orders/abc", operator)).status).toBe(404);
      });

      it("verifies the sandbox callback: forged and replayed callbacks change nothing", async () => {
        const order = (await post("/api/orders", bob, { productId })).body;
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
        expect((await get(`/api/orders/${order.id}`, bob)).body.status).toBe("created");
        const tampered = await send(JSON.stringify({ ...payload, amount: "1.00" }), sign(forgedBody));
        expect(tampered.json().error.code).toBe("invalid_signature");
        const wrongAmountBody = JSON.stringify({ ...payload, amount: "1.00", nonce: "nonce-amount-1" });
        expect((await send(wrongAmountBody, sign(wrongAmountBody))).json().error.code).toBe(
          "invalid_callback",
        );
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
        const first = await post("/api/sales", teahouse, { member: "bob", amount: "58.80" }, key);
        expect(first.status).toBe(201);
        expect(first.body.points).toMatch(/^\d+\.\d{8}$/);
        const pool = await engine((e) => e.pool);
        const again = await post("/api/sales", teahouse, { member: "bob", amount: "58.80" }, key);
        expect(again.body.position).toBe(first.body.position);
        expect(await engine((e) => e.pool)).toBe(pool);
        const reused = await post("/api/sales", teahouse, { member: "bob", amount: "58.81" }, key);
        expect(reused).toMatchObject({ status: 422, body: { error: { code: "idempotency_key_reused" } } });
        // The same key from another merchant is another request.
        expect(
          (await post("/api/sales", bakery, { member: "bob", amount: "58.80" }, key)).body.position,
        ).not.toBe(first.body.position);
        expect(
          (await post("/api/sales", teahouse, { member: "nobody", amount: "1.00" })).body.error,
        ).toMatchObject({ code: "unknown_member", field: "member" });
        expect(
          (
            await post("/api/sales", teahouse, {
              member: "bob",
              amount: "1.00",
              productId: (await post("/api/products", bakery, { name: "Bun", price: "5.00" })).body.id,
            })
          ).status,
        ).toBe(403);
      });
    });

    describe("members", () => {
      it("lists own positions with exit threshold and value, and sells only own positions", async () => {
        const mine = await get("/api/me/positions", alice);
        expect(mine.status).toBe(200);
        const position = mine.body.items.find((p: Json) => p.status === "open");
        expect(position).toMatchObject({ member: "alice", tipped: false });
        expect(position.exitThreshold).toMatch(/^\d+\.\d{8}$/);
        expect(position.value).toMatch(/^\d+\.\d{2}$/);
        const threshold = await engine((e) => e.exitThreshold(position.id));
        expect(position.exitThreshold.replace(".", "").replace(/^0+/, "")).toBe(String(threshold));
        const bobs = (await get("/api/me/positions", bob)).body.items[0];
        expect((await get(`/api/me/positions/${bobs.id}`, alice)).status).toBe(404);
        const stolen = await post(`/api/me/positions/${bobs.id}/sell`, alice, { points: "1" });
        expect(stolen).toMatchObject({ status: 403, body: { error: { code: "not_owner" } } });
        const walletBefore = await engine((e) => e.member("alice")!.wallet);
        const sold = await post(`/api/me/positions/${position.id}/sell`, alice, { points: "1.5" });
        expect(sold.status).toBe(200);
        expect(sold.body.net).toMatch(/^\d+\.\d{2}$/);
        const walletAfter = await engine((e) => e.member("alice")!.wallet);
        expect(String(walletAfter - walletBefore)).toBe(sold.body.net.replace(".", "").replace(/^0+/, ""));
        const tooMany = await post(`/api/me/positions/${position.id}/sell`, alice, { points: "999999" });
        expect(tooMany.body.error.code).toBe("insufficient_points");
        expect((await post("/api/me/positions/99999/sell", alice, { points: "1" })).status).toBe(404);
        const me = await get("/api/me", alice);
        expect(me.body).toMatchObject({ member: "alice", health: "20.00" });
        expect(me.body.wallet).toMatch(/^\d+\.\d{2}$/);
        expect((await get("/api/me/positions?status=exited", alice)).body.items).toEqual([]);
      });

      it("previews a sell with the engine on a copy: same figures as the sell, nothing changes", async () => {
        const position = (await get("/api/me/positions?status=open", alice)).body.items[0];
        const before = await engine((e) => [e.pool, e.supply, e.member("alice")!.wallet]);
        const preview = await post(
          `/api/me/positions/${position.id}/sell/preview`,
          alice,
          { points: "2" },
          null,
        );
        expect(preview.status).toBe(200);
        expect(await engine((e) => [e.pool, e.supply, e.member("alice")!.wallet])).toEqual(before);
        const sold = await post(`/api/me/positions/${position.id}/sell`, alice, { points: "2" });
        expect({ net: sold.body.net, fee: sold.body.fee }).toEqual({
          net: preview.body.net,
          fee: preview.body.fee,
        });
        const bobs = (await get("/api/me/positions", bob)).body.items[0];
        expect(
          (await post(`/api/me/positions/${bobs.id}/sell/preview`, alice, { points: "1" })).body.error.code,
        ).toBe("not_owner");
      });

      it("pays a merchant with points: points burned, cash from the pool to the merchant", async () => {
        const position = (await get("/api/me/positions?status=open", bob)).body.items[0];
        const before = await engine((e) => ({
          supply: e.supply,
          settlement: e.merchantBalance("bakery")?.settlement ?? 0n,
        }));
        const paid = await post(`/api/me/positions/${position.id}/pay`, bob, {
          amount: "10.00",
          merchant: "bakery",
        });
        expect(paid.status).toBe(200);
        const after = await engine((e) => ({
          supply: e.supply,
          settlement: e.merchantBalance("bakery")!.settlement,
        }));
        expect(after.settlement - before.settlement).toBe(1000n);
        expect(before.supply - after.supply).toBe(BigInt(paid.body.points.replace(".", "")));
        expect(
          (await post(`/api/me/positions/${position.id}/pay`, bob, { amount: "10.00", merchant: "nobody" }))
            .status,
        ).toBe(404);
      });

      it("shows the release schedule", async () => {
        const release = await get("/api/me/release", alice);
        expect(release.body).toMatchObject({ health: "20.00", releaseRate: null, projection: [] });
      });

      it("projects the release of locked points with the engine when release is on", async () => {
        const created = await post("/api/tenants", operator, {
          tenant: "release-demo",
          rules: { release: { mode: "percentOfRemaining", tiers: [{ minHealth: "0", rate: "0.1" }] } },
          operator: { username: "rel-op", password: "rel-password" },
        });
        expect(created.status).toBe(201);
        const relOperator = await login(t.app, "rel-op", "rel-password", "release-demo");
        await post("/api/merchants", relOperator, {
          id: "shop",
          name: "Shop",
          username: "rel-shop",
          password: "rel-password",
        });
        await post("/api/auth/register", null, {
          tenant: "release-demo",
          username: "rel-member",
          password: "rel-password",
        });
        const shop = await login(t.app, "rel-shop", "rel-password", "release-demo");
        const member = await login(t.app, "rel-member", "rel-password", "release-demo");
        expect((await post("/api/sales", shop, { member: "rel-member", amount: "100.00" })).status).toBe(201);
        const release = await get("/api/me/release", member);
        expect(release.body).toMatchObject({ mode: "percentOfRemaining", releaseRate: "0.100000000" });
        expect(release.body.positions).toEqual([{ id: 1, locked: "21.00000000", unlocked: "0.00000000" }]);
        const locked = release.body.projection.map((p: Json) => Number(p.locked));
        expect(release.body.projection.map((p: Json) => p.day)).toEqual([1, 7, 30]);
        expect(locked[0]).toBeLessThan(21);
        expect(locked[1]).toBeLessThan(locked[0]);
        expect(locked[2]).toBeLessThan(locked[1]);
        // The projection ran on a copy: the tenant is still on day 0 with everything locked.
        expect((await get("/api/me/positions", member)).body.items[0].locked).toBe("21.00000000");
        const sell = await post("/api/me/positions/1/sell", member, { points: "1" });
        expect(sell.body.error.code).toBe("points_locked");
      });

      it("withdraws within limits; a rejected request returns the cash", async () => {
        const wallet = await engine((e) => e.member("alice")!.wallet);
        const over = await post("/api/me/withdrawals", alice, { amount: "600.00" });
        expect(over.body.error.code).toBe(
          wallet >= 60000n ? "withdrawal_over_request_limit" : "insufficient_funds",
        );
        expect((await post("/api/me/withdrawals", alice, { amount: "1000000.00" })).body.error.code).toBe(
          "insufficient_funds",
        );
        const asked = await post("/api/me/withdrawals", alice, { amount: "1.00" });
        expect(asked.status).toBe(201);
        expect(asked.body).toMatchObject({ member: "alice", amount: "1.00", status: "pending" });
        expect(await engine((e) => e.member("alice")!.wallet)).toBe(wallet - 100n);
        const queue = await get("/api/operator/withdrawals?status=pending", operator);
        expect(queue.body.items.map((w: Json) => w.id)).toContain(asked.body.id);
        expect((await post(`/api/operator/withdrawals/${asked.body.id}/approve`, alice)).status).toBe(403);
        const rejected = await post(`/api/operator/withdrawals/${asked.body.id}/reject`, operator);
        expect(rejected.body.status).toBe("rejected");
        expect(await engine((e) => e.member("alice")!.wallet)).toBe(wallet);
        expect(
          (await post(`/api/operator/withdrawals/${asked.body.id}/approve`, operator)).body.error.code,
        ).toBe("withdrawal_not_pending");
        expect((await post("/api/operator/withdrawals/9999/approve", operator)).status).toBe(404);
        const own = await get("/api/me/withdrawals", alice);
        expect(own.body.items.every((w: Json) => w.member === "alice")).toBe(true);
      });
    });

    describe("operators", () => {
      it("brings financing into the pool and reconciles against the bank balance", async () => {
        const before = await engine((e) => e.pool);
        expect(
          (await post("/api/operator/financing", operator, { toPool: "1000.00", label: "A轮" })).status,
        ).toBe(200);
        expect(await engine((e) => e.pool)).toBe(before + 100000n);
        expect((await post("/api/operator/financing", operator, {})).body.error.field).toBe("toPool");
        const a = await engine((e) => e.accounts);
        const expected = a.pool + a.wallets + a.withdrawalsPending;
        const balance =
          ((expected + 1234n) / 100n).toString() +
          "." +
          ((expected + 1234n) % 100n).toString().padStart(2, "0");
        const rec = await post("/api/operator/reconciliation", operator, { balance });
        expect(rec.body.difference).toBe("12.34");
        expect(rec.body.balance).toBe(balance);
        expect(
          (await post("/api/operator/reconciliation", operator, { balance: "abc" })).body.error,
        ).toMatchObject({ code: "not_a_decimal", field: "balance" });
        expect((await post("/api/operator/financing", bob, { toPool: "1.00" })).status).toBe(403);
        expect((await post("/api/operator/financing", teahouse, { toPool: "1.00" })).status).toBe(403);
      });

      it("imports legacy coins from CSV: every row checked, nothing imported if one is bad", async () => {
        const bad = await post("/api/operator/coins/import", operator, {
          csv: "member,coins\nalice,10.00\nnobody,5\nbob,1.001\nbob,-3\n",
        });
        expect(bad.status).toBe(400);
        expect(bad.body.error.code).toBe("invalid_rows");
        expect(bad.body.error.rows).toEqual([
          { row: 3, field: "member", code: "unknown_member", reason: expect.any(String) },
          { row: 4, field: "coins", code: "too_precise", reason: expect.any(String) },
          { row: 5, field: "member", code: "duplicate_member", reason: expect.any(String) },
          { row: 5, field: "coins", code: "out_of_range", reason: expect.any(String) },
        ]);
        expect(await engine((e) => e.coins.imported)).toBe(0n);
        const good = await post("/api/operator/coins/import", operator, {
          csv: "member,coins\nalice,10.00\nbob,5.5\n",
        });
        expect(good.body).toEqual({ imported: 2, total: "15.50" });
        expect(await engine((e) => [e.coins.imported, e.member("bob")!.coins])).toEqual([1550n, 550n]);
      });

      it("buys tip points for a merchant and tips a member; merchants tip only their own points", async () => {
        const bought = await post("/api/operator/tips/buy", operator, {
          merchant: "teahouse",
          amount: "50.00",
        });
        expect(bought.body.points).toMatch(/^\d+\.\d{8}$/);
        expect(
          (await post("/api/operator/tips/buy", teahouse, { merchant: "teahouse", amount: "50.00" })).status,
        ).toBe(403);
        const tipped = await post("/api/operator/tips", teahouse, {
          merchant: "teahouse",
          member: "bob",
          points: "1",
        });
        expect(tipped.status).toBe(200);
        expect(await engine((e) => e.position(tipped.body.position)!.tipped)).toBe(true);
        expect(
          (await post("/api/operator/tips", bakery, { merchant: "teahouse", member: "bob", points: "1" }))
            .status,
        ).toBe(403);
        expect(
          (await post("/api/operator/tips", operator, { merchant: "bakery", member: "bob", points: "1" }))
            .body.error.code,
        ).toBe("insufficient_merchant_points");
      });

      it("pauses new orders, sales and sells, then resumes", async () => {
        expect((await post("/api/operator/pause", operator, { paused: true })).body).toEqual({
          paused: true,
        });
        expect((await get("/api/public")).body.paused).toBe(true);
        const position = (await get("/api/me/positions?status=open", bob)).body.items.find(
          (p: Json) => !p.tipped,
        );
        for (const attempt of [
          post("/api/sales", teahouse, { member: "bob", amount: "1.00" }),
          post(`/api/me/positions/${position.id}/sell`, bob, { points: "0.1" }),
          post("/api/orders", bob, { productId: (await get("/api/products", bob)).body.items[0].id }),
        ]) {
          expect(await attempt).toMatchObject({ status: 409, body: { error: { code: "scheme_paused" } } });
        }
        expect((await post("/api/operator/pause", operator, { paused: false })).body).toEqual({
          paused: false,
        });
        expect((await post("/api/sales", teahouse, { member: "bob", amount: "1.00" })).status).toBe(201);
      });

      it("shows the overview, members and the audit log", async () => {
        const overview = await get("/api/operator/overview", operator);
        expect(overview.body.accounts.pool).toBe(overview.body.pool);
        const members = await get("/api/operator/members?limit=2", operator);
        expect(members.body.items).toHaveLength(2);
        const audit = await get("/api/operator/audit?limit=100", operator);
        const actions = audit.body.items.map((e: Json) => e.action);
        for (const action of [
          "financing",
          "coins.import",
          "pause",
          "resume",
          "sales",
          "sell",
          "withdrawal.reject",
          "rules.publish",
        ]) {
          expect(actions).toContain(action);
        }
        const sales = audit.body.items.find((e: Json) => e.action === "sales" && e.actor === "teahouse");
        expect(sales.detail).toMatchObject({
          count: expect.any(Number),
          total: expect.stringMatching(/^\d+\.\d{2}$/),
        });
        expect(audit.body.items[0].seq).toBeGreaterThan(audit.body.items[1].seq);
        expect((await get("/api/operator/audit", alice)).status).toBe(403);
      });

      it("keeps cash conserved and the engine sound after everything above", async () => {
        const { checkInvariants } = await import("@zengzhi/engine");
        expect(await engine((e) => checkInvariants(e))).toEqual([]);
      });
    });

    describe("bad input", () => {
      const sale = (amount: unknown) => post("/api/sales", teahouse, { member: "bob", amount });
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
          (await post("/api/sales", teahouse, { member: "bob", amount: "1.00", bonus: 1 })).body.error,
        ).toMatchObject({ code: "unknown_field", field: "bonus" });
        const broken = await call(t.app, "POST", "/api/sales", {
          token: teahouse,
          body: "{not json",
          headers: { "content-type": "application/json" },
        });
        expect(broken.statusCode).toBe(400);
        expect(broken.json().error.code).toBe("invalid_json");
        const huge = await call(t.app, "POST", "/api/sales", {
          token: teahouse,
          body: JSON.stringify({ member: "bob", amount: "1.00", pad: "x".repeat(70_000) }),
        });
        expect(huge.statusCode).toBe(413);
        expect(huge.json().error.code).toBe("body_too_large");
        expect((await get("/api/orders?limit=1000", operator)).body.error).toMatchObject({
          code: "out_of_range",
          field: "query.limit",
        });
        expect((await get("/api/orders?limit=abc", operator)).body.error.field).toBe("query.limit");
        expect(
          (await post("/api/me/positions/1/sell", alice, { points: "0.000000001" })).body.error,
        ).toMatchObject({ code: "too_precise", field: "points" });
        expect((await post("/api/me/positions/1/sell", alice, { points: 1 })).body.error).toMatchObject({
          code: "invalid_field",
          field: "points",
        });
        expect((await post("/api/orders", bob, { productId: "nope" })).status).toBe(404);
        expect((await post("/api/orders", bob, { productId: "x", quantity: 0 })).body.error.field).toBe(
          "quantity",
        );
        expect((await post("/api/operator/close-day", operator, { days: 10_000 })).body.error.field).toBe(
          "days",
        );
        const longKey = await post(
          "/api/sales",
          teahouse,
          { member: "bob", amount: "1.00" },
          "k".repeat(200),
        );
        expect(longKey.body.error.field).toBe("Idempotency-Key");
      });
    });

    describe("authorization matrix", () => {
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
        const tokens = { operator, merchant: teahouse, member: alice };
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
  });
}

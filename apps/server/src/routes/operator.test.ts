/**
 * The service's operators routes end to end, in process (app.inject), on both stores: PGlite in
 * memory and a real PostgreSQL (a fresh database per suite), each suite with its own demo tenant
 * seeded through the routes; money effects are checked against the engine's state.
 */
import { describe, expect, it } from "vitest";
import { STORES, useDemoSuite } from "../testing/helpers.js";

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

for (const store of STORES) {
  describe.runIf(store.available)(`operators on ${store.kind}`, () => {
    const { t, get, post, engine } = useDemoSuite(store.kind);
    it("brings financing into the pool and reconciles against the bank balance", async () => {
      const before = await engine((e) => e.pool);
      expect(
        (await post("/api/operator/financing", t.operator, { toPool: "1000.00", label: "A轮" })).status,
      ).toBe(200);
      expect(await engine((e) => e.pool)).toBe(before + 100000n);
      expect((await post("/api/operator/financing", t.operator, {})).body.error.field).toBe("toPool");
      const a = await engine((e) => ({ ...e.accounts }));
      const expected = a.pool + a.wallets + a.withdrawalsPending;
      const balance =
        ((expected + 1234n) / 100n).toString() +
        "." +
        ((expected + 1234n) % 100n).toString().padStart(2, "0");
      const rec = await post("/api/operator/reconciliation", t.operator, { balance });
      expect(rec.body.difference).toBe("12.34");
      expect(rec.body.balance).toBe(balance);
      expect(
        (await post("/api/operator/reconciliation", t.operator, { balance: "abc" })).body.error,
      ).toMatchObject({ code: "not_a_decimal", field: "balance" });
      expect((await post("/api/operator/financing", t.bob, { toPool: "1.00" })).status).toBe(403);
      expect((await post("/api/operator/financing", t.teahouse, { toPool: "1.00" })).status).toBe(403);
    });

    it("imports legacy coins from CSV: every row checked, nothing imported if one is bad", async () => {
      const bad = await post("/api/operator/coins/import", t.operator, {
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
      const good = await post("/api/operator/coins/import", t.operator, {
        csv: "member,coins\nalice,10.00\nbob,5.5\n",
      });
      expect(good.body).toEqual({ imported: 2, total: "15.50" });
      expect(await engine((e) => [e.coins.imported, e.member("bob")!.coins])).toEqual([1550n, 550n]);
    });

    it("buys tip points for a merchant and tips a member; merchants tip only their own points", async () => {
      const bought = await post("/api/operator/tips/buy", t.operator, {
        merchant: "teahouse",
        amount: "50.00",
      });
      expect(bought.body.points).toMatch(/^\d+\.\d{8}$/);
      expect(
        (await post("/api/operator/tips/buy", t.teahouse, { merchant: "teahouse", amount: "50.00" })).status,
      ).toBe(403);
      const tipped = await post("/api/operator/tips", t.teahouse, {
        merchant: "teahouse",
        member: "bob",
        points: "1",
      });
      expect(tipped.status).toBe(200);
      expect(await engine((e) => e.position(tipped.body.position)!.tipped)).toBe(true);
      expect(
        (await post("/api/operator/tips", t.bakery, { merchant: "teahouse", member: "bob", points: "1" }))
          .status,
      ).toBe(403);
      expect(
        (await post("/api/operator/tips", t.operator, { merchant: "bakery", member: "bob", points: "1" }))
          .body.error.code,
      ).toBe("insufficient_merchant_points");
    });

    it("pauses new orders, sales and sells, then resumes", async () => {
      expect((await post("/api/operator/pause", t.operator, { paused: true })).body).toEqual({
        paused: true,
      });
      expect((await get("/api/public")).body.paused).toBe(true);
      const position = (await get("/api/me/positions?status=open", t.bob)).body.items.find(
        (p: Json) => !p.tipped,
      );
      for (const attempt of [
        post("/api/sales", t.teahouse, { member: "bob", amount: "1.00" }),
        post(`/api/me/positions/${position.id}/sell`, t.bob, { points: "0.1" }),
        post("/api/orders", t.bob, { productId: (await get("/api/products", t.bob)).body.items[0].id }),
      ]) {
        expect(await attempt).toMatchObject({ status: 409, body: { error: { code: "scheme_paused" } } });
      }
      expect((await post("/api/operator/pause", t.operator, { paused: false })).body).toEqual({
        paused: false,
      });
      expect((await post("/api/sales", t.teahouse, { member: "bob", amount: "1.00" })).status).toBe(201);
    });

    it("shows the overview, members and the audit log", async () => {
      // Every kind of entry checked below: make the ones this suite has not made yet.
      const open = (await get("/api/me/positions?status=open", t.alice)).body.items[0];
      expect((await post(`/api/me/positions/${open.id}/sell`, t.alice, { points: "0.5" })).status).toBe(200);
      const asked = await post("/api/me/withdrawals", t.alice, { amount: "1.00" });
      expect((await post(`/api/operator/withdrawals/${asked.body.id}/reject`, t.operator)).status).toBe(200);
      expect((await post("/api/rules", t.operator, { rules: {} })).status).toBe(201);
      const overview = await get("/api/operator/overview", t.operator);
      expect(overview.body.accounts.pool).toBe(overview.body.pool);
      const members = await get("/api/operator/members?limit=2", t.operator);
      expect(members.body.items).toHaveLength(2);
      const audit = await get("/api/operator/audit?limit=100", t.operator);
      const actions = audit.body.items.map((e: Json) => e.action);
      for (const action of [
        "financing",
        "coins.import",
        "pause",
        "resume",
        "sale",
        "sell",
        "withdrawal.reject",
        "rules.publish",
      ]) {
        expect(actions).toContain(action);
      }
      const sale = audit.body.items.find((e: Json) => e.action === "sale" && e.actor === "teahouse");
      expect(sale.detail).toMatchObject({ amount: expect.stringMatching(/^\d+\.\d{2}$/) });
      expect(audit.body.items[0].seq).toBeGreaterThan(audit.body.items[1].seq);
      expect((await get("/api/operator/audit", t.alice)).status).toBe(403);
    });

    it("values members' points at supply × price, floored, not at the pool", async () => {
      const { formatMoney } = await import("@zengzhi/engine");
      const overview = (await get("/api/operator/overview", t.operator)).body;
      const expected = await engine((e) => {
        const [n, d] = e.price();
        return formatMoney((e.supply * n) / d);
      });
      expect(overview.supplyValue).toBe(expected);
      expect(Number(overview.supplyValue)).toBeLessThanOrEqual(Number(overview.pool));
      expect((await get("/api/public?tenant=demo", t.alice)).body.supplyValue).toBe(expected);
    });

    it("keeps cash conserved and the engine sound after everything above", async () => {
      const { checkInvariants } = await import("@zengzhi/engine");
      expect(await engine((e) => checkInvariants(e))).toEqual([]);
    });
  });
}

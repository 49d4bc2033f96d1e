/**
 * The operator's reports (GET /api/operator/reports) on both stores: figures agree with the engine's
 * accounts, buckets are the calendar dates statements show (not commit times), a day's total is its
 * statement lines', weeks and months add up their days, old results report as before, and bad ranges
 * are refused with out_of_range.
 */
import { describe, expect, it } from "vitest";
import { readMigrations } from "@zengzhi/store";
import { newMember, STORES, useDemoSuite } from "../testing/helpers.js";

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const addDays = (date: string, days: number) =>
  new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
const fen = (money: string) => BigInt(money.replace(".", ""));

for (const store of STORES) {
  describe.runIf(store.available)(`reports on ${store.kind}`, () => {
    const { t, get, post, engine } = useDemoSuite(store.kind);
    const report = async (from: string, to: string, unit = "day") =>
      (await get(`/api/operator/reports?from=${from}&to=${to}&unit=${unit}`, t.operator)).body;
    /** The date the engine's current day stands for (manual closes run ahead of the clock). */
    const today = async () => (await get("/api/operator/calendar", t.operator)).body.date as string;

    it("counts today's orders, split, pool, points and members as the engine does", async () => {
      const day = await today();
      const before = (await report(day, day)).rows[0] as Json;
      const accounts = await engine((e) => ({ ...e.accounts }));
      const supply = await engine((e) => e.supply);
      await newMember(t.app, "report-dave");
      expect((await post("/api/sales", t.teahouse, { member: "report-dave", amount: "100.00" })).status).toBe(
        201,
      );
      expect((await post("/api/sales", t.teahouse, { member: "alice", amount: "33.33" })).status).toBe(201);
      const body = await report(day, day);
      expect(body).toMatchObject({ timeZone: "Asia/Shanghai", unit: "day", from: day, to: day });
      const row = body.rows[0] as Json;
      const after = await engine((e) => ({ ...e.accounts }));
      expect(row.orders - before.orders).toBe(2);
      expect(fen(row.orderAmount) - fen(before.orderAmount)).toBe(13333n);
      expect(row.newMembers - before.newMembers).toBe(1);
      expect(fen(row.revenueMerchants) - fen(before.revenueMerchants)).toBe(
        after.merchantSettlements - accounts.merchantSettlements,
      );
      expect(fen(row.revenuePlatform) - fen(before.revenuePlatform)).toBe(
        after.platformRevenue - accounts.platformRevenue,
      );
      // Till sales: the product cost stays with the merchant at the till, so the parts that entered
      // the scheme are what the merchant's prepaid balance paid.
      const parts = ["revenuePool", "revenueMerchants", "revenueDistribution", "revenuePlatform"];
      expect(parts.reduce((sum, part) => sum + fen(row[part]) - fen(before[part]), 0n)).toBe(
        accounts.prepaidHeld - after.prepaidHeld,
      );
      expect(fen(row.poolIn) - fen(before.poolIn)).toBe(after.pool - accounts.pool);
      expect(row.poolEnd).toBe((await get("/api/operator/overview", t.operator)).body.pool);
      const issued = BigInt(row.pointsIssued.replace(".", "")) - BigInt(before.pointsIssued.replace(".", ""));
      expect(issued).toBe((await engine((e) => e.supply)) - supply);
      expect(row.pointsBurned).toBe(before.pointsBurned);
    });

    it("puts a movement in the date its statement shows, not in the date it committed", async () => {
      const day = await today();
      const before = (await report(day, day)).rows[0] as Json;
      expect((await post("/api/sales", t.teahouse, { member: "alice", amount: "33.33" })).status).toBe(201);
      // 2026-03-01T16:30Z is 00:30 on 2 March in Shanghai: a commit time far from the engine's date.
      await t.ledger.sql.query(
        `UPDATE batches SET committed_at = '2026-03-01T16:30:00Z'
          WHERE tenant_id = 'demo' AND batch = (SELECT max(batch) FROM batches WHERE tenant_id = 'demo')`,
      );
      const row = (await report(day, day)).rows[0] as Json;
      expect(row.orders - before.orders).toBe(1);
      expect(fen(row.orderAmount) - fen(before.orderAmount)).toBe(3333n);
      const march = (await report("2026-03-01", "2026-03-03")).rows as Json[];
      expect(march.map((r) => r.period)).toEqual(["2026-03-01", "2026-03-02", "2026-03-03"]);
      expect(march.map((r) => r.orders)).toEqual([0, 0, 0]);
      expect(march[0]!.poolEnd).toBeNull();
    });

    it("sums days into ISO weeks and calendar months", async () => {
      const day = await today();
      const from = addDays(day, -40);
      const to = addDays(day, 20);
      const days = (await report(from, to)).rows as Json[];
      const weeks = (await report(from, to, "week")).rows as Json[];
      const months = (await report(from, to, "month")).rows as Json[];
      expect(weeks[0]!.period <= from && weeks.length >= 9).toBe(true);
      expect(months.map((r) => r.period.slice(8))).toEqual(months.map(() => "01"));
      const total = (rows: Json[], key: string) => rows.reduce((sum, r) => sum + fen(r[key]), 0n);
      for (const key of ["orderAmount", "revenuePool", "poolIn", "poolOut"]) {
        expect(total(weeks, key)).toBe(total(days, key));
        expect(total(months, key)).toBe(total(days, key));
      }
      expect(total(days, "orderAmount")).toBeGreaterThan(0n);
    });

    it("splits online orders when they settle, and counts pool in and out exactly", async () => {
      let day = await today();
      const row = async () => (await report(day, day)).rows[0] as Json;
      const accounts = async () => engine((e) => ({ ...e.accounts }));
      const split = {
        productCost: "0.4",
        distributionCost: "0.2",
        platformProfit: "0.15",
        poolContribution: "0.25",
      };
      const rules = { withdrawalMaxPerRequest: "500.00", refundWindowDays: 1, split };
      expect((await post("/api/rules", t.operator, { rules })).status).toBe(201);
      const product = (await post("/api/products", t.teahouse, { name: "Report tea", price: "80.00" })).body;
      const order = (await post("/api/orders", t.bob, { productId: product.id })).body;
      let before = await row();
      let engineBefore = await accounts();
      expect((await post(`/api/orders/${order.id}/pay`, t.bob)).body.status).toBe("paid");
      let after = await row();
      // Paid, not settled: an order of the day, no split yet.
      expect(after.orders - before.orders).toBe(1);
      expect(fen(after.orderAmount) - fen(before.orderAmount)).toBe(8000n);
      expect(after.revenueMerchants).toBe(before.revenueMerchants);
      before = after;
      expect((await post("/api/operator/close-day", t.operator, { days: 1 })).body.settledOrders).toBe(1);
      after = await row();
      let engineAfter = await accounts();
      const delta = (key: string) => fen(after[key]) - fen(before[key]);
      expect(delta("revenueMerchants")).toBe(3200n);
      expect(delta("revenueMerchants")).toBe(
        engineAfter.merchantSettlements - engineBefore.merchantSettlements,
      );
      expect(delta("revenuePlatform")).toBe(1200n);
      expect(delta("revenueDistribution")).toBe(1600n);
      expect(delta("revenuePool")).toBe(2000n);
      expect(delta("poolIn") - delta("poolOut")).toBe(engineAfter.pool - engineBefore.pool);

      // Financing is pool in; a sell's net is pool out (on the date after the close).
      day = await today();
      before = await row();
      engineBefore = await accounts();
      expect((await post("/api/operator/financing", t.operator, { toPool: "10.00" })).status).toBe(200);
      const position = (await get("/api/me/positions?status=open", t.alice)).body.items[0] as Json;
      const sold = await post(`/api/me/positions/${position.id}/sell`, t.alice, { points: "1" });
      expect(sold.status).toBe(200);
      after = await row();
      engineAfter = await accounts();
      expect(delta("poolIn")).toBe(1000n);
      // The sell's net leaves the pool (and any forced exit it triggered pays out of it too).
      if (sold.body.exits.length === 0) expect(delta("poolOut")).toBe(fen(sold.body.net));
      else expect(delta("poolOut")).toBeGreaterThan(fen(sold.body.net));
      expect(delta("poolIn") - delta("poolOut")).toBe(engineAfter.pool - engineBefore.pool);
      const burned =
        BigInt(after.pointsBurned.replace(".", "")) - BigInt(before.pointsBurned.replace(".", ""));
      expect(burned).toBe(100_000_000n);
    });

    it("reports results journaled before they carried split parts as the engine split them", async () => {
      // Every row so far carries outcome.split; rewrite them to the older shape, derive their parts
      // once as migration 0240 does, and the revenue of the whole history must not move.
      const from = "2020-01-01";
      const to = await today();
      const revenue = (rows: Json[]) =>
        ["revenueMerchants", "revenueDistribution", "revenuePlatform", "revenuePool", "poolIn"].map((key) =>
          rows.reduce((sum, r) => sum + fen(r[key]), 0n),
        );
      const current = revenue((await report(from, to)).rows);
      expect(current[0]).toBeGreaterThan(0n);
      const sql = t.ledger.sql;
      const { rows } = await sql.query<{ seq: string; result: string }>(
        `SELECT seq::text AS seq, result FROM journal WHERE tenant_id = 'demo' AND result LIKE '%"split":{%'`,
      );
      expect(rows.length).toBeGreaterThan(2);
      for (const row of rows) {
        const json = JSON.parse(row.result) as Json;
        delete json.outcome.split;
        delete json.outcome.owed;
        await sql.query("UPDATE journal SET result = $3 WHERE tenant_id = $1 AND seq = $2", [
          "demo",
          row.seq,
          JSON.stringify(json),
        ]);
      }
      expect(revenue((await report(from, to)).rows)[0]).toBe(0n);
      const migration = readMigrations().find((m) => m.version === 240)!.sql;
      await sql.query(migration.slice(migration.indexOf("INSERT INTO journal_split_parts")));
      expect(revenue((await report(from, to)).rows)).toEqual(current);
    });

    it("totals each date as the statements of that date do", async () => {
      // A fresh date: the manual close moves the engine past every date with movements.
      expect((await post("/api/operator/close-day", t.operator, { days: 1 })).status).toBe(200);
      const day = await today();
      const members = ["ledger-fay", "ledger-gus"];
      const tokens = await Promise.all(members.map((name) => newMember(t.app, name)));
      for (const [i, member] of members.entries()) {
        const amount = i === 0 ? "12.34" : "56.78";
        expect((await post("/api/sales", t.teahouse, { member, amount })).status).toBe(201);
      }
      // Commits after local midnight of that date, before its close: still that date.
      await t.ledger.sql.query(
        `UPDATE batches SET committed_at = committed_at + interval '2 days' WHERE tenant_id = 'demo'
            AND batch > (SELECT max(batch) - 2 FROM batches WHERE tenant_id = 'demo')`,
      );
      let issued = 0n;
      let lines = 0;
      for (const token of tokens) {
        const page = (await get("/api/me/statement?account=points&limit=100", token)).body as Json;
        for (const line of page.items as Json[]) {
          if (line.date !== day) continue;
          issued += BigInt(line.amount.replace(".", ""));
          lines++;
        }
      }
      const row = (await report(day, day)).rows[0] as Json;
      expect(lines).toBe(2);
      expect(row.orders).toBe(2);
      expect(row.newMembers).toBe(2);
      expect(BigInt(row.pointsIssued.replace(".", ""))).toBe(issued);
      expect(issued).toBeGreaterThan(0n);
      const next = (await report(addDays(day, 1), addDays(day, 2))).rows as Json[];
      expect(next.map((r) => r.orders)).toEqual([0, 0]);
    });

    it("refuses a range backwards or too long, and callers other than operators", async () => {
      const backwards = await get("/api/operator/reports?from=2026-03-02&to=2026-03-01", t.operator);
      expect(backwards.status).toBe(400);
      expect(backwards.body.error).toMatchObject({ code: "out_of_range", field: "to" });
      const long = await get("/api/operator/reports?from=2000-01-01&to=2026-03-01", t.operator);
      expect(long.body.error.code).toBe("out_of_range");
      const notDate = await get("/api/operator/reports?from=2026-02-30&to=2026-03-01", t.operator);
      expect(notDate.status).toBe(400);
      expect((await get("/api/operator/reports?from=2026-03-01&to=2026-03-01", t.teahouse)).status).toBe(403);
    });
  });
}

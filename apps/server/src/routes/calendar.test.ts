/**
 * The real calendar and statements end to end (issue #13), on both stores, with a clock the test
 * moves: dates close by themselves at local midnight, once each, in order after downtime; the journal
 * records the date of each close; the zone is validated; the manual close can be switched off; and
 * every statement adds up to the balance it explains, with times in the tenant's zone.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeDueDates } from "../domain/day-close.js";
import { type TestApp, STORES, login, openTestApp, requests } from "../testing/helpers.js";

/** 10:00 in Shanghai on 2026-12-03. */
const START = Date.parse("2026-12-03T02:00:00Z");
const fen = (text: string) => BigInt(text.replace(".", "").replace(/^(-?)0+(?=\d)/, "$1"));
const units = (text: string) => {
  const [whole = "0", fraction = ""] = text.replace("-", "").split(".");
  const value = BigInt(whole + fraction.padEnd(8, "0"));
  return text.startsWith("-") ? -value : value;
};

for (const store of STORES) {
  describe.runIf(store.available)(`the calendar and statements on ${store.kind}`, () => {
    let t: TestApp;
    let clock = START;
    let operator = "";
    const { get, post, engine } = requests(
      () => t.app,
      () => t.ledger,
    );
    beforeAll(async () => {
      t = await openTestApp(store.kind, { now: () => clock, manualClose: false });
      operator = await login(t.app, "operator");
    });
    afterAll(async () => {
      await t?.close();
    });

    it("runs today's date after the seed closed yesterday's, and says when it closes", async () => {
      const { status, body } = await get("/api/operator/calendar", operator);
      expect(status).toBe(200);
      expect(body).toEqual({
        timeZone: "Asia/Shanghai",
        today: "2026-12-03",
        day: 1,
        date: "2026-12-03",
        nextCloseAt: "2026-12-04T00:00:00+08:00",
        manualClose: false,
      });
      expect(await closeDueDates(t.services, "demo")).toEqual([]);
    });

    it("closes every missed date once, in order, however often it is asked", async () => {
      clock = Date.parse("2026-12-05T16:00:01Z"); // 00:00:01 on 2026-12-06 in Shanghai
      operator = await login(t.app, "operator"); // the clock moved past the session's idle time
      const [first, second] = await Promise.all([
        closeDueDates(t.services, "demo"),
        closeDueDates(t.services, "demo"),
      ]);
      expect(first).toEqual(["2026-12-03", "2026-12-04", "2026-12-05"]);
      expect(second!.length).toBeLessThanOrEqual(3);
      expect(await closeDueDates(t.services, "demo")).toEqual([]);
      expect(await engine((e) => e.day)).toBe(4);
      const { rows } = await t.services.sql.query<{ idempotency_key: string }>(
        `SELECT idempotency_key FROM journal WHERE tenant_id = 'demo' AND command LIKE '{"type":"advance"%' ORDER BY seq`,
      );
      expect(rows.map((r) => r.idempotency_key)).toEqual([
        "calendar-close|2026-12-02",
        "calendar-close|2026-12-03",
        "calendar-close|2026-12-04",
        "calendar-close|2026-12-05",
      ]);
      expect((await get("/api/operator/calendar", operator)).body.date).toBe("2026-12-06");
    });

    it("refuses the manual close when it is switched off, and changes nothing", async () => {
      const refused = await post("/api/operator/close-day", operator, { days: 1 });
      expect(refused.status).toBe(409);
      expect(refused.body.error.code).toBe("manual_close_disabled");
      expect(await engine((e) => e.day)).toBe(4);
    });

    it("validates the time zone and shows times in the new one", async () => {
      for (const timeZone of ["Mars/Olympus", "+08:00", ""]) {
        const refused = await post("/api/operator/calendar/time-zone", operator, { timeZone });
        expect(refused.status, timeZone).toBe(400);
        expect(refused.body.error.code).toBe(timeZone === "" ? "out_of_range" : "invalid_time_zone");
      }
      const set = await post("/api/operator/calendar/time-zone", operator, { timeZone: "America/New_York" });
      expect(set.status).toBe(200);
      expect(set.body.timeZone).toBe("America/New_York");
      expect(set.body.nextCloseAt).toBe("2026-12-07T00:00:00-05:00");
      const me = await get("/api/auth/me", operator);
      expect(me.body.timeZone).toBe("America/New_York");
      await post("/api/operator/calendar/time-zone", operator, { timeZone: "Asia/Shanghai" });
    });

    it("gives members and merchants statements that add up to their balances, dated locally", async () => {
      const alice = await login(t.app, "alice");
      const teahouse = await login(t.app, "teahouse");
      expect((await post("/api/sales", teahouse, { member: "alice", amount: "300.00" })).status).toBe(201);
      const all = async (url: string, token: string) => {
        const items: Record<string, string>[] = [];
        let cursor: string | null = null;
        do {
          const page = await get(`${url}${cursor === null ? "" : `&cursor=${cursor}`}&limit=2`, token);
          expect(page.status, JSON.stringify(page.body)).toBe(200);
          items.push(...(page.body.items as Record<string, string>[]));
          cursor = page.body.nextCursor as string | null;
        } while (cursor !== null);
        return items;
      };
      const cash = await all("/api/me/statement?account=cash", alice);
      const wallet = (await get("/api/me", alice)).body.wallet as string;
      expect(cash.reduce((sum, line) => sum + fen(line.amount!), 0n)).toBe(fen(wallet));
      expect(cash[0]!.balance).toBe(wallet);
      expect(cash.map((line) => line.kind)).toEqual(
        expect.arrayContaining(["order_paid", "sell", "withdrawal_requested", "withdrawal_paid"]),
      );
      for (const line of cash) {
        expect(line.at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00$/);
        expect(line.date).toMatch(/^2026-12-0[2-6]$/);
      }
      const points = await all("/api/me/statement?account=points", alice);
      const held = await engine((e) =>
        e
          .memberPositions("alice")
          .map((id) => e.position(id)!)
          .filter((p) => p.status === "open")
          .reduce((sum, p) => sum + p.points, 0n),
      );
      expect(points.reduce((sum, line) => sum + units(line.amount!), 0n)).toBe(held);
      expect(points[0]).toMatchObject({ kind: "points_issued", date: "2026-12-06" });
      const settled = await all("/api/merchant/statement?account=cash", teahouse);
      const settlement = await engine((e) => e.merchantBalance("teahouse")!.settlement);
      expect(settled.reduce((sum, line) => sum + fen(line.amount!), 0n)).toBe(settlement);
      // Till sales are paid from the merchant's prepaid balance (预存): its statement has their lines.
      const prepaid = await all("/api/merchant/statement?account=prepaid", teahouse);
      const balance = await engine((e) => e.merchantPrepaid("teahouse").balance);
      expect(prepaid.reduce((sum, line) => sum + fen(line.amount!), 0n)).toBe(balance);
      expect(prepaid[0]).toMatchObject({ kind: "till_sale", date: "2026-12-06" });
    });
  });
}

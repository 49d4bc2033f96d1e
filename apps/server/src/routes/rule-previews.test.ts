/**
 * Rule-change previews end to end on both stores: demand fitted from the tenant's own journal, runs
 * from a copy of the live engine under the current and the proposed rules on worker threads, the
 * job polled to the end; the ledger keeps committing while it runs, and nothing is written.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DemoSuite, openDemoSuite, requests, STORES } from "../testing/helpers.js";

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

for (const store of STORES) {
  describe.runIf(store.available)(`rule-change previews on ${store.kind}`, () => {
    let t: DemoSuite;
    const { get, post, engine } = requests(
      () => t.app,
      () => t.ledger,
    );
    beforeAll(async () => {
      t = await openDemoSuite(store.kind);
      // 25 quiet days after the seeded history, so the fitted window holds only what follows.
      expect((await post("/api/operator/close-day", t.operator, { days: 25 })).status).toBe(200);
      // Ten days of trade: 3 sales a day (alice 100 yuan, bob 300, alice 200), each day closed.
      for (let day = 0; day < 10; day++) {
        for (const [member, amount] of [
          ["alice", "100.00"],
          ["bob", "300.00"],
          ["alice", "200.00"],
        ] as const) {
          expect((await post("/api/sales", t.teahouse, { member, amount })).status).toBe(201);
        }
        expect((await post("/api/operator/close-day", t.operator, {})).status).toBe(200);
      }
    }, 120_000);
    afterAll(async () => {
      await t?.close();
    });

    async function finished(id: string): Promise<Json> {
      for (let i = 0; i < 600; i++) {
        const answer = await get(`/api/rules/previews/${id}`, t.operator);
        expect(answer.status).toBe(200);
        if (answer.body.status !== "running") return answer.body;
        await sleep(100);
      }
      throw new Error("the preview did not finish in a minute");
    }

    it("fits demand to the journal and runs both rule sets from the live state", async () => {
      const seqBefore = await engine((e) => e.positionCount);
      const live = await engine((e) => ({ day: e.day, pool: e.pool, open: e.openPositionCount() }));
      const started = await post("/api/rules/previews", t.operator, {
        rules: { exitMultiple: "2" },
        horizonDays: 60,
        runs: 3,
        windowDays: 30,
      });
      expect(started.status).toBe(201);
      expect(started.body.status).toBe("running");
      const demand = started.body.demand;
      // The window is days 7–36: the 30 orders of 100/300/200 yuan and none of the seeded history.
      expect(live.day).toBe(36);
      expect(demand.windowDays).toBe(30);
      expect(demand.ordersPerDay).toBeCloseTo(1, 9);
      expect(demand.trendPerDay).toBeGreaterThan(0);
      expect(demand.activeMembers).toBe(2);
      expect(demand.amountMin).toBe("100.00");
      expect(demand.amountMax).toBe("300.00");
      // Geometric mean of 100, 300 and 200: 181.71.
      expect(demand.amountMedian).toBe("181.71");
      expect(demand.newMembersPerDay).toBe(0);
      // Alice and bob ordered before the window (no new members): 2 active members, 1 repeat a day.
      expect(demand.meanDaysBetweenOrders).toBeCloseTo(2, 9);
      expect(demand.sellerShare).toBe(0);

      // A sale commits while the preview runs: the runs are on worker threads.
      const sale = await post("/api/sales", t.teahouse, { member: "bob", amount: "50.00" });
      expect(sale.status).toBe(201);

      const done = await finished(started.body.id);
      expect(done.status).toBe("done");
      expect(done.progress).toBe(1);
      expect(done.start.day).toBe(live.day);
      expect(done.start.openPositions).toBeGreaterThanOrEqual(live.open);
      expect(done.current.rules.exitMultiple).toBe("3.000000000");
      expect(done.proposed.rules.exitMultiple).toBe("2.000000000");
      for (const side of [done.current, done.proposed]) {
        expect(side.bands.price.p50).toHaveLength(60);
        expect(side.invariantsBroken).toBe(0);
        // Alice and bob go on ordering about once a day between them.
        expect(side.orders.p50).toBeGreaterThan(40);
        expect(side.orders.p50).toBeLessThan(80);
        expect(side.bands.pool.p50[0]).toBeGreaterThanOrEqual(Number(live.pool) / 100);
      }
      // Nothing was written: the preview's orders went to copies of the engine.
      expect(await engine((e) => e.positionCount)).toBe(seqBefore + 1);
      expect(done.seconds).toBeGreaterThan(0);
    }, 120_000);

    it("refuses a bad draft, a second running preview, strangers and unknown ids", async () => {
      const bad = await post("/api/rules/previews", t.operator, { rules: { exitMultiple: "20" } });
      expect(bad.status).toBe(422);
      expect(bad.body.error).toMatchObject({ code: "invalid_rules", field: "rules.exitMultiple" });
      const horizon = await post("/api/rules/previews", t.operator, { rules: {}, horizonDays: 5000 });
      expect(horizon.status).toBe(400);
      expect(horizon.body.error.field).toBe("horizonDays");
      expect((await post("/api/rules/previews", t.alice, { rules: {} })).status).toBe(403);
      const first = await post("/api/rules/previews", t.operator, { rules: {}, horizonDays: 30, runs: 2 });
      expect(first.status).toBe(201);
      const second = await post("/api/rules/previews", t.operator, { rules: {}, horizonDays: 30, runs: 2 });
      expect(second.status).toBe(409);
      expect(second.body.error.code).toBe("rule_preview_running");
      await finished(first.body.id);
      const unknown = await get("/api/rules/previews/no-such-preview", t.operator);
      expect(unknown.status).toBe(404);
      expect(unknown.body.error.code).toBe("rule_preview_not_found");
      expect((await get(`/api/rules/previews/${first.body.id}`, t.teahouse)).status).toBe(403);
    }, 120_000);
  });
}

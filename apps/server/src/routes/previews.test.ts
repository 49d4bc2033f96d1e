/**
 * Previews of operator actions from the live state, end to end on both stores: the financing
 * (¥100,000 into a ¥718.66 pool) shows every forced exit before it happens, and a confirm carrying a
 * stale preview's hash is refused with preview_stale (409) with nothing written.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DemoSuite, login, newKey, openDemoSuite, requests, STORES } from "../testing/helpers.js";

for (const store of STORES) {
  describe.runIf(store.available)(`previews on ${store.kind}`, () => {
    let t: DemoSuite;
    let boss: string;
    const { get, post } = requests(
      () => t.app,
      () => t.ledger,
    );
    const order = (member: string, amount: string) =>
      t.ledger.submit("issue14", newKey(), { type: "order", member, amount });
    const pool = async () => (await get("/api/operator/overview", boss)).body.pool as string;

    beforeAll(async () => {
      t = await openDemoSuite(store.kind);
      const created = await post("/api/tenants", t.operator, {
        tenant: "issue14",
        operator: { username: "boss14", password: "boss-password-14" },
      });
      expect(created.status).toBe(201);
      boss = await login(t.app, "boss14", "boss-password-14", "issue14");
      // Four members' orders leave ¥718.66 in the pool (the split floors the other parts to the fen).
      for (const [member, amount] of [
        ["m1", "1000.00"],
        ["m2", "800.00"],
        ["m3", "500.00"],
        ["m4", "95.51"],
      ] as const) {
        expect((await order(member, amount)).ok).toBe(true);
      }
    });
    afterAll(async () => {
      await t?.close();
    });

    it("shows the ¥100,000 financing's effect first, refuses it on a stale preview, takes it on a fresh one", async () => {
      expect(await pool()).toBe("718.66");
      const preview = await post("/api/operator/previews/financing", boss, { toPool: "100000.00" }, null);
      expect(preview.status).toBe(200);
      expect(preview.body).toMatchObject({
        refused: null,
        before: { pool: "718.66", openPositions: 4 },
        after: { openPositions: 0 },
        exits: { count: 4, owners: 4 },
        credits: { members: 4 },
      });
      expect(preview.body.exits.positions.map((p: { member: string }) => p.member)).toEqual([
        "m1",
        "m2",
        "m3",
        "m4",
      ]);
      expect(await pool()).toBe("718.66");

      // Someone orders between the preview and the confirm: the confirm is refused, nothing moves.
      expect((await order("m5", "10.00")).ok).toBe(true);
      const poolBefore = await pool();
      const stale = await post("/api/operator/financing", boss, {
        toPool: "100000.00",
        stateHash: preview.body.stateHash,
      });
      expect(stale.status).toBe(409);
      expect(stale.body.error.code).toBe("preview_stale");
      expect(await pool()).toBe(poolBefore);

      const fresh = await post("/api/operator/previews/financing", boss, { toPool: "100000.00" }, null);
      expect(fresh.body.stateHash).not.toBe(preview.body.stateHash);
      expect(fresh.body.exits.count).toBe(5);
      const done = await post("/api/operator/financing", boss, {
        toPool: "100000.00",
        stateHash: fresh.body.stateHash,
      });
      expect(done.status).toBe(200);
      expect(done.body.exits).toEqual([1, 2, 3, 4, 5]);
      expect(await pool()).toBe(fresh.body.after.pool);
      const members = await t.ledger.read("issue14", (view) =>
        fresh.body.credits.top.map((c: { member: string }) => view.member(c.member)!.wallet),
      );
      const cash = members.reduce((sum: bigint, wallet: bigint) => sum + wallet, 0n);
      expect(`${cash / 100n}.${(cash % 100n).toString().padStart(2, "0")}`).toBe(fresh.body.credits.cash);
    });

    it("previews a withdrawal batch, a rule version, closing the day and listing, each confirmed with its hash", async () => {
      for (const amount of ["1.00", "2.00"]) {
        expect(
          (await t.ledger.submit("issue14", newKey(), { type: "withdraw", member: "m1", amount })).ok,
        ).toBe(true);
      }
      const batch = { approve: [1], reject: [2] };
      const previewed = await post("/api/operator/previews/withdrawals", boss, batch, null);
      expect(previewed.body).toMatchObject({ refused: null, credits: { members: 1, cash: "2.00" } });
      const decided = await post("/api/operator/withdrawals/decisions", boss, {
        ...batch,
        stateHash: previewed.body.stateHash,
      });
      expect(decided.body).toEqual({ approved: [1], rejected: [2] });
      const again = await post("/api/operator/previews/withdrawals", boss, batch, null);
      expect(again.body.refused).toMatchObject({ index: 0, code: "withdrawal_not_pending" });

      const rules = { rules: { exitMultiple: "2.5" } };
      const rulesPreview = await post("/api/operator/previews/rules", boss, rules, null);
      expect(rulesPreview.status).toBe(200);
      const published = await post("/api/rules", boss, { ...rules, stateHash: rulesPreview.body.stateHash });
      expect(published.status).toBe(201);

      const dayPreview = await post("/api/operator/previews/close-day", boss, {}, null);
      expect(dayPreview.body.after.day).toBe(dayPreview.body.before.day + 1);
      expect(
        (await post("/api/operator/close-day", boss, { stateHash: dayPreview.body.stateHash })).status,
      ).toBe(200);
      // The day moved: the same hash is stale now.
      const staleDay = await post("/api/operator/close-day", boss, { stateHash: dayPreview.body.stateHash });
      expect(staleDay.body.error.code).toBe("preview_stale");
      // The engine refused it, and the refusal did not take the date's ledger key: the same date
      // closes with a fresh preview's hash.
      const freshDay = await post("/api/operator/previews/close-day", boss, {}, null);
      const closed = await post("/api/operator/close-day", boss, { stateHash: freshDay.body.stateHash });
      expect(closed.status).toBe(200);
      expect(closed.body.day).toBe(freshDay.body.after.day);

      const listingPreview = await post(
        "/api/operator/previews/listing",
        boss,
        { sharesPerPoint: "1" },
        null,
      );
      expect(listingPreview.body).toMatchObject({
        closed: listingPreview.body.before.openPositions,
        after: { listed: true, pool: "0.00", openPositions: 0 },
      });
      expect((await get("/api/operator/overview", boss)).body.pool).toBe(listingPreview.body.before.pool);
      const staleListing = await post("/api/operator/listing", boss, {
        sharesPerPoint: "1",
        stateHash: dayPreview.body.stateHash,
      });
      expect(staleListing.body.error.code).toBe("preview_stale");
      expect((await post("/api/operator/previews/financing", t.alice, { toPool: "1.00" }, null)).status).toBe(
        403,
      );
      expect(
        (await post("/api/operator/previews/rules", boss, { rules: { exitMultiple: "99" } }, null)).body.error
          .code,
      ).toBe("invalid_rules");
    });
  });
}

/**
 * The service's members routes end to end, in process (app.inject), on both stores: PGlite in
 * memory and a real PostgreSQL (a fresh database per suite), each suite with its own demo tenant
 * seeded through the routes; money effects are checked against the engine's state.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DemoSuite, login, newMember, openDemoSuite, requests, STORES } from "../testing/helpers.js";

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

for (const store of STORES) {
  describe.runIf(store.available)(`members on ${store.kind}`, () => {
    let t: DemoSuite;
    const { get, post, engine } = requests(
      () => t.app,
      () => t.ledger,
    );
    beforeAll(async () => {
      t = await openDemoSuite(store.kind);
      // Alice invited a member who has made a first order: her health value is 20.00 (10 seeded + 10).
      await newMember(t.app, "dave", "alice");
      expect((await post("/api/sales", t.teahouse, { member: "dave", amount: "100.00" })).status).toBe(201);
    });
    afterAll(async () => {
      await t?.close();
    });
    it("lists own positions with exit threshold and value, and sells only own positions", async () => {
      const mine = await get("/api/me/positions", t.alice);
      expect(mine.status).toBe(200);
      const position = mine.body.items.find((p: Json) => p.status === "open");
      expect(position).toMatchObject({ member: "alice", tipped: false });
      expect(position.exitThreshold).toMatch(/^\d+\.\d{8}$/);
      expect(position.value).toMatch(/^\d+\.\d{2}$/);
      const threshold = await engine((e) => e.exitThreshold(position.id));
      expect(position.exitThreshold.replace(".", "").replace(/^0+/, "")).toBe(String(threshold));
      const bobs = (await get("/api/me/positions", t.bob)).body.items[0];
      expect((await get(`/api/me/positions/${bobs.id}`, t.alice)).status).toBe(404);
      // Another member's position answers exactly as one that does not exist (issue #11).
      const stolen = await post(`/api/me/positions/${bobs.id}/sell`, t.alice, { points: "1" });
      const missing = await post("/api/me/positions/99999/sell", t.alice, { points: "1" });
      expect(stolen).toMatchObject({ status: 404, body: { error: { code: "unknown_position" } } });
      expect(stolen.body.error.message).toBe(missing.body.error.message.replace("99999", String(bobs.id)));
      expect(stolen.body.error.message).not.toContain("bob");
      const walletBefore = await engine((e) => e.member("alice")!.wallet);
      const sold = await post(`/api/me/positions/${position.id}/sell`, t.alice, { points: "1.5" });
      expect(sold.status).toBe(200);
      expect(sold.body.net).toMatch(/^\d+\.\d{2}$/);
      const walletAfter = await engine((e) => e.member("alice")!.wallet);
      expect(String(walletAfter - walletBefore)).toBe(sold.body.net.replace(".", "").replace(/^0+/, ""));
      const tooMany = await post(`/api/me/positions/${position.id}/sell`, t.alice, { points: "999999" });
      expect(tooMany.body.error.code).toBe("insufficient_points");
      expect((await post("/api/me/positions/99999/sell", t.alice, { points: "1" })).status).toBe(404);
      const me = await get("/api/me", t.alice);
      expect(me.body).toMatchObject({ member: "alice", health: "20.00" });
      expect(me.body.wallet).toMatch(/^\d+\.\d{2}$/);
      expect((await get("/api/me/positions?status=exited", t.alice)).body.items).toEqual([]);
    });

    it("previews a sell with the engine on a copy: same figures as the sell, nothing changes", async () => {
      const position = (await get("/api/me/positions?status=open", t.alice)).body.items[0];
      const before = await engine((e) => [e.pool, e.supply, e.member("alice")!.wallet]);
      const preview = await post(
        `/api/me/positions/${position.id}/sell/preview`,
        t.alice,
        { points: "2" },
        null,
      );
      expect(preview.status).toBe(200);
      expect(await engine((e) => [e.pool, e.supply, e.member("alice")!.wallet])).toEqual(before);
      const sold = await post(`/api/me/positions/${position.id}/sell`, t.alice, { points: "2" });
      expect({ net: sold.body.net, fee: sold.body.fee }).toEqual({
        net: preview.body.net,
        fee: preview.body.fee,
      });
      const bobs = (await get("/api/me/positions", t.bob)).body.items[0];
      expect(
        (await post(`/api/me/positions/${bobs.id}/sell/preview`, t.alice, { points: "1" })).body.error.code,
      ).toBe("unknown_position");
    });

    it("pays a merchant with points: points burned, cash from the pool to the merchant", async () => {
      const position = (await get("/api/me/positions?status=open", t.bob)).body.items[0];
      const before = await engine((e) => ({
        supply: e.supply,
        settlement: e.merchantBalance("bakery")?.settlement ?? 0n,
      }));
      const paid = await post(`/api/me/positions/${position.id}/pay`, t.bob, {
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
        (await post(`/api/me/positions/${position.id}/pay`, t.bob, { amount: "10.00", merchant: "nobody" }))
          .status,
      ).toBe(404);
    });

    it("shows the release schedule", async () => {
      const release = await get("/api/me/release", t.alice);
      expect(release.body).toMatchObject({ health: "20.00", releaseRate: null, projection: [] });
    });

    it("projects the release of locked points with the engine when release is on", async () => {
      const created = await post("/api/tenants", t.operator, {
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
      // Till sales are paid from the merchant's prepaid balance: the operator records a transfer.
      const credit = { amount: "70.00", reference: "REL-1" };
      expect((await post("/api/merchants/shop/prepaid/credits", relOperator, credit)).status).toBe(200);
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
      const over = await post("/api/me/withdrawals", t.alice, { amount: "600.00" });
      expect(over.body.error.code).toBe(
        wallet >= 60000n ? "withdrawal_over_request_limit" : "insufficient_funds",
      );
      expect((await post("/api/me/withdrawals", t.alice, { amount: "1000000.00" })).body.error.code).toBe(
        "insufficient_funds",
      );
      const asked = await post("/api/me/withdrawals", t.alice, { amount: "1.00" });
      expect(asked.status).toBe(201);
      expect(asked.body).toMatchObject({ member: "alice", amount: "1.00", status: "pending" });
      expect(await engine((e) => e.member("alice")!.wallet)).toBe(wallet - 100n);
      const queue = await get("/api/operator/withdrawals?status=pending", t.operator);
      expect(queue.body.items.map((w: Json) => w.id)).toContain(asked.body.id);
      expect((await post(`/api/operator/withdrawals/${asked.body.id}/approve`, t.alice)).status).toBe(403);
      const rejected = await post(`/api/operator/withdrawals/${asked.body.id}/reject`, t.operator);
      expect(rejected.body.status).toBe("rejected");
      expect(await engine((e) => e.member("alice")!.wallet)).toBe(wallet);
      expect(
        (await post(`/api/operator/withdrawals/${asked.body.id}/approve`, t.operator)).body.error.code,
      ).toBe("withdrawal_not_pending");
      expect((await post("/api/operator/withdrawals/9999/approve", t.operator)).status).toBe(404);
      const own = await get("/api/me/withdrawals", t.alice);
      expect(own.body.items.every((w: Json) => w.member === "alice")).toBe(true);
    });
  });
}

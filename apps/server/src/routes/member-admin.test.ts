/**
 * Member administration on both stores: search by part of a username or phone, one member's page
 * against the engine, and freezing: a frozen member's orders, sales to it, sells and withdrawals are
 * refused with member_frozen and write nothing; unfrozen, it acts again.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  call,
  type DemoSuite,
  newKey,
  newMember,
  openDemoSuite,
  requests,
  STORES,
} from "../testing/helpers.js";

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

for (const store of STORES) {
  describe.runIf(store.available)(`member administration on ${store.kind}`, () => {
    let t: DemoSuite;
    const { get, post, engine } = requests(
      () => t.app,
      () => t.ledger,
    );
    const put = async (url: string, token: string, body: unknown) => {
      const r = await call(t.app, "PUT", url, { token, body, key: newKey() });
      return { status: r.statusCode, body: r.json() as Json };
    };
    beforeAll(async () => {
      t = await openDemoSuite(store.kind);
    });
    afterAll(async () => {
      await t?.close();
    });

    it("finds members by part of the username or phone, in pages", async () => {
      const set = await put("/api/operator/members/alice", t.operator, { phone: "+8613800138000" });
      expect(set).toMatchObject({
        status: 200,
        body: { id: "alice", phone: "+8613800138000", frozen: false },
      });
      const byName = await get("/api/operator/members?q=lic", t.operator);
      expect(byName.body.items.map((m: Json) => m.id)).toEqual(["alice"]);
      const byPhone = await get("/api/operator/members?q=0013800", t.operator);
      expect(byPhone.body.items.map((m: Json) => m.id)).toEqual(["alice"]);
      expect((await get("/api/operator/members?q=%25", t.operator)).body.items).toEqual([]);
      const all = (await get("/api/operator/members?limit=100", t.operator)).body.items as Json[];
      expect(all.length).toBe(await engine((e) => e.memberCount));
      await newMember(t.app, "pager-one");
      await newMember(t.app, "pager-two");
      const first = await get("/api/operator/members?q=PAGER&limit=1", t.operator);
      expect(first.body.items.map((m: Json) => m.id)).toEqual(["pager-one"]);
      const cursor = first.body.nextCursor as string;
      const second = await get(`/api/operator/members?q=PAGER&limit=1&cursor=${cursor}`, t.operator);
      expect(second.body).toEqual({
        items: [expect.objectContaining({ id: "pager-two" })],
        nextCursor: null,
      });
      const bad = await put("/api/operator/members/alice", t.operator, { phone: "call me" });
      expect(bad.body.error).toMatchObject({ code: "invalid_field", field: "phone" });
      expect((await get("/api/operator/members?q=alice", t.teahouse)).status).toBe(403);
    });

    it("shows one member: positions, statement, referrals and health as the engine has them", async () => {
      await newMember(t.app, "admin-invitee", "alice");
      const page = await get("/api/operator/members/alice", t.operator);
      expect(page.status).toBe(200);
      const ids = await engine((e) => e.memberPositions("alice"));
      expect(page.body.positionCount).toBe(ids.length);
      expect(page.body.positions.map((p: Json) => p.id)).toEqual([...ids].reverse().slice(0, 100));
      const value = await engine((e) =>
        ids
          .filter((id) => e.position(id)!.status === "open")
          .reduce((sum, id) => sum + e.positionValue(id)!, 0n),
      );
      expect(page.body.statement.valueHeld.replace(".", "").replace(/^0+(?=\d)/, "")).toBe(String(value));
      expect(page.body.referrals).toContain("admin-invitee");
      expect(page.body.referralCount).toBeGreaterThanOrEqual(1);
      expect(page.body.release.health).toBe(page.body.member.health);
      expect((await get("/api/operator/members/nobody", t.operator)).status).toBe(404);
    });

    it("refuses a frozen member's orders, sales, sells and withdrawals, writing nothing", async () => {
      const frozen = await put("/api/operator/members/bob", t.operator, { frozen: true });
      expect(frozen.body.frozen).toBe(true);
      const before = await engine((e) => ({
        wallet: e.member("bob")!.wallet,
        supply: e.supply,
        pool: e.pool,
      }));
      const position = (await get("/api/me/positions?status=open", t.bob)).body.items[0] as Json;
      const product = (await get("/api/products", t.bob)).body.items[0] as Json;
      const refusals = [
        await post(`/api/me/positions/${position.id}/sell`, t.bob, { points: "1" }),
        await post("/api/me/withdrawals", t.bob, { amount: "1.00" }),
        await post("/api/orders", t.bob, { productId: product.id }),
        await post("/api/sales", t.teahouse, { member: "bob", amount: "10.00" }),
      ];
      for (const refusal of refusals) {
        expect(refusal).toMatchObject({ status: 403, body: { error: { code: "member_frozen" } } });
      }
      expect(
        await engine((e) => ({ wallet: e.member("bob")!.wallet, supply: e.supply, pool: e.pool })),
      ).toEqual(before);
      // Others still act.
      expect((await post("/api/sales", t.teahouse, { member: "alice", amount: "10.00" })).status).toBe(201);
      expect((await get("/api/operator/members?q=bob", t.operator)).body.items[0].frozen).toBe(true);
      expect((await put("/api/operator/members/bob", t.operator, { frozen: false })).body.frozen).toBe(false);
      expect((await post(`/api/me/positions/${position.id}/sell`, t.bob, { points: "1" })).status).toBe(200);
      const audit = (await get("/api/operator/audit", t.operator)).body.items as Json[];
      expect(audit.map((entry) => entry.action)).toEqual(
        expect.arrayContaining(["member.freeze", "member.unfreeze", "member.update"]),
      );
      expect((await put("/api/operator/members/bob", t.teahouse, { frozen: true })).status).toBe(403);
      expect((await put("/api/operator/members/nobody", t.operator, { frozen: true })).status).toBe(404);
    });
  });
}

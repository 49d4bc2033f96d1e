/**
 * Till sales end to end on both stores: the hostile-merchant sequence of issue 12 refused at the first
 * step that is not funded, the member's payment code (one use, short-lived), the receipt, the
 * merchant's prepaid top-up and the operator's bank-transfer credit, and a same-day void.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkInvariants } from "@zengzhi/engine";
import { type DemoSuite, login, newMember, openDemoSuite, requests, STORES } from "../testing/helpers.js";

for (const store of STORES) {
  describe.runIf(store.available)(`till sales on ${store.kind}`, () => {
    let t: DemoSuite;
    const { get, post, engine } = requests(
      () => t.app,
      () => t.ledger,
    );
    const put = async (url: string, token: string, body: unknown) => {
      const { call, newKey } = await import("../testing/helpers.js");
      const r = await call(t.app, "PUT", url, { token, body, key: newKey() });
      return { status: r.statusCode, body: r.json() as Record<string, unknown> };
    };
    beforeAll(async () => {
      t = await openDemoSuite(store.kind);
    });
    afterAll(async () => {
      await t?.close();
    });

    it("refuses the hostile merchant at the first step that is not funded", async () => {
      await post("/api/merchants", t.operator, {
        id: "hostile",
        name: "Hostile shop",
        username: "hostile",
        password: "merchant-demo",
      });
      const hostile = await login(t.app, "hostile", "merchant-demo");
      const friend = await newMember(t.app, "friend");
      const before = await engine((e) => ({ pool: e.pool, supply: e.supply }));
      // Step 1: a product whose split sends 100% to the pool.
      const allToPool = {
        productCost: "0",
        distributionCost: "0",
        platformProfit: "0",
        poolContribution: "1",
      };
      const product = await post("/api/products", hostile, {
        name: "Air",
        price: "10000.00",
        split: allToPool,
      });
      expect(product.status).toBe(422);
      expect(product.body.error.code).toBe("split_out_of_bounds");
      // Step 2: ¥10,000 at the till to a colluding member, confirmed by the member's payment code.
      const code = (await post("/api/me/payment-codes", friend)).body.code as string;
      const sale = await post("/api/sales", hostile, { code, amount: "10000.00" });
      expect(sale.status).toBe(409);
      expect(sale.body.error.code).toBe("prepaid_insufficient");
      expect(await engine((e) => ({ pool: e.pool, supply: e.supply }))).toEqual(before);
      // The refused sale gave the code back; nothing to sell, nothing to withdraw.
      const positions = await get("/api/me/positions", friend);
      expect(positions.body.items).toEqual([]);
    });

    it("sells with a payment code once, shows a receipt and voids the same day", async () => {
      const carol = await login(t.app, "carol");
      const topUp = await post("/api/merchant/prepaid/top-ups", t.teahouse, { amount: "50.00" });
      expect(topUp.status).toBe(201);
      const start = await get("/api/merchants/teahouse/prepaid", t.teahouse);
      expect(start.body.balance).toBe(topUp.body.balance);
      const code = (await post("/api/me/payment-codes", carol)).body.code as string;
      expect(code).toMatch(/^[0-9]{12}$/);
      const sale = await post("/api/sales", t.teahouse, { code, amount: "100.00" });
      expect(sale.status).toBe(201);
      expect(sale.body).toMatchObject({ member: "carol", amount: "100.00", prepaidDebited: "70.00" });
      const balance = (fen: string) => (BigInt(fen.replace(".", "")) - 7000n).toString();
      expect(sale.body.prepaidBalance.replace(".", "")).toBe(balance(start.body.balance));
      const again = await post("/api/sales", t.teahouse, { code, amount: "1.00" });
      expect(again.body.error.code).toBe("payment_code_invalid");
      expect((await post(`/api/sales/${sale.body.position}/void`, t.bakery)).body.error.code).toBe(
        "unknown_sale",
      );
      const voided = await post(`/api/sales/${sale.body.position}/void`, t.teahouse);
      expect(voided.status).toBe(200);
      expect(voided.body.prepaidBalance).toBe(start.body.balance);
      expect(await engine((e) => checkInvariants(e as never))).toEqual([]);
    });

    it("lets only the operator credit a bank transfer and set bounds", async () => {
      const credit = { amount: "1000.00", reference: "BANK-2026-12-03-001" };
      expect((await post("/api/merchants/bakery/prepaid/credits", t.bakery, credit)).status).toBe(403);
      const before = (await get("/api/merchants/bakery/prepaid", t.operator)).body.balance as string;
      const after = await post("/api/merchants/bakery/prepaid/credits", t.operator, credit);
      expect(BigInt(after.body.balance.replace(".", "")) - BigInt(before.replace(".", ""))).toBe(100000n);
      expect((await get("/api/merchants/bakery/prepaid", t.teahouse)).status).toBe(403);
      const bounds = { maxPoolContribution: "0.2", minPlatformProfit: "0.1" };
      const set = await put("/api/merchants/bakery/split-bounds", t.operator, bounds);
      expect(set.body).toMatchObject({ bounds: { maxPoolContribution: "0.200000000" } });
      // The default split (30% to the pool) is now outside the bakery's bounds at the till.
      const code = (await post("/api/me/payment-codes", t.alice)).body.code as string;
      const sale = await post("/api/sales", t.bakery, { code, amount: "10.00" });
      expect(sale.body.error.code).toBe("split_out_of_bounds");
    });
  });
}

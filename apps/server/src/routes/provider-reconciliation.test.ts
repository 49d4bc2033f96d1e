/**
 * Task L against the WeChat Pay fake, on both stores: a merchant's prepaid top-up through the
 * provider is credited once however often the notification comes; the merchant's own tip-point buy
 * is paid from that balance and refused, with nothing written, when the balance is short; and the
 * provider's statement is matched line by line: a clean day has no mismatch, an altered, a missing
 * and an extra provider line each appear with their kind, and a re-run replaces the date's result.
 */
import { randomBytes } from "node:crypto";
import { WechatPayFake } from "@zengzhi/payments/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { login, openTestApp, requests, STORES, type TestApp } from "../testing/helpers.js";

const PORTS = { pglite: 42010, postgres: 42011 } as const;

const fen = (yuan: string) => BigInt(Math.round(Number(yuan) * 100));

for (const store of STORES) {
  describe.runIf(store.available)(`top-ups, tip buys and provider reconciliation on ${store.kind}`, () => {
    let t: TestApp;
    let fake: WechatPayFake;
    let operator: string;
    let teahouse: string;
    let bob: string;
    let productId: string;
    const { get, post, engine } = requests(
      () => t.app,
      () => t.ledger,
    );
    const publicUrl = `http://127.0.0.1:${PORTS[store.kind]}`;
    const prepaid = async () =>
      (await get("/api/merchants/teahouse/prepaid", teahouse)).body.balance as string;

    beforeAll(async () => {
      fake = await new WechatPayFake().start();
      t = await openTestApp(store.kind, {
        secretsKey: `k1:${randomBytes(32).toString("base64")}`,
        publicUrl,
        paymentEndpoints: { wechat: fake.baseUrl },
      });
      await t.app.listen({ port: PORTS[store.kind], host: "127.0.0.1" });
      [operator, teahouse, bob] = [
        await login(t.app, "operator"),
        await login(t.app, "teahouse"),
        await login(t.app, "bob"),
      ];
      const c = fake.credentials();
      const [platformKeyId, platformPublicKey] = Object.entries(c.platformKeys)[0] ?? ["", ""];
      const stored = await post("/api/operator/payment-settings/wechat", operator, {
        mchid: c.mchid,
        appid: c.appid,
        merchantSerial: c.merchantSerial,
        merchantPrivateKey: c.merchantPrivateKey,
        apiV3Key: c.apiV3Key,
        platformKeyId,
        platformPublicKey,
      });
      expect(stored.status).toBe(200);
      productId = (await post("/api/products", teahouse, { name: "茶", price: "12.34" })).body.id;
    });
    afterAll(async () => {
      await t?.close();
      await fake?.stop();
    });

    async function topUp(amount: string) {
      const started = await post("/api/merchant/prepaid/top-up-payments", teahouse, {
        amount,
        method: "wechat_native",
      });
      expect(started.status).toBe(201);
      expect(started.body.action).toMatchObject({
        kind: "qr",
        codeUrl: expect.stringMatching(/^weixin:\/\//),
      });
      const reference = started.body.topUp.reference as string;
      expect(fake.orders.get(reference)).toMatchObject({
        total: Number(fen(amount)),
        notify_url: `${publicUrl}/api/payments/wechat/demo/top-up-notify`,
      });
      return reference;
    }

    async function paidOrder() {
      const order = (await post("/api/orders", bob, { productId })).body;
      expect((await post(`/api/orders/${order.id}/payment`, bob, { method: "wechat_native" })).status).toBe(
        200,
      );
      const reference = [...fake.orders.keys()].at(-1) ?? "";
      expect((await fake.pay(reference)).status).toBe(200);
      return reference;
    }

    it("a top-up is credited once, however many notifications say it was paid", async () => {
      const before = fen(await prepaid());
      const reference = await topUp("100.00");
      expect((await get(`/api/merchant/prepaid/top-up-payments/${reference}`, teahouse)).body.status).toBe(
        "pending",
      );
      const paid = await fake.pay(reference);
      expect(paid.status).toBe(200);
      expect(fen(await prepaid())).toBe(before + 10000n);
      const accounts = await engine((e) => ({ ...e.accounts }));
      const url = `${publicUrl}/api/payments/wechat/demo/top-up-notify`;
      expect(await fake.send(url, paid.body)).toBe(200);
      expect(await fake.send(url, paid.body)).toBe(200);
      expect(await engine((e) => ({ ...e.accounts }))).toEqual(accounts);
      const item = (await get(`/api/merchant/prepaid/top-up-payments/${reference}`, teahouse)).body;
      expect(item).toMatchObject({ reference, status: "credited", amount: "100.00" });
      expect(fen(await prepaid())).toBe(before + 10000n);
      const listed = (await get("/api/merchant/prepaid/top-up-payments", teahouse)).body.items;
      expect(listed[0]).toMatchObject({ reference, status: "credited" });
    });

    it("a forged or wrong-amount top-up notification answers 400 and credits nothing", async () => {
      const reference = await topUp("5.00");
      const before = await engine((e) => ({ ...e.accounts }));
      const url = `${publicUrl}/api/payments/wechat/demo/top-up-notify`;
      const resource = {
        appid: fake.appid,
        mchid: fake.mchid,
        out_trade_no: reference,
        transaction_id: "4200000077",
        trade_type: "NATIVE",
        trade_state: "SUCCESS",
        success_time: "2026-12-03T10:00:00+08:00",
        payer: { openid: "o1" },
        amount: { total: 50000, payer_total: 50000, currency: "CNY" },
      };
      const wrongAmount = fake.notificationOf("TRANSACTION.SUCCESS", resource, {
        originalType: "transaction",
      });
      expect(await fake.send(url, wrongAmount)).toBe(400);
      expect(await fake.send(url, wrongAmount, fake.signedHeaders("forged"))).toBe(400);
      expect(await engine((e) => ({ ...e.accounts }))).toEqual(before);
      // A lost notification: following the top-up queries the provider, which credits it once.
      const order = fake.orders.get(reference)!;
      order.trade_state = "SUCCESS";
      order.transaction_id = "4200000078";
      order.success_time = new Date().toISOString().replace(/\.\d{3}Z$/, "+00:00");
      const followed = await get(`/api/merchant/prepaid/top-up-payments/${reference}`, teahouse);
      expect(followed.body.status).toBe("credited");
      expect((await engine((e) => ({ ...e.accounts }))).prepaidIn - before.prepaidIn).toBe(500n);
    });

    it("the merchant buys tip points from its prepaid balance; a short balance is refused, nothing written", async () => {
      const balance = await prepaid();
      const before = await engine((e) => ({ ...e.accounts }));
      const points = (await get("/api/merchant/settlement", teahouse)).body.points as string;
      const tooMuch =
        ((fen(balance) + 1n) / 100n).toString() +
        "." +
        ((fen(balance) + 1n) % 100n).toString().padStart(2, "0");
      const refused = await post("/api/merchant/tips/buy", teahouse, { amount: tooMuch });
      expect(refused).toMatchObject({ status: 409, body: { error: { code: "prepaid_insufficient" } } });
      expect(await engine((e) => ({ ...e.accounts }))).toEqual(before);
      expect(await prepaid()).toBe(balance);
      const bought = await post("/api/merchant/tips/buy", teahouse, { amount: "30.00" });
      expect(bought.status).toBe(200);
      expect(fen(bought.body.prepaid)).toBe(fen(balance) - 3000n);
      expect(Number(bought.body.tipPoints)).toBeGreaterThan(Number(points));
      const after = await engine((e) => ({ ...e.accounts }));
      expect(after.pool - before.pool).toBe(3000n);
      expect(after.paidByMerchants).toBe(before.paidByMerchants);
      expect((await get("/api/merchant/settlement", teahouse)).body.points).toBe(bought.body.tipPoints);
    });

    it("a clean day matches; an altered, a missing and an extra provider line each appear as a mismatch", async () => {
      const today = new Date(t.services.now()).toLocaleDateString("sv-SE", { timeZone: "Asia/Shanghai" });
      await paidOrder();
      const clean = await post("/api/operator/provider-reconciliations", operator, { date: today });
      expect(clean.status).toBe(200);
      expect(clean.body.items[0]).toMatchObject({
        date: today,
        provider: "wechat",
        status: "matched",
        mismatches: [],
      });
      expect(clean.body.items[0].providerLines).toBeGreaterThanOrEqual(3);

      const altered = await paidOrder();
      const missing = await paidOrder();
      fake.orders.get(altered)!.total += 1;
      fake.orders.delete(missing);
      fake.orders.set("Zextra1", {
        out_trade_no: "Zextra1",
        transaction_id: "4200999999",
        trade_type: "NATIVE",
        trade_state: "SUCCESS",
        total: 777,
        notify_url: "",
        description: "x",
        success_time: "2026-12-03T10:00:00+08:00",
      });
      const run = async () =>
        (await post("/api/operator/provider-reconciliations", operator, { date: today })).body;
      const first = await run();
      const day = first.items.find((item: { date: string }) => item.date === today);
      expect(day.status).toBe("mismatched");
      const kinds = day.mismatches.map((m: { kind: string; reference: string }) => [m.kind, m.reference]);
      expect(kinds).toEqual(
        expect.arrayContaining([
          ["amount_differs", altered],
          ["missing_in_ledger", "Zextra1"],
          ["missing_at_provider", missing],
        ]),
      );
      expect(day.mismatches).toHaveLength(3);
      expect(day.mismatches.find((m: { kind: string }) => m.kind === "amount_differs")).toMatchObject({
        source: "order_payments",
        ledgerAmount: "12.34",
        providerAmount: "12.35",
      });
      // Idempotent per date and provider: a re-run replaces the result, it does not add to it.
      const again = await run();
      expect(again.items.filter((item: { date: string }) => item.date === today)).toHaveLength(1);
      expect((await get("/api/operator/provider-reconciliations", operator)).body).toEqual(again);
      const refused = await get("/api/operator/provider-reconciliations", teahouse);
      expect(refused.status).toBe(403);
    });
  });
}

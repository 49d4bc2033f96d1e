/**
 * Paying an order through WeChat Pay end to end, on both stores: the service listens on 127.0.0.1,
 * the local WeChat Pay fake receives the signed order and later posts its signed, encrypted
 * notification to the service; the order is paid exactly once, and forged, altered or wrong-amount
 * notifications change nothing; a payment for a cancelled order is refunded.
 */
import { randomBytes } from "node:crypto";
import { WechatPayFake } from "@zengzhi/payments/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { insertIdentity } from "../db/sign-in.js";
import { login, openTestApp, requests, STORES, type TestApp } from "../testing/helpers.js";

const PORTS = { pglite: 41610, postgres: 41611 } as const;

for (const store of STORES) {
  describe.runIf(store.available)(`paying through WeChat Pay on ${store.kind}`, () => {
    let t: TestApp;
    let fake: WechatPayFake;
    let operator: string;
    let bob: string;
    let productId: string;
    const { get, post, engine } = requests(
      () => t.app,
      () => t.ledger,
    );
    const publicUrl = `http://127.0.0.1:${PORTS[store.kind]}`;

    beforeAll(async () => {
      fake = await new WechatPayFake().start();
      t = await openTestApp(store.kind, {
        secretsKey: `k1:${randomBytes(32).toString("base64")}`,
        publicUrl,
        paymentEndpoints: { wechat: fake.baseUrl },
      });
      await t.app.listen({ port: PORTS[store.kind], host: "127.0.0.1" });
      [operator, bob] = [await login(t.app, "operator"), await login(t.app, "bob")];
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
      const teahouse = await login(t.app, "teahouse");
      productId = (await post("/api/products", teahouse, { name: "茶", price: "12.34" })).body.id;
    });
    afterAll(async () => {
      await t?.close();
      await fake?.stop();
    });

    async function newOrder() {
      const order = (await post("/api/orders", bob, { productId })).body;
      const paying = await post(`/api/orders/${order.id}/payment`, bob, { method: "wechat_native" });
      expect(paying.status).toBe(200);
      expect(paying.body.action).toMatchObject({
        kind: "qr",
        codeUrl: expect.stringMatching(/^weixin:\/\//),
      });
      const reference = [...fake.orders.keys()].at(-1) ?? "";
      expect(fake.orders.get(reference)).toMatchObject({
        total: 1234,
        notify_url: `${publicUrl}/api/payments/wechat/demo/notify`,
      });
      return { id: order.id as number, reference };
    }

    it("the member pays: the notification marks the order paid once; a re-send changes nothing", async () => {
      const { id, reference } = await newOrder();
      expect((await get(`/api/orders/${id}`, bob)).body.status).toBe("created");
      const paid = await fake.pay(reference);
      expect(paid.status).toBe(200);
      expect((await get(`/api/orders/${id}`, bob)).body.status).not.toBe("created");
      const held = await engine((e) => e.onlineOrder(id));
      expect(held).toBeDefined();
      const before = await engine((e) => ({ ...e.accounts }));
      expect(await fake.send(`${publicUrl}/api/payments/wechat/demo/notify`, paid.body)).toBe(200);
      expect(await engine((e) => ({ ...e.accounts }))).toEqual(before);
    });

    it("forged, altered and wrong-amount notifications answer 400 and change nothing", async () => {
      const { id, reference } = await newOrder();
      const url = `${publicUrl}/api/payments/wechat/demo/notify`;
      const order = fake.orders.get(reference)!;
      const resource = {
        appid: fake.appid,
        mchid: fake.mchid,
        out_trade_no: reference,
        transaction_id: "4200000009",
        trade_type: "NATIVE",
        trade_state: "SUCCESS",
        success_time: "2026-12-03T10:00:00+08:00",
        payer: { openid: "o1" },
        amount: { total: order.total, payer_total: order.total, currency: "CNY" },
      };
      const genuine = fake.notificationOf("TRANSACTION.SUCCESS", resource, { originalType: "transaction" });
      const before = await engine((e) => ({ ...e.accounts }));
      expect(
        await fake.send(url, genuine, {
          ...fake.signedHeaders(genuine),
          "Wechatpay-Signature": fake.signedHeaders("x")["Wechatpay-Signature"] ?? "",
        }),
      ).toBe(400);
      expect(
        await fake.send(url, genuine.replace("支付成功", "支付成功!"), fake.signedHeaders(genuine)),
      ).toBe(400);
      const cheaper = fake.notificationOf(
        "TRANSACTION.SUCCESS",
        { ...resource, amount: { total: 1, payer_total: 1, currency: "CNY" } },
        { originalType: "transaction" },
      );
      expect(await fake.send(url, cheaper)).toBe(400);
      const stale = fake.signedHeaders(genuine, { timestamp: Math.floor(Date.now() / 1000) - 400 });
      expect(await fake.send(url, genuine, stale)).toBe(400);
      expect((await get(`/api/orders/${id}`, bob)).body.status).toBe("created");
      expect(await engine((e) => ({ ...e.accounts }))).toEqual(before);
    });

    it("paid after the member cancelled: refunded at the provider, the order stays cancelled", async () => {
      const { id, reference } = await newOrder();
      expect((await post(`/api/orders/${id}/refund`, bob)).body.status).toBe("cancelled");
      expect((await fake.pay(reference)).status).toBe(200);
      expect((await get(`/api/orders/${id}`, bob)).body.status).toBe("cancelled");
      expect(fake.refunds.get(`R${reference}`)).toMatchObject({ out_trade_no: reference, refund: 1234 });
    });

    it("a method the scheme has not set up answers 409", async () => {
      const order = (await post("/api/orders", bob, { productId })).body;
      const answer = await post(`/api/orders/${order.id}/payment`, bob, { method: "alipay_qr" });
      expect(answer).toMatchObject({ status: 409, body: { error: { code: "payment_method_unavailable" } } });
    });
    it("inside WeChat: JSAPI pays for the openid bob linked by signing in with WeChat, and needs one", async () => {
      const order = (await post("/api/orders", bob, { productId })).body;
      const unlinked = await post(`/api/orders/${order.id}/payment`, bob, { method: "wechat_jsapi" });
      expect(unlinked).toMatchObject({
        status: 409,
        body: { error: { code: "payment_method_unavailable" } },
      });
      const { rows } = await t.services.sql.query<{ user_id: string }>(
        "SELECT user_id FROM app_users WHERE tenant_id = 'demo' AND member_id = 'bob'",
      );
      await insertIdentity(t.services.sql, {
        tenant: "demo",
        user_id: rows[0]!.user_id,
        app: "official",
        appid: fake.credentials().appid,
        openid: "oBobLinked0000000000000000001",
        nickname: null,
      });
      const paying = await post(`/api/orders/${order.id}/payment`, bob, { method: "wechat_jsapi" });
      expect(paying.status).toBe(200);
      expect(paying.body.action).toMatchObject({ kind: "jsapi" });
      const reference = [...fake.orders.keys()].at(-1) ?? "";
      expect(fake.orders.get(reference)).toMatchObject({ openid: "oBobLinked0000000000000000001" });
    });
  });
}

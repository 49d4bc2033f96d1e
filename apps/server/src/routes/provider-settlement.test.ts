/**
 * Issue 12 on both stores, end to end through real HTTP against the local fakes: Alipay's form-encoded
 * notification (answered `success` only when handled; forged, altered, stale, wrong-amount and
 * wrong-merchant ones answer `fail` and change nothing), settling by query when no notification
 * comes (the waiting page's poll and the background sweep; notification and query in either order
 * pay once), and refunds of provider-paid orders through the provider, applied once.
 */
import { randomBytes } from "node:crypto";
import { AlipayFake, WechatPayFake } from "@zengzhi/payments/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sweepProviderPayments } from "../domain/payment-query.js";
import { login, openTestApp, requests, STORES, type TestApp } from "../testing/helpers.js";

const PORTS = { pglite: 41710, postgres: 41711 } as const;

for (const store of STORES) {
  describe.runIf(store.available)(`Alipay, settling by query and provider refunds on ${store.kind}`, () => {
    let t: TestApp;
    let alipay: AlipayFake;
    let wechat: WechatPayFake;
    let operator: string;
    let bob: string;
    let productId: string;
    const { get, post, engine } = requests(
      () => t.app,
      () => t.ledger,
    );
    const publicUrl = `http://127.0.0.1:${PORTS[store.kind]}`;
    const alipayUrl = `${publicUrl}/api/payments/alipay/demo/notify`;
    const wechatUrl = `${publicUrl}/api/payments/wechat/demo/notify`;

    beforeAll(async () => {
      alipay = await new AlipayFake().start();
      wechat = await new WechatPayFake().start();
      t = await openTestApp(store.kind, {
        secretsKey: `k1:${randomBytes(32).toString("base64")}`,
        publicUrl,
        paymentEndpoints: { alipay: alipay.credentials().gateway, wechat: wechat.baseUrl },
      });
      await t.app.listen({ port: PORTS[store.kind], host: "127.0.0.1" });
      [operator, bob] = [await login(t.app, "operator"), await login(t.app, "bob")];
      const a = alipay.credentials();
      const storedAlipay = await post("/api/operator/payment-settings/alipay", operator, {
        appId: a.appId,
        appPrivateKey: a.appPrivateKey,
        alipayPublicKey: a.alipayPublicKey,
        sellerId: a.sellerId,
      });
      expect(storedAlipay.status).toBe(200);
      const c = wechat.credentials();
      const [platformKeyId, platformPublicKey] = Object.entries(c.platformKeys)[0] ?? ["", ""];
      const storedWechat = await post("/api/operator/payment-settings/wechat", operator, {
        mchid: c.mchid,
        appid: c.appid,
        merchantSerial: c.merchantSerial,
        merchantPrivateKey: c.merchantPrivateKey,
        apiV3Key: c.apiV3Key,
        platformKeyId,
        platformPublicKey,
      });
      expect(storedWechat.status).toBe(200);
      // Paid orders wait two days before they settle, so a paid order can be refunded.
      const rules = { withdrawalMaxPerRequest: "500.00", refundWindowDays: 2 };
      expect((await post("/api/rules", operator, { rules })).status).toBe(201);
      const teahouse = await login(t.app, "teahouse");
      productId = (await post("/api/products", teahouse, { name: "茶", price: "12.34" })).body.id;
    });
    afterAll(async () => {
      await t?.close();
      await alipay?.stop();
      await wechat?.stop();
    });

    async function newOrder(method: "alipay_qr" | "alipay_wap" | "wechat_native") {
      const order = (await post("/api/orders", bob, { productId })).body;
      const paying = await post(`/api/orders/${order.id}/payment`, bob, { method });
      expect(paying.status).toBe(200);
      // wap: the order exists at Alipay once the member's browser opens the signed cashier URL.
      if (paying.body.action.kind === "redirect")
        expect((await fetch(paying.body.action.url)).status).toBe(200);
      const orders = method === "wechat_native" ? wechat.orders : alipay.orders;
      const reference = [...orders.keys()].at(-1) ?? "";
      return { id: order.id as number, reference };
    }

    const status = async (id: number) => (await get(`/api/orders/${id}`, bob)).body.status as string;

    /** The fake's buyer pays, but the notification is lost on the way. */
    function payQuietly(provider: "alipay" | "wechat", reference: string) {
      if (provider === "alipay") {
        const order = alipay.orders.get(reference)!;
        Object.assign(order, {
          trade_status: "TRADE_SUCCESS",
          trade_no: `2026120322001${reference.slice(-8)}`,
        });
        return order;
      }
      const order = wechat.orders.get(reference)!;
      Object.assign(order, { trade_state: "SUCCESS", transaction_id: `42000${reference.slice(-8)}` });
      return order;
    }

    it("Alipay: the QR order carries our notify URL; the notification answers `success` and pays once", async () => {
      const { id, reference } = await newOrder("alipay_qr");
      expect(alipay.orders.get(reference)).toMatchObject({ total_amount: "12.34", notify_url: alipayUrl });
      const paid = await alipay.pay(reference);
      expect(paid).toMatchObject({ status: 200, body: "success" });
      expect(await status(id)).not.toBe("created");
      const before = await engine((e) => ({ ...e.accounts }));
      expect(await alipay.send(alipayUrl, paid.fields)).toMatchObject({ status: 200, body: "success" });
      expect(await engine((e) => ({ ...e.accounts }))).toEqual(before);
    });

    it("Alipay: forged, altered, stale, wrong-amount, wrong app_id and wrong seller answer `fail` and change nothing", async () => {
      const { id, reference } = await newOrder("alipay_qr");
      const order = payQuietly("alipay", reference);
      // The quiet payment must not be found by a query in this test: the order is looked at directly.
      const genuine = alipay.notificationOf(order);
      const before = await engine((e) => ({ ...e.accounts }));
      const refused = [
        { ...genuine, sign: alipay.notificationOf(order, { total_amount: "0.01" }).sign! },
        { ...genuine, total_amount: "0.01" },
        alipay.notificationOf(order, { notify_time: "2026-01-01 00:00:00" }),
        alipay.notificationOf(order, { total_amount: "1.00" }),
        alipay.notificationOf(order, { app_id: "2021000000009999" }),
        alipay.notificationOf(order, { seller_id: "2088000000009999" }),
        alipay.notificationOf(order, { out_trade_no: "Z1T000000000000" }),
        Object.fromEntries(Object.entries(genuine).filter(([key]) => key !== "sign")),
      ];
      for (const fields of refused)
        expect(await alipay.send(alipayUrl, fields)).toEqual({ status: 200, body: "fail" });
      expect((await get(`/api/orders/${id}`, bob)).body.status).toBe("created");
      expect(await engine((e) => ({ ...e.accounts }))).toEqual(before);
      // The genuine one still goes through afterwards.
      expect(await alipay.send(alipayUrl, genuine)).toEqual({ status: 200, body: "success" });
      expect(await status(id)).not.toBe("created");
    });

    it("Alipay: a JSON or empty body is refused with `fail`", async () => {
      const json = await fetch(alipayUrl, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: "{}",
      });
      expect([json.status, await json.text()]).toEqual([200, "fail"]);
      const unknown = await alipay.send(`${publicUrl}/api/payments/alipay/nosuch/notify`, { a: "b" });
      expect(unknown).toEqual({ status: 200, body: "fail" });
    });

    it("Alipay: paid after the member cancelled: refunded at Alipay, the order stays cancelled", async () => {
      const { id, reference } = await newOrder("alipay_wap");
      expect(alipay.orders.get(reference)).toMatchObject({ total_amount: "12.34", notify_url: alipayUrl });
      expect((await post(`/api/orders/${id}/refund`, bob)).body.status).toBe("cancelled");
      expect((await alipay.pay(reference)).body).toBe("success");
      expect(await status(id)).toBe("cancelled");
      expect(alipay.orders.get(reference)!.refunded).toEqual(new Map([[`R${reference}`, "12.34"]]));
      const payment = await get(`/api/orders/${id}/payment`, bob);
      expect(payment.body).toMatchObject({ paid: false, refund: { provider: "alipay", state: "succeeded" } });
    });

    for (const provider of ["alipay", "wechat"] as const) {
      const method = provider === "alipay" ? "alipay_qr" : "wechat_native";

      it(`${provider}: no notification: the waiting page's poll settles by query; the late notification changes nothing`, async () => {
        const { id, reference } = await newOrder(method);
        expect((await get(`/api/orders/${id}/payment`, bob)).body).toMatchObject({
          paid: false,
          attempt: { provider, method },
        });
        const order = payQuietly(provider, reference);
        const polled = await get(`/api/orders/${id}/payment`, bob);
        expect(polled.body).toMatchObject({ paid: true, order: { id } });
        const after = await engine((e) => ({ ...e.accounts }));
        const late =
          provider === "alipay"
            ? (await alipay.send(alipayUrl, alipay.notificationOf(order as never))).status
            : await wechat.send(
                wechatUrl,
                wechat.notificationOf(
                  "TRANSACTION.SUCCESS",
                  {
                    appid: wechat.appid,
                    mchid: wechat.mchid,
                    out_trade_no: reference,
                    transaction_id: (order as { transaction_id: string }).transaction_id,
                    trade_type: "NATIVE",
                    trade_state: "SUCCESS",
                    success_time: "2026-12-03T10:00:00+08:00",
                    payer: { openid: "o1" },
                    amount: { total: 1234, payer_total: 1234, currency: "CNY" },
                  },
                  { originalType: "transaction" },
                ),
              );
        expect(late).toBe(200);
        expect((await get(`/api/orders/${id}/payment`, bob)).body).toMatchObject({ paid: true });
        expect(await engine((e) => ({ ...e.accounts }))).toEqual(after);
      });

      it(`${provider}: the notification first, then the poll and the sweep change nothing`, async () => {
        const { id, reference } = await newOrder(method);
        const paid =
          provider === "alipay" ? (await alipay.pay(reference)).status : (await wechat.pay(reference)).status;
        expect(paid).toBe(200);
        const after = await engine((e) => ({ ...e.accounts }));
        expect((await get(`/api/orders/${id}/payment`, bob)).body).toMatchObject({ paid: true });
        await sweepProviderPayments(t.services, "demo", 0);
        expect(await engine((e) => ({ ...e.accounts }))).toEqual(after);
      });

      it(`${provider}: the background sweep settles an attempt no one polls, once`, async () => {
        const { id, reference } = await newOrder(method);
        payQuietly(provider, reference);
        // Younger than the sweep's age: left alone.
        await sweepProviderPayments(t.services, "demo", 3600);
        expect(await status(id)).toBe("created");
        const swept = await sweepProviderPayments(t.services, "demo", 0);
        expect(swept.payments).toBeGreaterThanOrEqual(1);
        expect(await status(id)).not.toBe("created");
        const after = await engine((e) => ({ ...e.accounts }));
        expect((await sweepProviderPayments(t.services, "demo", 0)).payments).toBe(0);
        expect(await engine((e) => ({ ...e.accounts }))).toEqual(after);
      });
    }

    it("Alipay refund: the operator refunds a paid order; Alipay's synchronous answer finishes it; a repeat refunds nothing more", async () => {
      const { id, reference } = await newOrder("alipay_qr");
      await alipay.pay(reference);
      const refunded = await post(`/api/orders/${id}/refund`, operator);
      expect(refunded.body.status).toBe("refunded");
      expect(alipay.orders.get(reference)!.refunded).toEqual(new Map([[`R${reference}`, "12.34"]]));
      expect((await get(`/api/orders/${id}/payment`, operator)).body.refund).toEqual({
        provider: "alipay",
        state: "succeeded",
      });
      const afterRefund = await engine((e) => ({ ...e.accounts }));
      expect(await engine((e) => e.onlineOrder(id)?.status)).toBe("refunded");
      expect((await post(`/api/orders/${id}/refund`, operator)).body.status).toBe("refunded");
      expect(alipay.orders.get(reference)!.refunded.size).toBe(1);
      expect(await engine((e) => ({ ...e.accounts }))).toEqual(afterRefund);
    });

    it("WeChat refund: pending until REFUND.SUCCESS arrives, applied once; a forged refund notification changes nothing", async () => {
      const { id, reference } = await newOrder("wechat_native");
      await wechat.pay(reference);
      expect((await post(`/api/orders/${id}/refund`, bob)).body.status).toBe("refunded");
      const refund = wechat.refunds.get(`R${reference}`);
      expect(refund).toMatchObject({ out_trade_no: reference, refund: 1234, notify_url: wechatUrl });
      expect((await get(`/api/orders/${id}/payment`, bob)).body.refund).toEqual({
        provider: "wechat",
        state: "pending",
      });
      const forged = wechat.notificationOf(
        "REFUND.SUCCESS",
        {
          mchid: wechat.mchid,
          out_trade_no: reference,
          transaction_id: refund!.transaction_id,
          out_refund_no: `R${reference}`,
          refund_id: "5030",
          refund_status: "SUCCESS",
          amount: { total: 1234, refund: 1, payer_total: 1234, payer_refund: 1 },
        },
        { originalType: "refund" },
      );
      expect(await wechat.send(wechatUrl, forged)).toBe(400);
      expect((await get(`/api/orders/${id}/payment`, bob)).body.refund.state).toBe("pending");
      expect(await wechat.finishRefund(`R${reference}`)).toBe(200);
      expect((await get(`/api/orders/${id}/payment`, bob)).body.refund).toEqual({
        provider: "wechat",
        state: "succeeded",
      });
      const after = await engine((e) => ({ ...e.accounts }));
      expect((await post(`/api/orders/${id}/refund`, bob)).body.status).toBe("refunded");
      const sent = [...wechat.refunds.values()].filter((r) => r.out_trade_no === reference);
      expect(sent.map((r) => r.out_refund_no)).toEqual([`R${reference}`]);
      expect(await engine((e) => ({ ...e.accounts }))).toEqual(after);
    });

    it("WeChat refund without its notification: the sweep's query finishes it", async () => {
      const { id, reference } = await newOrder("wechat_native");
      await wechat.pay(reference);
      await post(`/api/orders/${id}/refund`, bob);
      wechat.refunds.get(`R${reference}`)!.status = "SUCCESS";
      await sweepProviderPayments(t.services, "demo", 0);
      expect((await get(`/api/orders/${id}/payment`, bob)).body.refund).toEqual({
        provider: "wechat",
        state: "succeeded",
      });
    });
  });
}

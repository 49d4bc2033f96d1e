// Alipay end to end against the local fake gateway, through the official alipay-sdk: wap/page pay
// through the fake cashier, precreate (QR), the RSA2 notification, query, refund, transfer and the
// bill URL; bad notifications refused with nothing changed; plus the published notification vector.
import { generateKeyPairSync } from "node:crypto";
import { AlipaySdk } from "alipay-sdk";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { AlipayFake, MemoryMerchant, alipaySignContent, beijingTimeOf } from "../testing/index.js";
import { signSha256Rsa } from "../wechat/crypto.js";
import { epochOfBeijingTime } from "./notification.js";
import { AlipayProvider } from "./provider.js";

// The production notification published in alipay/alipay-sdk-nodejs-all test/alipay.test.ts
// ("verify sign should delete sign_type"), with the Alipay public key it was signed for.
const VECTOR_PUBLIC_KEY =
  "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAqObrdC7hrgAVM98tK0nv3hSQRGGKT4lBsQjHiGjeYZjOPIPHR5knm2jnnz/YGIXIofVHkA/tAlBAd5DrY7YpvI4tP5EONLtZKC2ghBMx7McI2wRD0xiqzxOQr1FuhZGJ8/AUokBzJrzY+aGX2xcOrxFYRlFilvVLTXg4LWjR1tdPkO6+i7wQZAIVMClPkwVRZEbaERRHlKqTzv2gGv5rDU8gRoe1LeaN+6BlbTqHWkQcNCUNrA8C6l17XAXGKDsm/9TFWwO8EPHHHCaQdjtV5/FdcWIt+L8SR1ss7EXTjYDFtxcKVv9rEoY1lX8T4mX+GbXfZHraG5NCF1+XioL5JwIDAQAB";
const VECTOR: Record<string, string> = {
  gmt_create: "2019-08-15 15:56:22",
  charset: "utf-8",
  seller_email: "z97-yuquerevenue@service.aliyun.com",
  subject: "语雀空间 500人规模",
  sign: "QfTb8tqE1BMhS5qAnXtvsF3/jBkEvu9q9en0pdbBUDDjvKycZhQb7h8GDs4FKfi049PynaNuatxSgLb/nLWZpXyyh0LEWdK2S6Ri7nPwrVgOs08zugLO20vOQz44y3ti2Ncm8/wZts1Fr2gZ7pShnVX3d1B50hbsXnObT1r/U8ONNQjWXd0HIul4TG+Q3fm3svmSvFEy0WnzuhcyHPX5Gm4ELNctL6Qd5YniGJFNcc7kopHYtI/XD9YCKCH6Ct02rzUs9i11C9CsadtZn+WhxF26Dqt9sGEFajkJ8cxUTLi8+VCpLHsgPE8P0y095uQcDdK0YjCh4x7wVSov+lrmOQ==",
  buyer_id: "2088102534368455",
  invoice_amount: "0.10",
  notify_id: "2019081500222155624068450559358070",
  fund_bill_list: '[{"amount":"0.10","fundChannel":"ALIPAYACCOUNT"}]',
  notify_type: "trade_status_sync",
  trade_status: "TRADE_SUCCESS",
  receipt_amount: "0.10",
  buyer_pay_amount: "0.10",
  sign_type: "RSA2",
  app_id: "2019073166072302",
  seller_id: "2088531891668739",
  gmt_payment: "2019-08-15 15:56:24",
  notify_time: "2019-08-15 15:56:25",
  version: "1.0",
  out_trade_no: "20190815155618536-564-57",
  total_amount: "0.10",
  trade_no: "2019081522001468450512505578",
  auth_app_id: "2019073166072302",
  buyer_logon_id: "xud***@126.com",
  point_amount: "0.00",
};

describe("the published notification vector", () => {
  const key = `-----BEGIN PUBLIC KEY-----\n${VECTOR_PUBLIC_KEY}\n-----END PUBLIC KEY-----`;
  const appPrivateKey = generateKeyPairSync("rsa", { modulusLength: 2048 })
    .privateKey.export({ format: "pem", type: "pkcs8" })
    .toString();
  const provider = new AlipayProvider({
    gateway: "http://127.0.0.1:9/gateway.do",
    appId: "2019073166072302",
    appPrivateKey,
    alipayPublicKey: key,
    sellerId: "2088531891668739",
  });
  const at = new Date(Date.parse("2019-08-15T15:56:30+08:00"));
  const body = new URLSearchParams(VECTOR).toString();

  it("verifies over the sorted fields without sign and sign_type, and decodes to a paid event", () => {
    const result = provider.verifyNotification({ headers: {}, rawBody: body }, at);
    expect(result).toEqual({
      ok: true,
      notification: {
        notificationId: "2019081500222155624068450559358070",
        event: {
          type: "payment_paid",
          reference: "20190815155618536-564-57",
          providerReference: "2019081522001468450512505578",
          amountFen: 10n,
          paidAt: "2019-08-15 15:56:24",
        },
      },
    });
  });

  it("fails when any field changes, and a day and more later it is stale", () => {
    const altered = new URLSearchParams({ ...VECTOR, total_amount: "0.01" }).toString();
    expect(provider.verifyNotification({ headers: {}, rawBody: altered }, at)).toEqual({
      ok: false,
      rejection: "notification_signature_invalid",
    });
    const later = new Date(at.getTime() + 27 * 3600_000);
    expect(provider.verifyNotification({ headers: {}, rawBody: body }, later)).toEqual({
      ok: false,
      rejection: "notification_stale",
    });
  });

  it("the sign text excludes sign and sign_type (the SDK agrees)", () => {
    const sdk = new AlipaySdk({ appId: "x", privateKey: appPrivateKey, alipayPublicKey: key });
    expect(sdk.checkNotifySignV2(VECTOR)).toBe(true);
    expect(alipaySignContent(VECTOR, ["sign", "sign_type"])).toMatch(
      /^app_id=2019073166072302&auth_app_id=.*&version=1\.0$/,
    );
  });
});

describe("against the fake gateway", () => {
  let fake: AlipayFake;
  let provider: AlipayProvider;
  let merchant: MemoryMerchant;

  beforeEach(async () => {
    fake = await new AlipayFake().start();
    provider = new AlipayProvider(fake.credentials());
    merchant = await new MemoryMerchant(provider).start();
  });

  afterEach(async () => {
    await merchant.stop();
    await fake.stop();
  });

  async function open(
    reference: string,
    amountFen: bigint,
    method: "alipay_wap" | "alipay_page" | "alipay_qr",
  ) {
    merchant.payments.set(reference, { reference, amountFen, state: "open" });
    return provider.createPayment(
      {
        method,
        reference,
        amountFen,
        description: "商品 A/B",
        notifyUrl: merchant.notifyUrl,
        returnUrl: "https://shop.example/wait",
      },
      new Date(),
    );
  }

  it("wap pay: the signed URL opens the cashier; paying notifies and the merchant answers `success`", async () => {
    const action = await open("AW1", 1234n, "alipay_wap");
    if (action.kind !== "redirect") throw new Error("expected a redirect");
    const page = await fetch(action.url);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("¥12.34");
    const paid = await fetch(`${fake.baseUrl}/cashier/pay`, {
      method: "POST",
      body: new URLSearchParams({ out_trade_no: "AW1" }),
      redirect: "manual",
    });
    expect(paid.headers.get("location")).toBe("https://shop.example/wait");
    expect(merchant.payments.get("AW1")).toMatchObject({
      state: "paid",
      providerReference: fake.orders.get("AW1")?.trade_no,
    });
    expect(await provider.queryPayment("AW1")).toMatchObject({ state: "paid", amountFen: 1234n });
  });

  it("page pay uses FAST_INSTANT_TRADE_PAY; a tampered URL is refused by the gateway", async () => {
    const action = await open("AP1", 100n, "alipay_page");
    if (action.kind !== "redirect") throw new Error("expected a redirect");
    const url = new URL(action.url);
    expect(JSON.parse(url.searchParams.get("biz_content") ?? "{}")).toMatchObject({
      product_code: "FAST_INSTANT_TRADE_PAY",
      total_amount: "1.00",
      subject: "商品 A B",
    });
    url.searchParams.set("biz_content", (url.searchParams.get("biz_content") ?? "").replace("1.00", "0.01"));
    const tampered = await fetch(url);
    expect(await tampered.text()).toContain("isv.invalid-signature");
  });

  it("precreate gives a QR code; paying it notifies once; the re-sent notification changes nothing", async () => {
    expect(await open("AQ1", 500n, "alipay_qr")).toEqual({
      kind: "qr",
      codeUrl: expect.stringContaining("AQ1") as unknown,
    });
    const paid = await fake.pay("AQ1");
    expect(paid).toMatchObject({ status: 200, body: "success" });
    const before = merchant.snapshot();
    expect(await fake.send(merchant.notifyUrl, paid.fields)).toMatchObject({ status: 200, body: "success" });
    expect(merchant.snapshot()).toBe(before);
  });

  describe("bad notifications are refused and change nothing", () => {
    async function paidOrder(reference: string) {
      await open(reference, 500n, "alipay_qr");
      const order = fake.orders.get(reference);
      if (!order) throw new Error("no order");
      Object.assign(order, { trade_status: "TRADE_SUCCESS", trade_no: "2025120322001000001" });
      return order;
    }

    async function expectRefused(fields: Record<string, string>, reason: string) {
      const before = merchant.snapshot();
      expect(await fake.send(merchant.notifyUrl, fields)).toMatchObject({ status: 400, body: "fail" });
      expect(merchant.log.at(-1)).toMatchObject({ outcome: "refused", reason });
      expect(merchant.snapshot()).toBe(before);
    }

    it("forged (another key), altered, unsigned", async () => {
      const order = await paidOrder("BF1");
      const genuine = fake.notificationOf(order);
      const forger = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey;
      const forged = signSha256Rsa(alipaySignContent(genuine, ["sign", "sign_type"]), forger);
      await expectRefused({ ...genuine, sign: forged }, "notification_signature_invalid");
      await expectRefused({ ...genuine, buyer_id: "2088000000000009" }, "notification_signature_invalid");
      await expectRefused({ ...genuine, sign_type: "RSA" }, "notification_signature_invalid");
      const { sign: _, ...unsigned } = genuine;
      void _;
      await expectRefused(unsigned, "notification_headers_missing");
    });

    it("stale: a genuine notification sent 27 hours ago (replayed)", async () => {
      const order = await paidOrder("BS1");
      const old = fake.notificationOf(order, {
        notify_time: beijingTimeOf(new Date(Date.now() - 27 * 3600_000)),
      });
      await expectRefused(old, "notification_stale");
    });

    it("wrong amount and wrong merchant (app_id, seller_id)", async () => {
      const order = await paidOrder("BW1");
      await expectRefused(fake.notificationOf(order, { total_amount: "4.99" }), "payment_amount_mismatch");
      await expectRefused(
        fake.notificationOf(order, { app_id: "2021000000000999" }),
        "notification_wrong_merchant",
      );
      await expectRefused(
        fake.notificationOf(order, { seller_id: "2088000000000999" }),
        "notification_wrong_merchant",
      );
    });

    it("paid after cancellation: refunded at once (Alipay refunds synchronously)", async () => {
      const order = await paidOrder("BC1");
      merchant.payments.set("BC1", { reference: "BC1", amountFen: 500n, state: "cancelled" });
      expect(await fake.send(merchant.notifyUrl, fake.notificationOf(order))).toMatchObject({
        status: 200,
        body: "success",
      });
      expect(merchant.refunds.get("RBC1")).toBe("succeeded");
      expect(order.refunded.get("RBC1")).toBe("5.00");
    });
  });

  it("refund, its query, and the same out_request_no twice moves money once", async () => {
    await open("AR1", 1000n, "alipay_qr");
    await fake.pay("AR1");
    const input = { reference: "AR1", refundReference: "ARF1", amountFen: 300n, totalFen: 1000n };
    expect(await provider.refund(input)).toMatchObject({ state: "succeeded", amountFen: 300n });
    expect(await provider.refund(input)).toMatchObject({ state: "pending" });
    expect(fake.orders.get("AR1")?.refunded.size).toBe(1);
    expect(await provider.queryRefund("ARF1", "AR1")).toMatchObject({ state: "succeeded", amountFen: 300n });
  });

  it("transfer to an Alipay account succeeds or fails; query agrees; the bill URL comes back", async () => {
    const ok = await provider.transfer({
      transferReference: "T1",
      amountFen: 2000n,
      payee: { kind: "alipay_logon_id", logonId: "member@example.com", name: "张三" },
      remark: "提现",
    });
    expect(ok).toMatchObject({ state: "succeeded", amountFen: 2000n });
    const failed = await provider.transfer({
      transferReference: "T2",
      amountFen: 2000n,
      payee: { kind: "alipay_logon_id", logonId: fake.failingPayee, name: "李四" },
      remark: "提现",
    });
    expect(failed.state).toBe("failed");
    expect(await provider.queryTransfer("T1")).toMatchObject({ state: "succeeded", amountFen: 2000n });
    expect(await provider.downloadBill("2026-12-02")).toEqual({
      kind: "download_url",
      date: "2026-12-02",
      url: `${fake.baseUrl}/bill/2026-12-02.csv.zip`,
    });
  });

  it("an answer signed with another key is refused by the SDK", async () => {
    const other = generateKeyPairSync("rsa", { modulusLength: 2048 })
      .publicKey.export({ format: "pem", type: "spki" })
      .toString();
    const fooled = new AlipayProvider({ ...fake.credentials(), alipayPublicKey: other });
    await open("AX1", 100n, "alipay_qr");
    await expect(fooled.queryPayment("AX1")).rejects.toThrow(/验签失败/);
  });
});

it("Beijing time parses as UTC+8", () => {
  expect(epochOfBeijingTime("2019-08-15 15:56:25")).toBe(Date.parse("2019-08-15T07:56:25Z") / 1000);
  expect(epochOfBeijingTime("2019-08-15T15:56:25")).toBeUndefined();
});

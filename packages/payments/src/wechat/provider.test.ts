// WeChat Pay end to end against the local fake (real HTTP on 127.0.0.1, generated RSA keys, real
// signatures, real AES-GCM): orders of the three kinds, the paid notification, query, refund and
// its notification, transfer, the trade bill; and every kind of bad notification refused with
// nothing changed.
import { createPublicKey, generateKeyPairSync } from "node:crypto";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { MemoryMerchant, WechatPayFake } from "../testing/index.js";
import { ProviderError } from "../provider.js";
import { messageOf, signSha256Rsa, verifySha256Rsa } from "./crypto.js";
import { WechatPayProvider } from "./provider.js";

let fake: WechatPayFake;
let provider: WechatPayProvider;
let merchant: MemoryMerchant;

beforeEach(async () => {
  fake = await new WechatPayFake().start();
  provider = new WechatPayProvider(fake.credentials());
  merchant = await new MemoryMerchant(provider).start();
});

afterEach(async () => {
  await merchant.stop();
  await fake.stop();
});

async function openOrder(
  reference: string,
  amountFen: bigint,
  method: "wechat_native" | "wechat_h5" | "wechat_jsapi" = "wechat_native",
) {
  merchant.payments.set(reference, { reference, amountFen, state: "open" });
  return provider.createPayment(
    {
      method,
      reference,
      amountFen,
      description: "商品 A",
      notifyUrl: merchant.notifyUrl,
      payerOpenid: "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o",
      payerClientIp: "203.0.113.7",
      returnUrl: "https://shop.example/wait",
    },
    new Date(),
  );
}

describe("orders", () => {
  it("Native gives a weixin:// code_url; H5 a redirect; JSAPI signed cashier parameters", async () => {
    expect(await openOrder("N1", 1000n)).toEqual({
      kind: "qr",
      codeUrl: expect.stringMatching(/^weixin:\/\/wxpay\/bizpayurl\?pr=/),
    });
    const h5 = await openOrder("H1", 1000n, "wechat_h5");
    expect(h5.kind === "redirect" && new URL(h5.url).searchParams.get("redirect_url")).toBe(
      "https://shop.example/wait",
    );
    const jsapi = await openOrder("J1", 1000n, "wechat_jsapi");
    if (jsapi.kind !== "jsapi") throw new Error("expected jsapi");
    const p = jsapi.parameters;
    expect(p.package).toMatch(/^prepay_id=wx/);
    const merchantPublicKey = createPublicKey(provider.client.privateKey);
    const message = messageOf([p.appId, p.timeStamp, p.nonceStr, p.package]);
    expect(verifySha256Rsa(message, p.paySign, merchantPublicKey)).toBe(true);
    expect(p).toMatchObject({
      appId: fake.appid,
      signType: "RSA",
      timeStamp: expect.stringMatching(/^\d{10}$/) as unknown,
    });
    expect(fake.orders.get("J1")?.openid).toBe("oUpF8uMuAJO_M2pxb1Q9zNjWeS6o");
  });

  it("paying sends TRANSACTION.SUCCESS; the merchant marks the order paid once; query agrees", async () => {
    await openOrder("P1", 1999n);
    const paid = await fake.pay("P1");
    expect(paid.status).toBe(204);
    expect(merchant.payments.get("P1")).toMatchObject({
      state: "paid",
      providerReference: fake.orders.get("P1")?.transaction_id,
    });
    expect(await provider.queryPayment("P1")).toMatchObject({ state: "paid", amountFen: 1999n });
    // WeChat re-sends: the same notification again is acknowledged and changes nothing.
    const before = merchant.snapshot();
    expect(await fake.send(merchant.notifyUrl, paid.body)).toBe(204);
    expect(merchant.snapshot()).toBe(before);
    expect(merchant.log.at(-1)?.outcome).toBe("duplicate");
  });

  it("the fake refuses a request signed with another key (401 SIGN_ERROR), the client refuses an unsigned answer", async () => {
    const other = generateKeyPairSync("rsa", { modulusLength: 2048 })
      .privateKey.export({ format: "pem", type: "pkcs8" })
      .toString();
    const forger = new WechatPayProvider({ ...fake.credentials(), merchantPrivateKey: other });
    await expect(forger.queryPayment("X")).rejects.toMatchObject({ code: "SIGN_ERROR" });
    expect(fake.refused).toContain("signature does not verify");
    const wrongPlatform = generateKeyPairSync("rsa", { modulusLength: 2048 })
      .publicKey.export({ format: "pem", type: "spki" })
      .toString();
    const fooled = new WechatPayProvider({
      ...fake.credentials(),
      platformKeys: { [fake.platformSerial]: wrongPlatform },
    });
    await openOrder("S1", 100n);
    await expect(fooled.queryPayment("S1")).rejects.toBeInstanceOf(ProviderError);
  });

  it("a clock five minutes and a second off is refused by the fake", async () => {
    const late = new WechatPayProvider({
      ...fake.credentials(),
      clock: () => new Date(Date.now() - 301_000),
    });
    await expect(late.queryPayment("X")).rejects.toMatchObject({ code: "SIGN_ERROR" });
  });
});

describe("bad notifications are refused and change nothing", () => {
  async function paidNotification(reference: string, amount: number) {
    merchant.payments.set(reference, { reference, amountFen: BigInt(amount), state: "open" });
    await provider.createPayment(
      {
        method: "wechat_native",
        reference,
        amountFen: BigInt(amount),
        description: "x",
        notifyUrl: "http://127.0.0.1:9/unused",
      },
      new Date(),
    );
    const order = fake.orders.get(reference);
    if (!order) throw new Error("no order");
    Object.assign(order, {
      trade_state: "SUCCESS",
      transaction_id: "4200000001",
      success_time: "2026-12-03T10:00:00+08:00",
    });
    return {
      order,
      resource: {
        appid: fake.appid,
        mchid: fake.mchid,
        out_trade_no: reference,
        transaction_id: "4200000001",
        trade_type: "NATIVE",
        trade_state: "SUCCESS",
        success_time: "2026-12-03T10:00:00+08:00",
        payer: { openid: "o1" },
        amount: { total: amount, payer_total: amount, currency: "CNY", payer_currency: "CNY" },
      },
    };
  }

  async function expectRefused(body: string, headers: Record<string, string>, reason: string) {
    const before = merchant.snapshot();
    expect(await fake.send(merchant.notifyUrl, body, headers)).toBe(400);
    expect(merchant.log.at(-1)).toMatchObject({ outcome: "refused", reason });
    expect(merchant.snapshot()).toBe(before);
  }

  it("forged: signed with a key that is not WeChat Pay's", async () => {
    const { resource } = await paidNotification("F1", 500);
    const body = fake.notificationOf("TRANSACTION.SUCCESS", resource, { originalType: "transaction" });
    const forger = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey;
    const headers = fake.signedHeaders(body);
    const signature = signSha256Rsa(
      messageOf([headers["Wechatpay-Timestamp"] ?? "", headers["Wechatpay-Nonce"] ?? "", body]),
      forger,
    );
    await expectRefused(
      body,
      { ...headers, "Wechatpay-Signature": signature },
      "notification_signature_invalid",
    );
    await expectRefused(
      body,
      { ...headers, "Wechatpay-Serial": "PUB_KEY_ID_0000" },
      "notification_signature_invalid",
    );
    await expectRefused(body, { "Content-Type": "application/json" }, "notification_headers_missing");
  });

  it("altered: one byte of the signed body changed", async () => {
    const { resource } = await paidNotification("A1", 500);
    const body = fake.notificationOf("TRANSACTION.SUCCESS", resource, { originalType: "transaction" });
    const headers = fake.signedHeaders(body);
    await expectRefused(body.replace("支付成功", "支付成功 "), headers, "notification_signature_invalid");
  });

  it("stale and replayed: a genuine notification older than five minutes", async () => {
    const { resource } = await paidNotification("T1", 500);
    const body = fake.notificationOf("TRANSACTION.SUCCESS", resource, { originalType: "transaction" });
    const old = Math.floor(Date.now() / 1000) - 301;
    await expectRefused(body, fake.signedHeaders(body, { timestamp: old }), "notification_stale");
    expect(merchant.payments.get("T1")?.state).toBe("open");
  });

  it("wrong amount: a genuine notification for 1 fen less than the order", async () => {
    const { resource } = await paidNotification("W1", 500);
    const body = fake.notificationOf(
      "TRANSACTION.SUCCESS",
      { ...resource, amount: { total: 499, payer_total: 499, currency: "CNY" } },
      { originalType: "transaction" },
    );
    await expectRefused(body, fake.signedHeaders(body), "payment_amount_mismatch");
  });

  it("wrong merchant: another mchid or another appid", async () => {
    const { resource } = await paidNotification("M1", 500);
    for (const other of [{ mchid: "1900000999" }, { appid: "wx0000000000000000" }]) {
      const body = fake.notificationOf(
        "TRANSACTION.SUCCESS",
        { ...resource, ...other },
        { originalType: "transaction" },
      );
      await expectRefused(body, fake.signedHeaders(body), "notification_wrong_merchant");
    }
  });

  it("encrypted with another APIv3 key, or not JSON", async () => {
    const { resource } = await paidNotification("K1", 500);
    const body = fake.notificationOf("TRANSACTION.SUCCESS", resource, {
      originalType: "transaction",
      apiV3Key: "x".repeat(32),
    });
    await expectRefused(body, fake.signedHeaders(body), "notification_decryption_failed");
    await expectRefused("{", fake.signedHeaders("{"), "notification_malformed");
  });

  it("paid after the order was cancelled: the money goes back through a refund", async () => {
    const { resource } = await paidNotification("C1", 700);
    merchant.payments.set("C1", { reference: "C1", amountFen: 700n, state: "cancelled" });
    const body = fake.notificationOf("TRANSACTION.SUCCESS", resource, { originalType: "transaction" });
    expect(await fake.send(merchant.notifyUrl, body)).toBe(204);
    expect(merchant.payments.get("C1")?.state).toBe("cancelled");
    expect(fake.refunds.get("RC1")).toMatchObject({ out_trade_no: "C1", refund: 700, status: "PROCESSING" });
    expect(await fake.finishRefund("RC1")).toBe(204);
    expect(merchant.refunds.get("RC1")).toBe("succeeded");
  });
});

describe("refunds, transfers and the bill", () => {
  it("a refund is pending until REFUND.SUCCESS arrives; queryRefund agrees", async () => {
    await openOrder("R1", 3000n);
    await fake.pay("R1");
    const status = await provider.refund({
      reference: "R1",
      refundReference: "RF1",
      amountFen: 1000n,
      totalFen: 3000n,
      notifyUrl: merchant.notifyUrl,
    });
    expect(status).toMatchObject({ state: "pending", amountFen: 1000n });
    merchant.refunds.set("RF1", "pending");
    expect(await fake.finishRefund("RF1")).toBe(204);
    expect(merchant.refunds.get("RF1")).toBe("succeeded");
    expect(await provider.queryRefund("RF1", "R1")).toMatchObject({ state: "succeeded", amountFen: 1000n });
  });

  it("a transfer waits for the payee's confirmation, then finishes; a failed one reports failed", async () => {
    const payee = { kind: "wechat_openid" as const, openid: "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o" };
    const sent = await provider.transfer({
      transferReference: "X1",
      amountFen: 5000n,
      payee,
      remark: "提现",
      notifyUrl: merchant.notifyUrl,
    });
    expect(sent).toMatchObject({
      state: "waiting_for_payee",
      confirmationPackage: expect.any(String) as unknown,
    });
    expect(await fake.finishTransfer("X1", "SUCCESS")).toBe(204);
    expect(merchant.transfers.get("X1")).toBe("succeeded");
    expect(await provider.queryTransfer("X1")).toMatchObject({ state: "succeeded", amountFen: 5000n });
    await provider.transfer({
      transferReference: "X2",
      amountFen: 100n,
      payee,
      remark: "提现",
      notifyUrl: merchant.notifyUrl,
    });
    await fake.finishTransfer("X2", "FAIL");
    expect(merchant.transfers.get("X2")).toBe("failed");
    expect(await provider.queryTransfer("X2")).toMatchObject({
      state: "failed",
      failureReason: "PAYEE_ACCOUNT_ABNORMAL",
    });
  });

  it("the trade bill lists payments and refunds in fen, checked against its SHA1", async () => {
    await openOrder("B1", 12345n);
    await fake.pay("B1");
    await provider.refund({ reference: "B1", refundReference: "BR1", amountFen: 45n, totalFen: 12345n });
    await fake.finishRefund("BR1");
    const bill = await provider.downloadBill("2026-12-03");
    if (bill.kind !== "lines") throw new Error("expected lines");
    expect(bill.lines).toEqual([
      expect.objectContaining({ kind: "payment", reference: "B1", amountFen: 12345n, state: "SUCCESS" }),
      expect.objectContaining({
        kind: "refund",
        reference: "B1",
        refundReference: "BR1",
        amountFen: 45n,
        state: "SUCCESS",
      }),
    ]);
  });
});

it("verifySha256Rsa never throws on garbage", () => {
  expect(
    verifySha256Rsa("x", "not base64 !!", generateKeyPairSync("rsa", { modulusLength: 1024 }).publicKey),
  ).toBe(false);
});

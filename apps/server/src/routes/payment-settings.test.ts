/**
 * The operator's payment settings end to end on both stores: credentials are checked, sealed at
 * rest (no plaintext in the table), never answered back, open into a working provider (proved
 * against the local fakes), and survive a key rotation with a re-seal.
 */
import { randomBytes } from "node:crypto";
import { AlipayFake, WechatPayFake } from "@zengzhi/payments/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadPaymentProvider, resealPaymentSettings } from "../domain/payment-settings.js";
import { parseKeyRing, sealedKeyId, type KeyRing } from "../domain/secrets.js";
import { login, openTestApp, requests, STORES, type TestApp } from "../testing/helpers.js";

const OLD_KEY = `k1:${randomBytes(32).toString("base64")}`;

function ringOf(value: string): KeyRing {
  const ring = parseKeyRing(value);
  if (typeof ring === "string") throw new Error(ring);
  return ring;
}

for (const store of STORES) {
  describe.runIf(store.available)(`payment settings on ${store.kind}`, () => {
    let t: TestApp;
    let operator: string;
    let wechat: WechatPayFake;
    let alipay: AlipayFake;
    const { get, post } = requests(
      () => t.app,
      () => t.ledger,
    );

    beforeAll(async () => {
      t = await openTestApp(store.kind, { secretsKey: OLD_KEY });
      operator = await login(t.app, "operator");
      wechat = await new WechatPayFake().start();
      alipay = await new AlipayFake().start();
    });
    afterAll(async () => {
      await wechat?.stop();
      await alipay?.stop();
      await t?.close();
    });

    const wechatBody = () => {
      const c = wechat.credentials();
      const [platformKeyId, platformPublicKey] = Object.entries(c.platformKeys)[0] ?? ["", ""];
      return {
        mchid: c.mchid,
        appid: c.appid,
        merchantSerial: c.merchantSerial,
        merchantPrivateKey: c.merchantPrivateKey,
        apiV3Key: c.apiV3Key,
        platformKeyId,
        platformPublicKey,
      };
    };
    const alipayBody = () => {
      const c = alipay.credentials();
      return {
        appId: c.appId,
        appPrivateKey: c.appPrivateKey,
        alipayPublicKey: c.alipayPublicKey,
        sellerId: c.sellerId,
      };
    };

    async function storedText(): Promise<string> {
      const { rows } = await t.services.sql.query<{ sealed: unknown; account_hint: string }>(
        "SELECT sealed, account_hint FROM app_payment_settings WHERE tenant_id = $1",
        ["demo"],
      );
      return JSON.stringify(rows);
    }

    it("refuses keys that do not parse or are the merchant's own, and writes nothing", async () => {
      const bad = await post("/api/operator/payment-settings/wechat", operator, {
        ...wechatBody(),
        merchantPrivateKey: "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----",
      });
      expect(bad).toMatchObject({
        status: 400,
        body: { error: { code: "payment_credentials_invalid", field: "merchantPrivateKey" } },
      });
      const own = await post("/api/operator/payment-settings/wechat", operator, {
        ...wechatBody(),
        platformPublicKey: wechatBody().merchantPrivateKey,
      });
      expect(own.body.error).toMatchObject({
        code: "payment_credentials_invalid",
        field: "platformPublicKey",
      });
      const short = await post("/api/operator/payment-settings/wechat", operator, {
        ...wechatBody(),
        apiV3Key: "short",
      });
      expect(short.body.error).toMatchObject({ field: "apiV3Key" });
      expect(await storedText()).toBe("[]");
      expect(
        (await post("/api/operator/payment-settings/alipay", await login(t.app, "alice"), alipayBody()))
          .status,
      ).toBe(403);
    });

    it("stores sealed credentials and answers only hints", async () => {
      const body = wechatBody();
      const answer = await post("/api/operator/payment-settings/wechat", operator, body);
      expect(answer.status).toBe(200);
      expect(answer.body).toEqual({
        secretsKeyConfigured: true,
        providers: [
          {
            provider: "wechat",
            configured: true,
            accountHint: body.mchid.slice(-4),
            updatedAt: expect.any(String),
          },
          { provider: "alipay", configured: false, accountHint: null, updatedAt: null },
        ],
      });
      expect(
        (await post("/api/operator/payment-settings/alipay", operator, alipayBody())).body.providers[1],
      ).toMatchObject({ configured: true, accountHint: alipayBody().appId.slice(-4) });
      const read = JSON.stringify((await get("/api/operator/payment-settings", operator)).body);
      const stored = await storedText();
      for (const secret of [
        body.apiV3Key,
        body.merchantPrivateKey.split("\n")[1] ?? "x",
        body.mchid,
        alipayBody().appPrivateKey.split("\n")[1] ?? "x",
      ]) {
        expect(read).not.toContain(secret);
        expect(stored).not.toContain(secret);
      }
    });

    it("opens into providers that talk to the providers (the fakes)", async () => {
      const wechatProvider = await loadPaymentProvider(t.services, "demo", {
        provider: "wechat",
        endpoint: wechat.baseUrl,
      });
      const action = await wechatProvider?.createPayment(
        {
          method: "wechat_native",
          reference: `S${store.kind}`,
          amountFen: 100n,
          description: "x",
          notifyUrl: "https://example.com/n",
        },
        new Date(),
      );
      expect(action).toMatchObject({ kind: "qr" });
      const alipayProvider = await loadPaymentProvider(t.services, "demo", {
        provider: "alipay",
        endpoint: alipay.credentials().gateway,
      });
      expect(
        await alipayProvider?.createPayment(
          {
            method: "alipay_qr",
            reference: `A${store.kind}`,
            amountFen: 100n,
            description: "x",
            notifyUrl: "https://example.com/n",
          },
          new Date(),
        ),
      ).toMatchObject({ kind: "qr" });
    });

    it("rotates: a new key first, the old one after; re-seal moves every field once", async () => {
      const rotated = ringOf(`k2:${randomBytes(32).toString("base64")},${OLD_KEY}`);
      expect(await resealPaymentSettings(t.services.sql, rotated, "demo")).toBe(11);
      expect(await resealPaymentSettings(t.services.sql, rotated, "demo")).toBe(0);
      const { rows } = await t.services.sql.query<{ sealed: Record<string, string> }>(
        "SELECT sealed FROM app_payment_settings WHERE tenant_id = $1",
        ["demo"],
      );
      expect(rows.flatMap((row) => Object.values(row.sealed).map(sealedKeyId))).toEqual(Array(11).fill("k2"));
    });
  });
}

describe.runIf(STORES[0]?.available)("without ZENGZHI_SECRETS_KEY", () => {
  it("refuses to store credentials (409) and says so in the settings", async () => {
    const t = await openTestApp("pglite");
    try {
      const operator = await login(t.app, "operator");
      const { get, post } = requests(
        () => t.app,
        () => t.ledger,
      );
      const fake = await new AlipayFake().start();
      const c = fake.credentials();
      const answer = await post("/api/operator/payment-settings/alipay", operator, {
        appId: c.appId,
        appPrivateKey: c.appPrivateKey,
        alipayPublicKey: c.alipayPublicKey,
      });
      await fake.stop();
      expect(answer).toMatchObject({ status: 409, body: { error: { code: "secrets_key_not_configured" } } });
      expect((await get("/api/operator/payment-settings", operator)).body.secretsKeyConfigured).toBe(false);
    } finally {
      await t.close();
    }
  });
});

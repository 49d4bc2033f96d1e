// The WeChat Pay cryptography against every published test vector we could find (sources in
// /docs/PAYMENTS.md and the payments reference): AES-GCM (V1, V2, V5), a complete signed and
// encrypted notification (V3) and an RSA signature (V4); plus the documented message formats.
import { createHash, createPublicKey, generateKeyPairSync } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  authorizationOf,
  checkSignedMessage,
  decryptResource,
  encryptResource,
  messageOf,
  paySignOf,
  parseAuthorization,
  signSha256Rsa,
  verifySha256Rsa,
} from "./crypto.js";

// V3/V4: the self-signed test certificate and its PKCS#8 key from wechatpay-apiv3/wechatpay-go
// (core/notify/notify_test.go, utils/sign_test.go; Apache-2.0). Test material, not a secret.
const V3_CERTIFICATE = `-----BEGIN CERTIFICATE-----
MIIDVzCCAj+gAwIBAgIJANfOWdH1ItcBMA0GCSqGSIb3DQEBCwUAMEIxCzAJBgNV
BAYTAlhYMRUwEwYDVQQHDAxEZWZhdWx0IENpdHkxHDAaBgNVBAoME0RlZmF1bHQg
Q29tcGFueSBMdGQwHhcNMjEwNDI3MDg1NTIzWhcNMzEwNDI1MDg1NTIzWjBCMQsw
CQYDVQQGEwJYWDEVMBMGA1UEBwwMRGVmYXVsdCBDaXR5MRwwGgYDVQQKDBNEZWZh
dWx0IENvbXBhbnkgTHRkMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA
2VCTd91fnUn73Xy9DLvt/V62TVxRTEEstVdeRaZ3B3leO0pldE806mXO4RwdHXag
HQ4vGeZN0yqm++rDsGK+U3AH7kejyD2pXshNP9Cq5YwbptiLGtjcquw4HNxJQUOm
DeJf2vg6byms9RUipiq4SzbJKqJFlUpbuIPDpSpWz10PYmyCNeDGUUK65E5h2B83
4uxl1zNLYQCrkdBzb8oUxwYeP5a2DNxmjL5lsJML7DGr5znsevnoqGRwTm9fxCGf
y8wus7hwKz6clt3Whmmda7UAdb1c08hEQFVRbF14AR73xbnd8N0obCWJPCbzMCtk
aSef4FdEEgEXJiw0VAJT8wIDAQABo1AwTjAdBgNVHQ4EFgQUT1c7nd/SUO76HSoZ
umNUJv1R5PwwHwYDVR0jBBgwFoAUT1c7nd/SUO76HSoZumNUJv1R5PwwDAYDVR0T
BAUwAwEB/zANBgkqhkiG9w0BAQsFAAOCAQEAfTjxKRQMzNB/U6ZoCUS+BSNfa2Oh
0plMN6ZuzwiVVZwg1jywvv5yv04koS7Pd4i9E4gt9ZBUQXlpq+A3oOCEEHNRR6b2
kyazGRM7s0OP5X21WrbpSmKmU6K7hkfx30yYs08LVs/Q8DIhvaj1FCFeJzUCzYn/
fHMq4tsbKO0dKAeydPM/nrUZBmaYQVKMVOORGLFjFKVO7JV6Kq/R86ouhjEPgJOe
2xulNBUcjicqtZlBdEh/PWCYP2SpGVDclKm8jeo175T3EVAkdKzzmfpxtMmnMlmq
cTJOU9TxuGvNASMtjj7pYIerTx+xgZDXEVBWFW9PjJ0TV06tCRsgSHItgg==
-----END CERTIFICATE-----`;

const V4_PRIVATE_KEY = `-----BEGIN PRIVATE KEY-----
MIIEvgIBADANBgkqhkiG9w0BAQEFAASCBKgwggSkAgEAAoIBAQDZUJN33V+dSfvd
fL0Mu+39XrZNXFFMQSy1V15FpncHeV47SmV0TzTqZc7hHB0ddqAdDi8Z5k3TKqb7
6sOwYr5TcAfuR6PIPaleyE0/0KrljBum2Isa2Nyq7Dgc3ElBQ6YN4l/a+DpvKaz1
FSKmKrhLNskqokWVSlu4g8OlKlbPXQ9ibII14MZRQrrkTmHYHzfi7GXXM0thAKuR
0HNvyhTHBh4/lrYM3GaMvmWwkwvsMavnOex6+eioZHBOb1/EIZ/LzC6zuHArPpyW
3daGaZ1rtQB1vVzTyERAVVFsXXgBHvfFud3w3ShsJYk8JvMwK2RpJ5/gV0QSARcm
LDRUAlPzAgMBAAECggEBAMc7rDeUaXiWv6bMGbZ3BTXpg1FhdddnWUnYE8HfX/km
OFI7XtBHXcgYFpcjYz4D5787pcsk7ezPidAj58zqenuclmjKnUmT3pfbI5eCA2v4
C9HnbYDrmUPK1ZcADtka4D6ScDccpNYNa1g2TFHzkIrEa6H+q7S3O2fqxY/DRVtN
0JIXalBb8daaqL5QVzSmM2BMVnHy+YITJWIkP2a3pKs9C0W65JGDsnG0wVrHinHF
+cnhFZIbaPEI//DAFMc9NkrWOKVRTEgcCUxCFaHOZVNxDWZD7A2ZfJB2rK6eg//y
gEiFDR2h6mTaDowMB4YF2n2dsIO4/dCG8vPHI20jn4ECgYEA/ZGu6lEMlO0XZnam
AZGtiNgLcCfM/C2ZERZE7QTRPZH1WdK92Al9ndldsswFw4baJrJLCmghjF/iG4zi
hhBvLnOLksnZUfjdumxoHDWXo2QBWbI5QsWIE7AuTiWgWj1I7X4fCXSQf6i+M/y2
6TogQ7d0ANpZFyOkTNMn/tiJvLECgYEA22XqlamG/yfAGWery5KNH2DGlTIyd6xJ
WtJ9j3jU99lZ0bCQ5xhiBbU9ImxCi3zgTsoqLWgA/p00HhNFNoUcTl9ofc0G3zwT
D1y0ZzcnVKxGJdZ6ohW52V0hJStAigtjYAsUgjm7//FH7PiQDBDP1Wa6xSRkDQU/
aSbQxvEE8+MCgYEA3bb8krW7opyM0XL9RHH0oqsFlVO30Oit5lrqebS0oHl3Zsr2
ZGgoBlWBsEzk3UqUhTFwm/DhJLTSJ/TQPRkxnhQ5/mewNhS9C7yua7wQkzVmWN+V
YeUGTvDGDF6qDz12/vJAgSwDDRym8x4NcXD5tTw7mmNRcwIfL22SkysThIECgYAV
BgccoEoXWS/HP2/u6fQr9ZIR6eV8Ij5FPbZacTG3LlS1Cz5XZra95UgebFFUHHtC
EY1JHJY7z8SWvTH8r3Su7eWNaIAoFBGffzqqSVazfm6aYZsOvRY6BfqPHT3p/H1h
Tq6AbBffxrcltgvXnCTORjHPglU0CjSxVs7awW3AEQKBgB5WtaC8VLROM7rkfVIq
+RXqE5vtJfa3e3N7W3RqxKp4zHFAPfr82FK5CX2bppEaxY7SEZVvVInKDc5gKdG/
jWNRBmvvftZhY59PILHO2X5vO4FXh7suEjy6VIh0gsnK36mmRboYIBGsNuDHjXLe
BDa+8mDLkWu5nHEhOxy2JJZl
-----END PRIVATE KEY-----`;

const V4_SIGNATURE =
  "BKyAfU4iMCuvXMXS0Wzam3V/cnxZ+JaqigPM5OhljS2iOT95OO6Fsuml2JkFANJU9K6q9bLlDhPXuoV" +
  "z+pp4hAm6pHU4ld815U4jsKu1RkyaII+1CYBUYC8TK0XtJ8FwUXXz8vZHh58rrAVN1XwNyvD1vfpxrMT4SL536GLwvpUHlCqIMzoZUguLl" +
  "i/K8V29QiOhuH6IEqLNJn8e9b3nwNcQ7be3CzYGpDAKBfDGPCqCv8Rw5zndhlffk2FEA70G4hvMwe51qMN/RAJbknXG23bSlObuTCN7Ndj" +
  "1aJGH6/L+hdwfLpUtJm4QYVazzW7DFD27EpSQEqA8bX9+8m1rLg==";

const V3 = {
  timestamp: "1624523846",
  nonce: "EcZ9Cmy4Xyx1i6RlJQzLcCyEqDa26NBz",
  serial: "D7CE59D1F522D701",
  signature:
    "tJHIiIS9eB2hAYstmAmbbD3ZE5LiIm/Ug5tuL4fC0YOFRWIHV39UFIZXC0e9Wl6lBu6sKvkqDkzpqzBsVHyXF" +
    "lbYZTOQrVdG4b6LfTnK4mikv9++ixJMd3vTf2yCqvBkh98zs3Ds5zsYQakzbcwhmw4fMJs4nPLws28H0UW9FjDR//rxELLwXvV1VEA1I" +
    "BLX70xptjL8hrfUjEE8kkry6yNJTHZRU8CAc7qHli2Ng1V1qb9ARbK8A3ThmFmPQvRGrapI/jS2laKKgYUmfdEdkNO6B2Cke5e8VTxY4" +
    "06ArAmQ90GAihDwIcb16TQMnzCMBoutnwZKNiKRACrFmtxw2Q==",
  body:
    '{"id":"3119dfba-e649-5eec-ab1e-3412bc4d2e17","create_time":"2021-06-24T16:37:26+08:00",' +
    '"resource_type":"encrypt-resource","event_type":"PAYSCORE.USER_OPEN_SERVICE","summary":"签约成功",' +
    '"resource":{"original_type":"payscore","algorithm":"AEAD_AES_256_GCM","ciphertext":"YDS3lKPaC4Y52Gf3uhft5qUBlIa8b428AWTtTauHQfQrRw+X1WpiuHIDy0vo1Vd6VEq67aVyqPdDYMkRVSDaZL3iZt' +
    "tevRMOoPKMifozg6XPWjIZumks/GpT48lI4NizyeaqLBokNebthah3o1H76qSlO9NkDjp9bzmKLEYYH9TEklFUpsvPqOTOcgSLgh21YJXYR" +
    '7dEBXFgRLiNIKRgO5JdXh1hccRUAlyVWxE54PXpnQ==","associated_data":"payscore","nonce":"Kj7QIyUiYx1q"}}',
  plaintext:
    '{"mchid":"1234567890","appid":"054aa7d7a2a54ab5898df65bd96f001c","create_time":"2020-06-30T12:12:00+08:00","out_contract_code":"21640bdbd08e473e828f3206a2741c6e"}',
};

describe("AEAD_AES_256_GCM vectors", () => {
  it.each([
    // V1 (wechatpay-axios-plugin tests/lib/aes.test.js): 16-byte IV.
    [
      "V1 hello/world",
      "0123456789abcdef0123456789abcdef",
      "0123456789abcdef",
      "world",
      "hello",
      "APoZlYpivU3HjbAiB4CvW1rAFr8J",
    ],
    ["V1 empty", "0123456789abcdef0123456789abcdef", "0123456789abcdef", "", "", "GvpmmdtYwexXIPhySs9Tlg=="],
    // V2 (wechatpay-go utils/aes_test.go): a 16-byte key, i.e. AES-128.
    [
      "V2",
      "testAPIv3Key0000",
      "wCq51qZv4Yfg",
      "Dl56FrqWQJF1t9LtC3vEUsniZKvbqdR8",
      "Hello World",
      "FsdXzxryWfKwvLJKf8LG/ToRPTRh8RN9wROC",
    ],
    // V5 (computed for the reference, 32-byte key and the real 12-byte nonce).
    [
      "V5",
      "0123456789abcdef0123456789abcdef",
      "0123456789ab",
      "transaction",
      '{"out_trade_no":"T1"}',
      "4ouITzeV7GmUYUbi3WteHWDS5e1qzfQr/F9Hia+gBdif+bU20g==",
    ],
  ])("%s decrypts and re-encrypts byte for byte", (_, key, nonce, aad, plain, ciphertext) => {
    const resource = { algorithm: "AEAD_AES_256_GCM", ciphertext, associated_data: aad, nonce };
    expect(decryptResource(resource, key)).toBe(plain);
    expect(encryptResource(plain, { apiV3Key: key, nonce, associatedData: aad })).toBe(ciphertext);
  });

  it("refuses a flipped ciphertext bit, a wrong AAD and a wrong key", () => {
    const base = {
      algorithm: "AEAD_AES_256_GCM",
      ciphertext: "FsdXzxryWfKwvLJKf8LG/ToRPTRh8RN9wROC",
      associated_data: "Dl56FrqWQJF1t9LtC3vEUsniZKvbqdR8",
      nonce: "wCq51qZv4Yfg",
    };
    const flipped = Buffer.from(base.ciphertext, "base64");
    flipped[0] = (flipped[0] ?? 0) ^ 1;
    expect(() =>
      decryptResource({ ...base, ciphertext: flipped.toString("base64") }, "testAPIv3Key0000"),
    ).toThrow();
    expect(() => decryptResource({ ...base, associated_data: "other" }, "testAPIv3Key0000")).toThrow();
    expect(() => decryptResource(base, "testAPIv3Key0001")).toThrow();
  });
});

describe("SHA256-RSA2048 vectors", () => {
  it("V4: signing `source` with the published key gives the published signature", () => {
    expect(signSha256Rsa("source", V4_PRIVATE_KEY)).toBe(V4_SIGNATURE);
    expect(verifySha256Rsa("source", V4_SIGNATURE, createPublicKey(V4_PRIVATE_KEY))).toBe(true);
    expect(verifySha256Rsa("sourcE", V4_SIGNATURE, createPublicKey(V4_PRIVATE_KEY))).toBe(false);
  });

  it("V3: the published notification verifies with its certificate and decrypts", () => {
    const key = createPublicKey(V3_CERTIFICATE);
    const spki = key.export({ format: "der", type: "spki" });
    expect(createHash("sha256").update(spki).digest("hex")).toBe(
      "8a5b82f18120806bb2c6b46e1a2f8687ceaa20a45bc2b649e37e6d9878336dc5",
    );
    const platformKeys = new Map([[V3.serial, key]]);
    const headers = { timestamp: V3.timestamp, nonce: V3.nonce, signature: V3.signature, serial: V3.serial };
    const at = Number(V3.timestamp);
    expect(checkSignedMessage(headers, V3.body, { platformKeys, nowSeconds: at })).toBe("ok");
    expect(checkSignedMessage(headers, V3.body, { platformKeys, nowSeconds: at + 300 })).toBe("ok");
    expect(checkSignedMessage(headers, V3.body, { platformKeys, nowSeconds: at + 301 })).toBe("stale");
    expect(
      checkSignedMessage(headers, V3.body.replace("签约成功", "签约失败"), { platformKeys, nowSeconds: at }),
    ).toBe("invalid");
    expect(
      checkSignedMessage({ ...headers, serial: "OTHER" }, V3.body, { platformKeys, nowSeconds: at }),
    ).toBe("unknown_serial");
    const envelope = JSON.parse(V3.body) as {
      resource: { algorithm: string; ciphertext: string; nonce: string; associated_data: string };
    };
    expect(decryptResource(envelope.resource, "testMchAPIv3Key0")).toBe(V3.plaintext);
  });

  it("probe traffic (WECHATPAY/SIGNTEST/…) never verifies", () => {
    const platformKeys = new Map([[V3.serial, createPublicKey(V3_CERTIFICATE)]]);
    const probe = {
      timestamp: V3.timestamp,
      nonce: V3.nonce,
      signature: "WECHATPAY/SIGNTEST/" + V3.signature.slice(19),
      serial: V3.serial,
    };
    expect(checkSignedMessage(probe, V3.body, { platformKeys, nowSeconds: Number(V3.timestamp) })).toBe(
      "invalid",
    );
  });
});

describe("message formats", () => {
  it("request message: the documented GET example, five lines each ending in LF", () => {
    expect(messageOf(["GET", "/v3/certificates", "1554208460", "593BEC0C930BF1AFEB40B4A08C8FB242", ""])).toBe(
      "GET\n/v3/certificates\n1554208460\n593BEC0C930BF1AFEB40B4A08C8FB242\n\n",
    );
    expect(messageOf(["a\n"])).toBe("a\n\n");
  });

  it("Authorization: the scheme, five pairs without spaces, a signature over the request message", () => {
    const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const request = {
      mchid: "1900000001",
      serialNo: "ABC",
      privateKey,
      method: "post",
      canonicalUrl: "/v3/pay/transactions/native",
      body: '{"a":1}',
      timestamp: 1554208460,
      nonce: "593BEC0C930BF1AFEB40B4A08C8FB242",
    };
    const header = authorizationOf(request);
    expect(header).toMatch(
      /^WECHATPAY2-SHA256-RSA2048 mchid="1900000001",nonce_str="593BEC0C930BF1AFEB40B4A08C8FB242",timestamp="1554208460",serial_no="ABC",signature="[A-Za-z0-9+/=]+"$/,
    );
    const pairs = parseAuthorization(header) ?? {};
    const message =
      'POST\n/v3/pay/transactions/native\n1554208460\n593BEC0C930BF1AFEB40B4A08C8FB242\n{"a":1}\n';
    expect(verifySha256Rsa(message, pairs["signature"] ?? "", publicKey)).toBe(true);
    expect(parseAuthorization("Bearer x")).toBeUndefined();
  });

  it("paySign: the documented four-line message, signType not signed", () => {
    const fields = {
      appId: "wx8888888888888888",
      timeStamp: "1414561699",
      nonceStr: "5K8264ILTKCH16CQ2502SI8ZNMTM67VS",
      package: "prepay_id=wx201410272009395522657a690389285100",
    };
    const message =
      "wx8888888888888888\n1414561699\n5K8264ILTKCH16CQ2502SI8ZNMTM67VS\nprepay_id=wx201410272009395522657a690389285100\n";
    expect(paySignOf(fields, V4_PRIVATE_KEY)).toBe(signSha256Rsa(message, V4_PRIVATE_KEY));
  });
});

// The credentials key ring: sealing, opening, binding to a context, rotation without downtime.
import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { openSecret, parseKeyRing, resealSecret, sealSecret, sealedKeyId, type KeyRing } from "./secrets.js";

const key = () => randomBytes(32).toString("base64");
const ring = (value: string): KeyRing => {
  const parsed = parseKeyRing(value);
  if (typeof parsed === "string") throw new Error(parsed);
  return parsed;
};

describe("parseKeyRing", () => {
  it.each([
    [undefined, "secrets_key_missing"],
    ["", "secrets_key_missing"],
    ["k1", "secrets_key_malformed"],
    [`k1:${randomBytes(16).toString("base64")}`, "secrets_key_malformed"],
    [`k1:${key()},k1:${key()}`, "secrets_key_malformed"],
    [`bad id:${key()}`, "secrets_key_malformed"],
  ])("%s → %s", (value, problem) => {
    expect(parseKeyRing(value)).toBe(problem);
  });

  it("the first key is current; every key is kept", () => {
    const parsed = ring(`k2:${key()}, k1:${key()}`);
    expect(parsed.currentKeyId).toBe("k2");
    expect([...parsed.keys.keys()]).toEqual(["k2", "k1"]);
  });
});

describe("seal and open", () => {
  const one = ring(`k1:${key()}`);

  it("round-trips, with a fresh IV each time, and never shows the plaintext", () => {
    const a = sealSecret(one, "apiv3-key-0123456789abcdef012345", "t1/wechat/apiV3Key");
    const b = sealSecret(one, "apiv3-key-0123456789abcdef012345", "t1/wechat/apiV3Key");
    expect(a).not.toBe(b);
    expect(a).not.toContain("apiv3");
    expect(sealedKeyId(a)).toBe("k1");
    expect(openSecret(one, a, "t1/wechat/apiV3Key")).toEqual({
      ok: true,
      plaintext: "apiv3-key-0123456789abcdef012345",
    });
  });

  it("refuses another context, a flipped byte, another ring and garbage", () => {
    const sealed = sealSecret(one, "secret", "t1/alipay/appPrivateKey");
    expect(openSecret(one, sealed, "t2/alipay/appPrivateKey")).toEqual({
      ok: false,
      problem: "secret_corrupt",
    });
    const last = sealed.at(-2) === "A" ? "B" : "A";
    expect(
      openSecret(one, `${sealed.slice(0, -2)}${last}${sealed.at(-1)}`, "t1/alipay/appPrivateKey"),
    ).toEqual({ ok: false, problem: "secret_corrupt" });
    expect(openSecret(ring(`k9:${key()}`), sealed, "t1/alipay/appPrivateKey")).toEqual({
      ok: false,
      problem: "secret_key_unknown",
    });
    expect(openSecret(one, "plaintext", "t1/alipay/appPrivateKey")).toEqual({
      ok: false,
      problem: "secret_corrupt",
    });
  });
});

describe("rotation without downtime", () => {
  it("a new key seals, the old one still opens, reseal moves values across once", () => {
    const oldKey = key();
    const before = ring(`k1:${oldKey}`);
    const sealed = sealSecret(before, "mch-private-key", "t1/wechat/merchantPrivateKey");
    const after = ring(`k2:${key()},k1:${oldKey}`);
    expect(openSecret(after, sealed, "t1/wechat/merchantPrivateKey")).toEqual({
      ok: true,
      plaintext: "mch-private-key",
    });
    expect(sealedKeyId(sealSecret(after, "x", "c"))).toBe("k2");
    const moved = resealSecret(after, sealed, "t1/wechat/merchantPrivateKey");
    expect(moved && sealedKeyId(moved)).toBe("k2");
    expect(resealSecret(after, moved ?? "", "t1/wechat/merchantPrivateKey")).toBeUndefined();
    const retired = ring(`k2:${[...after.keys.entries()][0]?.[1].toString("base64") ?? ""}`);
    expect(openSecret(retired, moved ?? "", "t1/wechat/merchantPrivateKey")).toEqual({
      ok: true,
      plaintext: "mch-private-key",
    });
    expect(openSecret(retired, sealed, "t1/wechat/merchantPrivateKey")).toEqual({
      ok: false,
      problem: "secret_key_unknown",
    });
  });
});

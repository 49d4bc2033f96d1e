// WeChat sign-in's client against the local fake over real HTTP: the authorize redirect, the code
// exchange (once only), userinfo by scope, code2Session, and every errcode answer as a value.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WECHAT_ERRORS, WechatSignInFake } from "../testing/wechat-sign-in-fake.js";
import { codeToSession, exchangeOAuthCode, fetchUserInfo, wechatAuthorizeUrl } from "./sign-in.js";

describe("WeChat sign-in against the fake", () => {
  let fake: WechatSignInFake;
  let now = Date.parse("2026-12-03T10:00:00Z");
  beforeAll(async () => {
    fake = await new WechatSignInFake(() => now).start();
  });
  afterAll(() => fake.stop());

  const authorize = async (scope: "snsapi_base" | "snsapi_userinfo", state = "abc123") => {
    const url = wechatAuthorizeUrl({
      endpoints: fake.endpoints,
      appid: fake.official.appid,
      redirectUri: "https://scheme.example/t/demo/wechat?x=1",
      scope,
      state,
    });
    expect(url).toMatch(/#wechat_redirect$/);
    const response = await fetch(url, { redirect: "manual" });
    expect(response.status).toBe(302);
    return new URL(response.headers.get("location") ?? "");
  };

  it("redirects back with a code and the state, and the code gives the openid once", async () => {
    const user = fake.newUser("阿明");
    const back = await authorize("snsapi_base");
    expect(back.origin + back.pathname).toBe("https://scheme.example/t/demo/wechat");
    expect(back.searchParams.get("x")).toBe("1");
    expect(back.searchParams.get("state")).toBe("abc123");
    const code = back.searchParams.get("code") ?? "";
    const first = await exchangeOAuthCode(fake.endpoints, fake.official, code);
    expect(first).toMatchObject({ ok: true, openid: user.openid, scope: "snsapi_base", expires_in: 7200 });
    expect(await exchangeOAuthCode(fake.endpoints, fake.official, code)).toEqual({
      ok: false,
      ...WECHAT_ERRORS.codeUsed,
    });
    // snsapi_base gives no profile.
    if (!first.ok) throw new Error("unreachable");
    expect(await fetchUserInfo(fake.endpoints, first.access_token, user.openid)).toMatchObject({
      ok: false,
      errcode: 48001,
    });
  });

  it("gives the profile with snsapi_userinfo", async () => {
    const user = fake.newUser("小红");
    const code = (await authorize("snsapi_userinfo")).searchParams.get("code") ?? "";
    const token = await exchangeOAuthCode(fake.endpoints, fake.official, code);
    if (!token.ok) throw new Error(token.errmsg);
    expect(await fetchUserInfo(fake.endpoints, token.access_token, user.openid)).toMatchObject({
      ok: true,
      openid: user.openid,
      nickname: "小红",
    });
  });

  it("answers a refusal with the state only", async () => {
    fake.refuse = true;
    try {
      const back = await authorize("snsapi_userinfo", "s9");
      expect(back.searchParams.get("code")).toBeNull();
      expect(back.searchParams.get("state")).toBe("s9");
    } finally {
      fake.refuse = false;
    }
  });

  it("refuses a bad code, a wrong secret, a stale code and a code of the other app", async () => {
    const bad = await exchangeOAuthCode(fake.endpoints, fake.official, "nope");
    expect(bad).toEqual({ ok: false, ...WECHAT_ERRORS.invalidCode });
    const code = fake.issueOAuthCode();
    const wrongSecret = await exchangeOAuthCode(
      fake.endpoints,
      { appid: fake.official.appid, secret: "x" },
      code,
    );
    expect(wrongSecret).toEqual({ ok: false, ...WECHAT_ERRORS.invalidSecret });
    expect(await codeToSession(fake.endpoints, fake.mini, code)).toEqual({
      ok: false,
      ...WECHAT_ERRORS.invalidCode,
    });
    now += 5 * 60 * 1000 + 1;
    expect(await exchangeOAuthCode(fake.endpoints, fake.official, code)).toEqual({
      ok: false,
      ...WECHAT_ERRORS.invalidCode,
    });
  });

  it("turns a mini program's code into the openid once (code2Session)", async () => {
    const user = fake.newUser();
    const code = fake.issueJsCode();
    expect(await codeToSession(fake.endpoints, fake.mini, code)).toMatchObject({
      ok: true,
      openid: user.openid,
    });
    expect(await codeToSession(fake.endpoints, fake.mini, code)).toEqual({
      ok: false,
      ...WECHAT_ERRORS.codeUsed,
    });
  });
});

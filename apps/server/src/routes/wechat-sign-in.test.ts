/**
 * Sign-in without a typed tenant, WeChat sign-in and phone binding on both stores, against the local
 * WeChat fake over real HTTP: the tenant of a Host, the web authorization (state bound to the
 * browser), a mini program's code, link and unlink, and every refusal answered with a stable code
 * and nothing written.
 */
import { randomBytes } from "node:crypto";
import { WechatSignInFake } from "@zengzhi/payments/testing";
import type { LightMyRequestResponse } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { MemberNotice, NoticeChannel, Notifier } from "../domain/notifier.js";
import { parseKeyRing, sealedKeyId } from "../domain/secrets.js";
import { resealWechatApps } from "../domain/sign-in-settings.js";
import { wechatOpenidOf } from "../domain/wechat-sign-in.js";
import { call, login, newMember, openTestApp, STORES, type TestApp } from "../testing/helpers.js";

const SECRETS_KEY = `k1:${randomBytes(32).toString("base64")}`;

class MemoryNotifier implements Notifier {
  readonly sent: { channel: NoticeChannel; notice: MemberNotice }[] = [];
  send(channel: NoticeChannel, notice: MemberNotice): Promise<void> {
    this.sent.push({ channel, notice });
    return Promise.resolve();
  }
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = Record<string, any>;
const json = (response: LightMyRequestResponse) => response.json<Json>();
const cookieOf = (response: LightMyRequestResponse, name: string) => {
  const header = response.headers["set-cookie"];
  const all = Array.isArray(header) ? header : [header ?? ""];
  const found = all.find((cookie) => cookie.startsWith(`${name}=`));
  return found?.split(";")[0] ?? "";
};

for (const store of STORES) {
  describe.runIf(store.available)(`WeChat sign-in and phone binding on ${store.kind}`, () => {
    let t: TestApp;
    let fake: WechatSignInFake;
    let operator: string;
    let now = Date.parse("2026-12-03T08:00:00Z");
    const notifier = new MemoryNotifier();

    beforeAll(async () => {
      fake = await new WechatSignInFake().start();
      t = await openTestApp(store.kind, {
        secretsKey: SECRETS_KEY,
        wechatSignIn: fake.endpoints,
        publicUrl: "https://m.scheme.example",
        notifier,
        now: () => now,
      });
      operator = await login(t.app, "operator");
      const set = await call(t.app, "POST", "/api/operator/sign-in-settings", {
        token: operator,
        body: { domain: "M.Scheme.Example", official: fake.official, mini: fake.mini },
      });
      expect(set.statusCode, set.body).toBe(200);
      expect(json(set)).toMatchObject({
        domain: "m.scheme.example",
        official: { appid: fake.official.appid },
        mini: { appid: fake.mini.appid },
      });
      expect(set.body).not.toContain(fake.official.secret);
    });
    afterAll(async () => {
      await t?.close();
      await fake?.stop();
    });

    const userCount = async () =>
      Number(
        (
          await t.ledger.sql.query<{ n: string }>(
            "SELECT count(*) AS n FROM app_users WHERE tenant_id = 'demo'",
          )
        ).rows[0]?.n,
      );

    /** The browser's side: ask to authorize, follow WeChat's redirect, read back code and state. */
    async function authorize(scope = "snsapi_base", token?: string) {
      const started = token
        ? await call(t.app, "POST", "/api/account/wechat/authorize", { token, key: null })
        : await call(t.app, "POST", "/api/auth/wechat/authorize", {
            body: { tenant: "demo", scope },
            key: null,
          });
      expect(started.statusCode, started.body).toBe(200);
      const { url } = json(started) as { url: string };
      expect(url).toContain(`appid=${fake.official.appid}`);
      const redirect = await fetch(url, { redirect: "manual" });
      const back = new URL(redirect.headers.get("location") ?? "");
      expect(back.origin).toBe("https://m.scheme.example");
      return {
        cookie: cookieOf(started, "zz_wechat"),
        code: back.searchParams.get("code") ?? "",
        state: back.searchParams.get("state") ?? "",
        path: back.pathname + back.search,
      };
    }

    const wechatLogin = (flow: { cookie: string; code: string; state: string }) =>
      call(t.app, "POST", "/api/auth/wechat/login", {
        body: { tenant: "demo", code: flow.code, state: flow.state },
        headers: { cookie: flow.cookie },
        key: null,
      });

    it("finds the tenant from a /t/<tenant>/ address or from the Host the operator set", async () => {
      const ask = async (url: string, host = "localhost") =>
        json(await call(t.app, "GET", url, { headers: { host } }));
      expect(await ask("/api/auth/sign-in-options?tenant=demo")).toEqual({ tenant: "demo", wechat: true });
      expect(await ask("/api/auth/sign-in-options?tenant=nowhere")).toEqual({ tenant: null, wechat: false });
      expect(await ask("/api/auth/sign-in-options", "m.scheme.example:443")).toEqual({
        tenant: "demo",
        wechat: true,
      });
      expect(await ask("/api/auth/sign-in-options")).toEqual({ tenant: null, wechat: false });
      const stored = await t.ledger.sql.query<{ sealed_secret: string }>(
        "SELECT sealed_secret FROM app_wechat_apps WHERE tenant_id = 'demo'",
      );
      for (const row of stored.rows) expect(row.sealed_secret).not.toContain(fake.official.secret);
      const read = await call(t.app, "GET", "/api/operator/sign-in-settings", { token: operator });
      expect(read.body).not.toContain(fake.mini.secret);
    });

    it("signs a new WeChat user in as a new member, and the same user again into the same account", async () => {
      const user = fake.newUser("阿明");
      const flow = await authorize();
      expect(flow.path).toMatch(/^\/t\/demo\/wechat\?code=/);
      const first = await wechatLogin(flow);
      expect(first.statusCode, first.body).toBe(200);
      const signedIn = json(first);
      expect(signedIn).toMatchObject({ created: true, user: { tenant: "demo", role: "member" } });
      const member = signedIn.user.memberId as string;
      expect(await t.ledger.read("demo", (engine) => engine.hasMember(member))).toBe(true);
      expect(await wechatOpenidOf(t.services, "demo", member)).toEqual({
        openid: user.openid,
        appid: fake.official.appid,
      });
      const again = await wechatLogin(await authorize("snsapi_userinfo"));
      expect(json(again)).toMatchObject({ created: false, user: { id: signedIn.user.id } });
      const security = json(
        await call(t.app, "GET", "/api/account/security", { token: json(again).token as string }),
      );
      expect(security).toMatchObject({ hasPassword: false, wechat: { app: "official" }, phone: null });
      // The only sign-in of this account cannot be unlinked.
      const unlink = await call(t.app, "DELETE", "/api/account/wechat", {
        token: json(again).token as string,
      });
      expect(unlink.statusCode).toBe(409);
      expect(json(unlink).error.code).toBe("wechat_unlink_refused");
    });

    it("refuses a state from another browser, a replayed state, and WeChat's refusals, writing nothing", async () => {
      fake.newUser();
      const before = await userCount();
      const flow = await authorize();
      const elsewhere = await wechatLogin({ ...flow, cookie: "zz_wechat=forged" });
      expect(elsewhere.statusCode).toBe(400);
      expect(json(elsewhere).error.code).toBe("wechat_state_invalid");
      // The state was spent by that attempt: the real browser must start again.
      expect(json(await wechatLogin(flow)).error.code).toBe("wechat_state_invalid");

      const unknownCode = await wechatLogin({ ...(await authorize()), code: "not-a-code" });
      expect(unknownCode.statusCode).toBe(400);
      expect(json(unknownCode).error).toMatchObject({ code: "wechat_code_invalid", field: "code" });

      const used = await authorize();
      expect(fake.codes.get(used.code)).toBeDefined();
      fake.codes.get(used.code)!.used = true;
      expect(json(await wechatLogin(used)).error.code).toBe("wechat_code_invalid");

      now += 6 * 60 * 1000;
      const expiredState = await wechatLogin(flow);
      expect(json(expiredState).error.code).toBe("wechat_state_invalid");
      expect(await userCount()).toBe(before);
    });

    it("answers an errcode from WeChat as a 4xx (a wrong app secret) and nothing is written", async () => {
      const before = await userCount();
      const flow = await authorize();
      const wrong = await call(t.app, "POST", "/api/operator/sign-in-settings", {
        token: operator,
        body: { official: { appid: fake.official.appid, secret: "not-the-secret" } },
      });
      expect(wrong.statusCode).toBe(200);
      try {
        const refused = await wechatLogin(flow);
        expect(refused.statusCode).toBe(409);
        expect(json(refused).error).toMatchObject({ code: "wechat_refused", errcode: 40125 });
      } finally {
        await call(t.app, "POST", "/api/operator/sign-in-settings", {
          token: operator,
          body: { official: fake.official },
        });
      }
      expect(await userCount()).toBe(before);
    });

    it("signs a mini program's user in with code2Session; a code works once", async () => {
      const user = fake.newUser();
      const code = fake.issueJsCode(user);
      const body = { tenant: "demo", code };
      const first = await call(t.app, "POST", "/api/auth/wechat/mini-program", { body, key: null });
      expect(first.statusCode, first.body).toBe(200);
      expect(json(first)).toMatchObject({ created: true });
      const again = await call(t.app, "POST", "/api/auth/wechat/mini-program", { body, key: null });
      expect(again.statusCode).toBe(400);
      expect(json(again).error.code).toBe("wechat_code_invalid");
      const elsewhere = await call(t.app, "POST", "/api/auth/wechat/mini-program", {
        body: { tenant: "issue-none", code: fake.issueJsCode(user) },
        key: null,
      });
      expect(elsewhere.statusCode).toBe(404);
    });

    it("links a password account to WeChat and unlinks it; one WeChat user per account", async () => {
      const alice = await login(t.app, "alice");
      const user = fake.newUser("爱丽丝");
      const flow = await authorize("snsapi_userinfo", alice);
      expect(flow.path).toContain("link=1");
      // A link state is bound to the account: finishing it as a login is refused.
      const linked = await call(t.app, "POST", "/api/account/wechat", {
        token: alice,
        body: { code: flow.code, state: flow.state },
        headers: { cookie: flow.cookie },
        key: null,
      });
      expect(linked.statusCode, linked.body).toBe(200);
      expect(json(linked)).toMatchObject({ hasPassword: true, wechat: { nickname: "爱丽丝" } });
      expect(await wechatOpenidOf(t.services, "demo", "alice")).toMatchObject({ openid: user.openid });
      // WeChat sign-in now opens alice's account.
      expect(json(await wechatLogin(await authorize()))).toMatchObject({
        created: false,
        user: { username: "alice" },
      });
      // bob cannot link the same WeChat user.
      const bob = await newMember(t.app, "bob-wechat");
      const other = await authorize("snsapi_base", bob);
      const taken = await call(t.app, "POST", "/api/account/wechat", {
        token: bob,
        body: { code: other.code, state: other.state },
        headers: { cookie: other.cookie },
        key: null,
      });
      expect(taken.statusCode).toBe(409);
      expect(json(taken).error.code).toBe("wechat_already_linked");
      // A state started by alice cannot be finished by bob's session.
      const alices = await authorize("snsapi_base", alice);
      const stolen = await call(t.app, "POST", "/api/account/wechat", {
        token: bob,
        body: { code: alices.code, state: alices.state },
        headers: { cookie: alices.cookie },
        key: null,
      });
      expect(json(stolen).error.code).toBe("wechat_state_invalid");
      const unlinked = await call(t.app, "DELETE", "/api/account/wechat", { token: alice });
      expect(unlinked.statusCode).toBe(200);
      expect(json(unlinked).wechat).toBeNull();
      expect(await wechatOpenidOf(t.services, "demo", "alice")).toBeUndefined();
    });

    it("binds a phone with a code sent by SMS, hashed, once, rate-limited", async () => {
      const carol = await newMember(t.app, "carol-phone");
      const send = (token: string, phone: string) =>
        call(t.app, "POST", "/api/account/phone/code", { token, body: { phone } });
      const sent = await send(carol, "13800138000");
      expect(sent.statusCode, sent.body).toBe(200);
      const notice = notifier.sent.at(-1);
      expect(notice).toMatchObject({
        channel: "sms",
        notice: { kind: "phone_code", data: { phone: "13800138000" } },
      });
      const code = notice!.notice.data["code"]!;
      expect(code).toMatch(/^\d{6}$/);
      const stored = await t.ledger.sql.query<{ code_hash: string }>(
        "SELECT code_hash FROM app_phone_codes WHERE tenant_id = 'demo'",
      );
      expect(JSON.stringify(stored.rows)).not.toContain(code);
      // A second code within a minute is refused.
      const soon = await send(carol, "13800138000");
      expect(soon.statusCode).toBe(429);
      expect(json(soon).error.code).toBe("too_many_requests");
      const wrongCode = code === "000000" ? "111111" : "000000";
      const bind = (token: string, body: Json) =>
        call(t.app, "POST", "/api/account/phone", { token, body, key: null });
      const wrong = await bind(carol, { phone: "13800138000", code: wrongCode });
      expect(wrong.statusCode).toBe(400);
      expect(json(wrong).error.code).toBe("phone_code_invalid");
      const otherPhone = await bind(carol, { phone: "13900000000", code });
      expect(json(otherPhone).error.code).toBe("phone_code_invalid");
      const bound = await bind(carol, { phone: "13800138000", code });
      expect(bound.statusCode, bound.body).toBe(200);
      expect(json(bound).phone).toMatchObject({ masked: "138****8000" });
      expect(json(await bind(carol, { phone: "13800138000", code })).error.code).toBe("phone_code_invalid");
      // Another account cannot take the number.
      const dave = await newMember(t.app, "dave-phone");
      expect(json(await send(dave, "13800138000")).error.code).toBe("phone_taken");
      // Codes expire.
      now += 2 * 60 * 1000;
      await send(dave, "13700000000");
      const daveCode = notifier.sent.at(-1)!.notice.data["code"]!;
      now += 11 * 60 * 1000;
      expect(json(await bind(dave, { phone: "13700000000", code: daveCode })).error.code).toBe(
        "phone_code_invalid",
      );
      const unbound = await call(t.app, "DELETE", "/api/account/phone", { token: carol });
      expect(json(unbound).phone).toBeNull();
    });

    it("refuses a domain another scheme uses", async () => {
      const created = await call(t.app, "POST", "/api/tenants", {
        token: operator,
        body: { tenant: "other", operator: { username: "boss", password: "brisk-lantern-orchard-42" } },
      });
      expect(created.statusCode, created.body).toBe(201);
      const boss = await login(t.app, "boss", "brisk-lantern-orchard-42", "other");
      const taken = await call(t.app, "POST", "/api/operator/sign-in-settings", {
        token: boss,
        body: { domain: "m.scheme.example" },
      });
      expect(taken.statusCode).toBe(409);
      expect(json(taken).error.code).toBe("domain_taken");
    });

    it("re-seals the WeChat app secrets under a new key (run last: the app keeps the old ring)", async () => {
      const ring = parseKeyRing(`k2:${randomBytes(32).toString("base64")},${SECRETS_KEY}`);
      if (typeof ring === "string") throw new Error(ring);
      expect(await resealWechatApps(t.ledger.sql, ring, "demo")).toBe(2);
      expect(await resealWechatApps(t.ledger.sql, ring, "demo")).toBe(0);
      const rows = await t.ledger.sql.query<{ sealed_secret: string }>(
        "SELECT sealed_secret FROM app_wechat_apps WHERE tenant_id = 'demo'",
      );
      for (const row of rows.rows) expect(sealedKeyId(row.sealed_secret)).toBe("k2");
    });
  });
}

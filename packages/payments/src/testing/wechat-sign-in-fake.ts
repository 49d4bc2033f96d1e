// A local fake of WeChat sign-in for tests, real HTTP on 127.0.0.1: the authorize page of 公众号网页授权
// (it "consents" as `user` and redirects with a one-use code), sns/oauth2/access_token, sns/userinfo
// and a mini program's sns/jscode2session, with WeChat's errcode answers (HTTP 200 and a JSON body).
import { randomBytes } from "node:crypto";
import type { WechatAppCredentials, WechatSignInEndpoints } from "../wechat/sign-in.js";
import { serve, type FakeAnswer, type FakeRequest, type RunningServer } from "./http.js";

/** A WeChat user as the fake sees one. */
export interface FakeWechatUser {
  openid: string;
  nickname: string;
}

interface IssuedCode {
  app: "official" | "mini";
  openid: string;
  scope: string;
  issuedAt: number;
  used: boolean;
}

/** A code lives five minutes and works once (WeChat's published behaviour). */
const CODE_TTL_MS = 5 * 60 * 1000;

export const WECHAT_ERRORS = {
  invalidAppid: { errcode: 40013, errmsg: "invalid appid" },
  invalidSecret: { errcode: 40125, errmsg: "invalid appsecret" },
  invalidCode: { errcode: 40029, errmsg: "invalid code" },
  codeUsed: { errcode: 40163, errmsg: "code been used" },
  invalidToken: { errcode: 40001, errmsg: "invalid credential, access_token is invalid or not latest" },
  scopeUnauthorized: { errcode: 48001, errmsg: "api unauthorized" },
  invalidGrant: { errcode: 40002, errmsg: "invalid grant_type" },
} as const;

const newOpenid = () => `o${randomBytes(14).toString("base64url")}`;

export class WechatSignInFake {
  readonly official: WechatAppCredentials = {
    appid: `wx${randomBytes(8).toString("hex")}`,
    secret: randomBytes(16).toString("hex"),
  };
  readonly mini: WechatAppCredentials = {
    appid: `wx${randomBytes(8).toString("hex")}`,
    secret: randomBytes(16).toString("hex"),
  };
  /** The WeChat user the browser "is": the authorize page consents as this user. */
  user: FakeWechatUser = { openid: newOpenid(), nickname: "微信用户" };
  /** When true the authorize page answers as a user who refused (state only, no code). */
  refuse = false;
  /** Every code the fake issued, by code (tests read them and replay them). */
  readonly codes = new Map<string, IssuedCode>();
  private readonly tokens = new Map<string, { openid: string; scope: string }>();
  private server: RunningServer | undefined;

  constructor(private readonly clock: () => number = Date.now) {}

  async start(port = 0): Promise<this> {
    this.server = await serve((request) => this.handle(request), port);
    return this;
  }

  async stop(): Promise<void> {
    await this.server?.close();
  }

  get endpoints(): WechatSignInEndpoints {
    if (this.server === undefined) throw new Error("the fake is not started");
    return { api: this.server.baseUrl, authorize: this.server.baseUrl };
  }

  /** A new WeChat user, made the current one. */
  newUser(nickname = "微信用户"): FakeWechatUser {
    this.user = { openid: newOpenid(), nickname };
    return this.user;
  }

  /** What wx.login() would give a mini program for `user` (default: the current one). */
  issueJsCode(user: FakeWechatUser = this.user): string {
    return this.issue({ app: "mini", openid: user.openid, scope: "" });
  }

  /** A web-authorization code for `user`, as the redirect would carry it. */
  issueOAuthCode(scope = "snsapi_base", user: FakeWechatUser = this.user): string {
    return this.issue({ app: "official", openid: user.openid, scope });
  }

  private issue(input: Omit<IssuedCode, "issuedAt" | "used">): string {
    const code = randomBytes(16).toString("hex");
    this.codes.set(code, { ...input, issuedAt: this.clock(), used: false });
    return code;
  }

  private handle(request: FakeRequest): FakeAnswer {
    const url = new URL(request.url, "http://fake");
    const query = Object.fromEntries(url.searchParams);
    switch (url.pathname) {
      case "/connect/oauth2/authorize":
        return this.authorize(query);
      case "/sns/oauth2/access_token":
        return this.json(this.accessToken(query));
      case "/sns/userinfo":
        return this.json(this.userInfo(query));
      case "/sns/jscode2session":
        return this.json(this.codeToSession(query));
      default:
        return { status: 404, body: "not found" };
    }
  }

  private json(value: unknown): FakeAnswer {
    return {
      status: 200,
      headers: { "Content-Type": "application/json; encoding=utf-8" },
      body: JSON.stringify(value),
    };
  }

  private authorize(query: Record<string, string>): FakeAnswer {
    const { appid, redirect_uri: redirectUri, response_type: type, scope, state } = query;
    if (appid !== this.official.appid || redirectUri === undefined || type !== "code")
      return { status: 400, body: "Oops! Something went wrong:(" };
    if (scope !== "snsapi_base" && scope !== "snsapi_userinfo")
      return { status: 400, body: "scope 参数错误或没有 scope 权限" };
    const target = new URL(redirectUri);
    if (!this.refuse) target.searchParams.set("code", this.issueOAuthCode(scope));
    target.searchParams.set("state", state ?? "");
    return { status: 302, headers: { Location: target.toString() }, body: "" };
  }

  /** Checks the app and takes the code once; an errcode answer when anything is wrong. */
  private take(app: "official" | "mini", query: Record<string, string>, codeName: string) {
    const credentials = app === "official" ? this.official : this.mini;
    if (query["appid"] !== credentials.appid) return WECHAT_ERRORS.invalidAppid;
    if (query["secret"] !== credentials.secret) return WECHAT_ERRORS.invalidSecret;
    if (query["grant_type"] !== "authorization_code") return WECHAT_ERRORS.invalidGrant;
    const issued = this.codes.get(query[codeName] ?? "");
    if (issued === undefined || issued.app !== app || this.clock() - issued.issuedAt > CODE_TTL_MS)
      return WECHAT_ERRORS.invalidCode;
    if (issued.used) return WECHAT_ERRORS.codeUsed;
    issued.used = true;
    return issued;
  }

  private accessToken(query: Record<string, string>) {
    const issued = this.take("official", query, "code");
    if ("errcode" in issued) return issued;
    const token = randomBytes(24).toString("base64url");
    this.tokens.set(token, { openid: issued.openid, scope: issued.scope });
    return {
      access_token: token,
      expires_in: 7200,
      refresh_token: randomBytes(24).toString("base64url"),
      openid: issued.openid,
      scope: issued.scope,
    };
  }

  private userInfo(query: Record<string, string>) {
    const token = this.tokens.get(query["access_token"] ?? "");
    if (token === undefined || token.openid !== query["openid"]) return WECHAT_ERRORS.invalidToken;
    if (token.scope !== "snsapi_userinfo") return WECHAT_ERRORS.scopeUnauthorized;
    const nickname = this.user.openid === token.openid ? this.user.nickname : "微信用户";
    return { openid: token.openid, nickname, sex: 0, province: "", city: "", country: "", privilege: [] };
  }

  private codeToSession(query: Record<string, string>) {
    const issued = this.take("mini", query, "js_code");
    if ("errcode" in issued) return issued;
    return { openid: issued.openid, session_key: randomBytes(16).toString("base64") };
  }
}

// WeChat sign-in: the official account's web authorization (公众号网页授权, OAuth2) and a mini
// program's code2Session. Plain HTTPS GETs that answer JSON; a refusal is an `errcode` answer with
// HTTP 200, which comes back here as a value, never as a throw (a throw means the network failed).
import { z } from "zod";

/** An official account's or a mini program's app id and app secret. */
export interface WechatAppCredentials {
  appid: string;
  secret: string;
}

/** Where the sign-in calls go: production by default, the local fake in tests. */
export interface WechatSignInEndpoints {
  /** https://api.weixin.qq.com (access_token, userinfo, jscode2session). */
  api: string;
  /** https://open.weixin.qq.com (the authorize page the browser is sent to). */
  authorize: string;
}

export const WECHAT_SIGN_IN_ENDPOINTS: WechatSignInEndpoints = {
  api: "https://api.weixin.qq.com",
  authorize: "https://open.weixin.qq.com",
};

export type WechatScope = "snsapi_base" | "snsapi_userinfo";

export type WechatAnswer<T> = ({ ok: true } & T) | { ok: false; errcode: number; errmsg: string };

const errorAnswer = z.object({ errcode: z.number().int(), errmsg: z.string().default("") });

const accessTokenAnswer = z.object({
  access_token: z.string().min(1),
  expires_in: z.number(),
  refresh_token: z.string().optional(),
  openid: z.string().min(1).max(128),
  scope: z.string(),
  unionid: z.string().optional(),
  is_snapshotuser: z.number().optional(),
});

const userInfoAnswer = z.object({
  openid: z.string().min(1),
  nickname: z.string(),
  headimgurl: z.string().optional(),
  unionid: z.string().optional(),
});

const sessionAnswer = z.object({
  openid: z.string().min(1).max(128),
  session_key: z.string().min(1),
  unionid: z.string().optional(),
});

/**
 * The page a browser inside WeChat is sent to. `state` must be a-zA-Z0-9 and at most 128 bytes;
 * the `#wechat_redirect` fragment is required by WeChat.
 */
export function wechatAuthorizeUrl(input: {
  endpoints: WechatSignInEndpoints;
  appid: string;
  redirectUri: string;
  scope: WechatScope;
  state: string;
}): string {
  if (!/^[A-Za-z0-9]{1,128}$/.test(input.state)) throw new Error("state must be 1-128 of a-zA-Z0-9");
  const query = new URLSearchParams({
    appid: input.appid,
    redirect_uri: input.redirectUri,
    response_type: "code",
    scope: input.scope,
    state: input.state,
  });
  return `${input.endpoints.authorize}/connect/oauth2/authorize?${query.toString()}#wechat_redirect`;
}

/** GETs a WeChat JSON API and reads either the expected answer or an errcode answer. */
async function getJson<T>(url: string, schema: z.ZodType<T>): Promise<WechatAnswer<T>> {
  const response = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  const json: unknown = JSON.parse(await response.text());
  const refused = errorAnswer.safeParse(json);
  if (refused.success && refused.data.errcode !== 0) return { ok: false, ...refused.data };
  const parsed = schema.safeParse(json);
  if (!parsed.success) return { ok: false, errcode: -2, errmsg: "unexpected answer from WeChat" };
  return { ok: true, ...parsed.data };
}

const urlOf = (base: string, path: string, query: Record<string, string>) =>
  `${base}${path}?${new URLSearchParams(query).toString()}`;

/** Step 2 of web authorization: the code from the redirect → an access token and the openid. */
export function exchangeOAuthCode(endpoints: WechatSignInEndpoints, app: WechatAppCredentials, code: string) {
  return getJson(
    urlOf(endpoints.api, "/sns/oauth2/access_token", {
      appid: app.appid,
      secret: app.secret,
      code,
      grant_type: "authorization_code",
    }),
    accessTokenAnswer,
  );
}

/** The profile of a user who consented with snsapi_userinfo. */
export function fetchUserInfo(endpoints: WechatSignInEndpoints, accessToken: string, openid: string) {
  return getJson(
    urlOf(endpoints.api, "/sns/userinfo", { access_token: accessToken, openid, lang: "zh_CN" }),
    userInfoAnswer,
  );
}

/** A mini program's wx.login() code → the user's openid and session key. */
export function codeToSession(endpoints: WechatSignInEndpoints, app: WechatAppCredentials, jsCode: string) {
  return getJson(
    urlOf(endpoints.api, "/sns/jscode2session", {
      appid: app.appid,
      secret: app.secret,
      js_code: jsCode,
      grant_type: "authorization_code",
    }),
    sessionAnswer,
  );
}

/**
 * WeChat sign-in (issue 12 item 5): the official account's web authorization for the H5 inside
 * WeChat, with a one-use `state` bound to the browser that asked (and, to link, to its session), and a
 * mini program's code2Session. A new WeChat user gets a member account; a signed-in account links or
 * unlinks its WeChat. A refusal by WeChat is a 4xx with a stable code and writes nothing.
 */
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import {
  codeToSession,
  exchangeOAuthCode,
  fetchUserInfo,
  wechatAuthorizeUrl,
  type WechatAnswer,
  type WechatScope,
} from "@zengzhi/payments";
import {
  deleteIdentity,
  insertIdentity,
  insertWechatState,
  selectIdentityOfUser,
  selectOpenidOfMember,
  selectPhoneOfUser,
  selectUserOfOpenid,
  takeWechatState,
  type WechatAppKind,
} from "../db/sign-in.js";
import { insertUser } from "../db/users.js";
import { userFromRow, type Session, type User } from "./auth.js";
import { ApiError } from "./errors.js";
import { once, type RequestKey } from "./idempotency.js";
import type { Services } from "./services.js";
import { wechatAppOf } from "./sign-in-settings.js";

/** A state lives as long as WeChat's code does. */
export const WECHAT_STATE_TTL_MS = 5 * 60 * 1000;
/** A password hash no password matches: an account made by WeChat sign-in has no password yet. */
export const NO_PASSWORD = "!wechat";
/** WeChat's answers for a code that is unknown, expired or used. */
const CODE_ERRCODES = new Set([40029, 40163, 40030]);

const sha256 = (text: string) => createHash("sha256").update(text, "utf8").digest("hex");

function sameHash(a: string, b: string): boolean {
  const left = Buffer.from(a, "hex");
  const right = Buffer.from(b, "hex");
  return left.length === right.length && timingSafeEqual(left, right);
}

async function requireApp(services: Services, tenant: string, app: WechatAppKind) {
  await services.requireTenant(tenant);
  const credentials = await wechatAppOf(services, tenant, app);
  if (credentials === undefined)
    throw new ApiError(409, "wechat_sign_in_unavailable", "this scheme has not set up WeChat sign-in");
  return credentials;
}

/** A WeChat errcode answer as the API's refusal; a network failure stays an operating error. */
function refusal<T>(answer: WechatAnswer<T>): { ok: true } & T {
  if (answer.ok) return answer;
  if (CODE_ERRCODES.has(answer.errcode))
    throw new ApiError(
      400,
      "wechat_code_invalid",
      "the WeChat code is unknown, expired or used already",
      "code",
    );
  throw new ApiError(409, "wechat_refused", "WeChat refused the sign-in; try again later", undefined, {
    errcode: answer.errcode,
  });
}

async function callWechat<T>(call: () => Promise<WechatAnswer<T>>): Promise<{ ok: true } & T> {
  let answer: WechatAnswer<T>;
  try {
    answer = await call();
  } catch {
    throw new ApiError(503, "wechat_unreachable", "WeChat cannot be reached now; try again later");
  }
  return refusal(answer);
}

export type AuthorizationRequest = (
  { tenant: string; intent: "login" } | { tenant: string; intent: "link"; userId: string }
) & {
  scope: WechatScope;
  /** Where WeChat sends the browser back (the H5's callback page on this scheme's address). */
  redirectPath: string;
};

/**
 * Starts web authorization: a random state (only its hash is kept) bound to a random browser token
 * that the caller puts in an HttpOnly cookie. To link, the state is bound to the session's account.
 */
export async function requestWechatAuthorization(services: Services, input: AuthorizationRequest) {
  const app = await requireApp(services, input.tenant, "official");
  const state = randomBytes(24).toString("hex");
  const browserToken = randomBytes(32).toString("base64url");
  await insertWechatState(services.sql, {
    tenant: input.tenant,
    stateHash: sha256(state),
    browser_hash: sha256(browserToken),
    intent: input.intent,
    user_id: input.intent === "link" ? input.userId : null,
    scope: input.scope,
    expiresAt: services.now() + WECHAT_STATE_TTL_MS,
  });
  const url = wechatAuthorizeUrl({
    endpoints: services.wechatSignIn,
    appid: app.appid,
    redirectUri: `${services.publicUrl}${input.redirectPath}`,
    scope: input.scope,
    state,
  });
  return { url, browserToken, expiresInSeconds: WECHAT_STATE_TTL_MS / 1000 };
}

/** Takes the state once; it must be this browser's and of this intent (and account, to link). */
async function takeState(
  services: Services,
  input: {
    tenant: string;
    state: string;
    browserToken: string | undefined;
    intent: "login" | "link";
    userId?: string;
  },
) {
  const row = await takeWechatState(services.sql, {
    tenant: input.tenant,
    stateHash: sha256(input.state),
    now: services.now(),
  });
  const valid =
    row !== undefined &&
    input.browserToken !== undefined &&
    sameHash(row.browser_hash, sha256(input.browserToken)) &&
    row.intent === input.intent &&
    (input.intent === "login" || row.user_id === input.userId);
  if (!valid || row === undefined)
    throw new ApiError(
      400,
      "wechat_state_invalid",
      "this WeChat sign-in was not started here, or has expired",
      "state",
    );
  return row;
}

/** The openid (and nickname, with snsapi_userinfo) that an authorization code stands for. */
async function identityOfCode(services: Services, tenant: string, code: string) {
  const app = await requireApp(services, tenant, "official");
  const token = await callWechat(() => exchangeOAuthCode(services.wechatSignIn, app, code));
  let nickname: string | null = null;
  if (token.scope.split(",").includes("snsapi_userinfo")) {
    const info = await callWechat(() =>
      fetchUserInfo(services.wechatSignIn, token.access_token, token.openid),
    );
    nickname = info.nickname.slice(0, 64);
  }
  return { app: "official" as const, appid: app.appid, openid: token.openid, nickname };
}

interface Identity {
  app: WechatAppKind;
  appid: string;
  openid: string;
  nickname: string | null;
}

/** A new member for a WeChat user never seen: the engine's join, then the account and its link. */
async function createWechatMember(services: Services, tenant: string, identity: Identity): Promise<User> {
  const username = `wx-${randomBytes(6).toString("hex")}`;
  await services.gateway.submit(
    tenant,
    `wechat-join:${username}`,
    { type: "join", member: username },
    {
      actor: username,
      role: "member",
      action: "register",
      target: null,
      detail: { via: "wechat" },
    },
  );
  const row = {
    tenant_id: tenant,
    user_id: randomBytes(16).toString("hex"),
    username,
    role: "member" as const,
    member_id: username,
    merchant_id: null,
  };
  if (!(await insertUser(services.sql, { ...row, password_hash: NO_PASSWORD })))
    throw new Error(`generated username ${username} is taken`);
  await insertIdentity(services.sql, { tenant, user_id: row.user_id, ...identity });
  return userFromRow(row);
}

/** The account of a WeChat identity, made when it is new; audited as a login. */
async function signInAs(services: Services, at: { tenant: string; address: string }, identity: Identity) {
  const { tenant } = at;
  const existing = await selectUserOfOpenid(services.sql, {
    tenant,
    appid: identity.appid,
    openid: identity.openid,
  });
  // A new account counts against the address's registration ceiling, as a registration does.
  if (existing === undefined) services.throttle.checkRegistration(at.address, services.now());
  const user =
    existing === undefined ? await createWechatMember(services, tenant, identity) : userFromRow(existing);
  await services.audit.record({
    tenant,
    actor: user.username,
    role: user.role,
    action: "login",
    detail: { via: `wechat-${identity.app}`, created: existing === undefined },
  });
  return { user, created: existing === undefined };
}

/** Finishes web authorization for a login: state checked, code exchanged, the account found or made. */
export async function logInWithWechat(
  services: Services,
  request: { browserToken: string | undefined; address: string },
  input: { tenant: string; code: string; state: string },
) {
  await services.requireTenant(input.tenant);
  await takeState(services, { ...input, browserToken: request.browserToken, intent: "login" });
  const identity = await identityOfCode(services, input.tenant, input.code);
  return signInAs(services, { tenant: input.tenant, address: request.address }, identity);
}

/** A mini program's sign-in: its wx.login() code, exchanged by code2Session. */
export async function logInWithMiniProgram(
  services: Services,
  input: { tenant: string; code: string; address: string },
) {
  const app = await requireApp(services, input.tenant, "mini");
  const session = await callWechat(() => codeToSession(services.wechatSignIn, app, input.code));
  return signInAs(services, input, {
    app: "mini",
    appid: app.appid,
    openid: session.openid,
    nickname: null,
  });
}

/** Links the WeChat of an authorization code to the caller's account (one per account, one account per openid). */
export async function createWechatLink(
  services: Services,
  request: { session: Session; browserToken: string | undefined },
  input: { code: string; state: string },
) {
  const { session } = request;
  await takeState(services, {
    tenant: session.tenant,
    state: input.state,
    browserToken: request.browserToken,
    intent: "link",
    userId: session.id,
  });
  const identity = await identityOfCode(services, session.tenant, input.code);
  if (!(await insertIdentity(services.sql, { tenant: session.tenant, user_id: session.id, ...identity })))
    throw new ApiError(409, "wechat_already_linked", "this account or this WeChat user is linked already");
  await services.audit.recordBy(session, { action: "wechat.link", detail: { app: identity.app } });
  return accountSecurity(services, session);
}

/** Unlinks the caller's WeChat; refused when the account would be left with no way to sign in. */
export async function revokeWechatLink(services: Services, request: { session: Session; key: RequestKey }) {
  const { session } = request;
  const answer = await once(services.sql, { tenant: session.tenant, key: request.key }, async () => {
    const account = await selectPhoneOfUser(services.sql, session.tenant, session.id);
    if (account?.password_hash === NO_PASSWORD)
      throw new ApiError(
        409,
        "wechat_unlink_refused",
        "set a password before unlinking WeChat: it is this account's only sign-in",
      );
    if (await deleteIdentity(services.sql, session.tenant, session.id))
      await services.audit.recordBy(session, { action: "wechat.unlink" });
    return { status: 200, body: await accountSecurity(services, session) };
  });
  return answer.body as AccountSecurity;
}

export type AccountSecurity = Awaited<ReturnType<typeof accountSecurity>>;

/** What the account security page shows: WeChat linked or not, the phone bound, a password set. */
export async function accountSecurity(services: Services, session: Session) {
  const [identity, account] = await Promise.all([
    selectIdentityOfUser(services.sql, session.tenant, session.id),
    selectPhoneOfUser(services.sql, session.tenant, session.id),
  ]);
  const verified = account?.phone_verified_at ?? null;
  const phone = account?.phone ?? null;
  return {
    hasPassword: account !== undefined && account.password_hash !== NO_PASSWORD,
    wechat:
      identity === undefined
        ? null
        : {
            app: identity.app,
            nickname: identity.nickname,
            linkedAt: new Date(identity.linked_at).toISOString(),
          },
    phone:
      phone === null || verified === null
        ? null
        : { masked: maskPhone(phone), boundAt: new Date(verified).toISOString() },
  };
}

/** 138****5678: enough to recognise one's own number. */
export const maskPhone = (phone: string) =>
  phone.length <= 7 ? `${phone.slice(0, 2)}***` : `${phone.slice(0, 3)}****${phone.slice(-4)}`;

/**
 * The openid of a member's linked WeChat, for payouts to its WeChat balance (task J), or undefined
 * when the member has not linked one. The openid belongs to `appid` (the official account's or the
 * mini program's): a transfer must name the same app id.
 */
export async function wechatOpenidOf(
  services: Services,
  tenant: string,
  memberId: string,
): Promise<{ openid: string; appid: string } | undefined> {
  return selectOpenidOfMember(services.sql, tenant, memberId);
}

/**
 * Accounts: log in, log out, who am I, register a member, change the password, list and revoke the
 * caller's sessions; the tenant of an address, and WeChat sign-in (web authorization and a mini
 * program). Every kind of login and registration opens the session alike.
 */
import { OPERATIONS } from "@zengzhi/contract";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { logIn, registerOnce } from "../domain/accounts.js";
import type { Session, User } from "../domain/auth.js";
import {
  changePassword,
  listSessions,
  logOut,
  revokeOtherSessions,
  revokeSession,
} from "../domain/sessions.js";
import { resetPasswordWithCode } from "../domain/password-reset.js";
import { timeZoneOf } from "../domain/day-close.js";
import type { Services } from "../domain/services.js";
import { requestKey } from "../http/request-key.js";
import { route } from "../http/route.js";
import {
  browserTokenOf,
  clearSessionCookie,
  setBrowserTokenCookie,
  setSessionCookie,
} from "../http/session-cookie.js";
import { getSignInOptions } from "../domain/sign-in-settings.js";
import {
  logInWithMiniProgram,
  logInWithWechat,
  requestWechatAuthorization,
  WECHAT_STATE_TTL_MS,
} from "../domain/wechat-sign-in.js";

export const publicUser = (s: Session) => ({
  id: s.id,
  tenant: s.tenant,
  username: s.username,
  role: s.role,
  memberId: s.memberId,
  merchantId: s.merchantId,
});

/**
 * Opens a session for a user who has just shown who they are: the token goes into the HttpOnly
 * cookie and into the answer for Bearer use. The database keeps only the token's hash.
 */
async function openSession(
  services: Services,
  http: { request: FastifyRequest; reply: FastifyReply },
  user: User,
) {
  const origin = { address: http.request.ip, userAgent: http.request.headers["user-agent"] ?? "" };
  const token = await services.sessions.create(user, origin);
  setSessionCookie(http.request, http.reply, token, services.sessions.maxAgeMs);
  return { token, user };
}

export function authRoutes(app: FastifyInstance, services: Services): void {
  route(app, OPERATIONS.logIn, async ({ body, request, reply }) => {
    const user = await logIn(services, { ...body, address: request.ip });
    return openSession(services, { request, reply }, user);
  });

  // Public and safe to repeat: the session, if the request still names a live one, ends.
  route(app, OPERATIONS.logOut, async ({ request, reply }) => {
    await logOut(services, request.session);
    clearSessionCookie(request, reply);
    return reply.code(204).send();
  });

  route(app, OPERATIONS.getCurrentUser, async ({ session }) => ({
    user: publicUser(session),
    timeZone: await timeZoneOf(services, session.tenant),
  }));

  route(app, OPERATIONS.registerMember, async ({ body, request, reply }) => {
    const key = requestKey(request, null, `register:${body.tenant}:${body.username}`);
    const registered = await registerOnce(services, { key, address: request.ip }, body);
    return reply
      .code(registered.status)
      .send(await openSession(services, { request, reply }, registered.user));
  });

  route(app, OPERATIONS.changePassword, ({ session, body, request }) =>
    changePassword(
      services,
      { session, key: requestKey(request, session, "password"), address: request.ip },
      body,
    ),
  );

  route(app, OPERATIONS.changePasswordWithCode, ({ body, request }) =>
    resetPasswordWithCode(services, { ...body, address: request.ip }),
  );

  route(app, OPERATIONS.listSessions, ({ session }) => listSessions(services, session));

  route(app, OPERATIONS.revokeSession, ({ session, params, request }) =>
    revokeSession(services, { session, key: requestKey(request, session, "session-revoke") }, params.id!),
  );

  route(app, OPERATIONS.revokeOtherSessions, ({ session, request }) =>
    revokeOtherSessions(services, { session, key: requestKey(request, session, "sessions-revoke") }),
  );

  wechatRoutes(app, services);
}

/** The tenant of an address and WeChat sign-in: the H5's authorize redirect and a mini program's code. */
function wechatRoutes(app: FastifyInstance, services: Services): void {
  route(app, OPERATIONS.getSignInOptions, ({ query, request }) =>
    getSignInOptions(services, { tenant: query.tenant, host: request.headers.host }),
  );

  route(app, OPERATIONS.requestWechatAuthorization, async ({ body, request, reply }) => {
    const started = await requestWechatAuthorization(services, {
      tenant: body.tenant,
      intent: "login",
      scope: body.scope,
      redirectPath: `/t/${body.tenant}/wechat`,
    });
    setBrowserTokenCookie(request, reply, started.browserToken, WECHAT_STATE_TTL_MS);
    return { url: started.url, expiresInSeconds: started.expiresInSeconds };
  });

  route(app, OPERATIONS.logInWithWechat, async ({ body, request, reply }) => {
    const signedIn = await logInWithWechat(
      services,
      { browserToken: browserTokenOf(request), address: request.ip },
      body,
    );
    const opened = await openSession(services, { request, reply }, signedIn.user);
    return { ...opened, created: signedIn.created };
  });

  route(app, OPERATIONS.logInWithMiniProgram, async ({ body, request, reply }) => {
    const signedIn = await logInWithMiniProgram(services, { ...body, address: request.ip });
    const opened = await openSession(services, { request, reply }, signedIn.user);
    return { ...opened, created: signedIn.created };
  });
}

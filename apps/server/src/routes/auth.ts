/**
 * Accounts: log in (rate-limited), log out, who am I, and member registration with an optional
 * inviter's code (the engine's `join`; the inviter can only ever gain health value). Login and
 * registration open the session the same way (`openSession`).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import { registerMember } from "../accounts.js";
import { userFromRow, verifyPassword, type Role, type Session, type User } from "../auth.js";
import { ApiError } from "../errors.js";
import { passwordField, tenantField, usernameField } from "../fields.js";
import { route } from "../http.js";
import { LIMITS } from "../limits.js";
import { ledgerKey, once, type Services } from "../services.js";

const COOKIE = "zz_session";
/** Compared against when the user does not exist, so both paths cost one scrypt. */
const DUMMY_HASH = "scrypt$16384$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";

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
 * cookie and into the answer for Bearer use. The token is never stored anywhere but in the answer
 * (the database keeps only its hash).
 */
async function openSession(
  services: Services,
  http: { request: FastifyRequest; reply: FastifyReply },
  user: User,
): Promise<{ token: string; user: User }> {
  const token = await services.sessions.create(user);
  http.reply.setCookie(COOKIE, token, {
    httpOnly: true,
    sameSite: "lax",
    path: "/",
    secure: http.request.protocol === "https",
    maxAge: LIMITS.sessionLifetimeMs / 1000,
  });
  return { token, user };
}

/**
 * A replayed registration opens a session, so it proves the password as login does: the stored
 * fingerprint leaves passwords out (see `once`), and a password other than the account's makes it a
 * different request. Failures count against the login limit, so replays guess no faster than login.
 */
async function checkReplayedPassword(
  services: Services,
  request: FastifyRequest,
  input: { user: User; password: string },
): Promise<void> {
  const userKey = `${input.user.tenant}/${input.user.username}`;
  services.limiter.check(request.ip, userKey);
  const { rows } = await services.sql.query<{ password_hash: string }>(
    "SELECT password_hash FROM app_users WHERE tenant_id = $1 AND user_id = $2",
    [input.user.tenant, input.user.id],
  );
  if (!(await verifyPassword(input.password, rows[0]?.password_hash ?? DUMMY_HASH))) {
    services.limiter.fail(userKey);
    throw new ApiError(
      422,
      "idempotency_key_reused",
      "this Idempotency-Key was used for a different request",
    );
  }
  services.limiter.succeed(userKey);
}

export function authRoutes(app: FastifyInstance, services: Services): void {
  route(app, services, {
    method: "POST",
    url: "/api/auth/login",
    summary: "Log in; sets the zz_session cookie and returns the same token for Bearer use",
    tags: ["accounts"],
    roles: "public",
    body: z.strictObject({
      tenant: tenantField,
      username: z.string().max(64),
      password: z.string().max(256),
    }),
    handler: async ({ body, request, reply }) => {
      const userKey = `${body.tenant}/${body.username}`;
      services.limiter.check(request.ip, userKey);
      const { rows } = await services.sql.query<{
        tenant_id: string;
        user_id: string;
        username: string;
        role: Role;
        member_id: string | null;
        merchant_id: string | null;
        password_hash: string;
      }>("SELECT * FROM app_users WHERE tenant_id = $1 AND username = $2", [body.tenant, body.username]);
      const row = rows[0];
      const ok = await verifyPassword(body.password, row?.password_hash ?? DUMMY_HASH);
      if (row === undefined || !ok) {
        services.limiter.fail(userKey);
        throw new ApiError(401, "invalid_credentials", "the tenant, username or password is wrong");
      }
      services.limiter.succeed(userKey);
      const opened = await openSession(services, { request, reply }, userFromRow(row));
      const user = opened.user;
      services.audit.record({ tenant: user.tenant, actor: user.username, role: user.role, action: "login" });
      return opened;
    },
  });

  route(app, services, {
    method: "POST",
    url: "/api/auth/logout",
    summary: "Log out: revokes the session and clears the cookie",
    tags: ["accounts"],
    roles: "session",
    handler: async ({ session, reply }) => {
      await services.sessions.revoke(session);
      reply.clearCookie(COOKIE, { path: "/" });
      services.audit.recordBy(session, {
        action: "logout",
      });
      return reply.code(204).send();
    },
  });

  route(app, services, {
    method: "GET",
    url: "/api/auth/me",
    summary: "The logged-in user",
    tags: ["accounts"],
    roles: "session",
    handler: async ({ session }) => ({ user: publicUser(session) }),
  });

  route(app, services, {
    method: "POST",
    url: "/api/auth/register",
    summary:
      "Register a member (optionally with an inviter's code); opens a session like login (cookie and token)",
    tags: ["accounts"],
    roles: "public",
    body: z.strictObject({
      tenant: tenantField,
      username: usernameField,
      password: passwordField,
      inviteCode: usernameField.optional(),
    }),
    handler: async ({ body, request, reply }) => {
      await services.requireTenant(body.tenant);
      const scope = `register:${body.tenant}:${body.username}`;
      // `once` calls back only for the first request with this key; any other gets the stored answer.
      let replayed = true;
      const answer = await once(
        services,
        request,
        { tenant: body.tenant, session: null, scope },
        async () => {
          replayed = false;
          const user = await registerMember(services, {
            tenant: body.tenant,
            username: body.username,
            password: body.password,
            inviter: body.inviteCode,
            key: ledgerKey(request, null, scope),
          });
          services.audit.record({
            tenant: body.tenant,
            actor: user.username,
            role: "member",
            action: "register",
            detail: { inviter: body.inviteCode ?? null },
          });
          return { status: 201, body: { user } };
        },
      );
      // The stored answer holds the user only: a retry with the same key gets the same user and a
      // session of its own, so no token ever sits in app_idempotency.
      const { user } = answer.body as { user: User };
      if (replayed) await checkReplayedPassword(services, request, { user, password: body.password });
      return reply.code(answer.status).send(await openSession(services, { request, reply }, user));
    },
  });
}

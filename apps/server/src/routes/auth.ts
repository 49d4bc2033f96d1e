/** Accounts: log in, log out, who am I, register a member. Login and registration open the session alike. */
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import { logIn, logOut, registerOnce } from "../domain/accounts.js";
import type { Session, User } from "../domain/auth.js";
import type { Services } from "../domain/services.js";
import { passwordField, tenantField, usernameField } from "../http/fields.js";
import { requestKey } from "../http/request-key.js";
import { route } from "../http/route.js";
import { clearSessionCookie, setSessionCookie } from "../http/session-cookie.js";

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
  const token = await services.sessions.create(user);
  setSessionCookie(http.request, http.reply, token);
  return { token, user };
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
      const user = await logIn(services, { ...body, address: request.ip });
      return openSession(services, { request, reply }, user);
    },
  });

  route(app, services, {
    method: "POST",
    url: "/api/auth/logout",
    summary: "Log out: revokes the session and clears the cookie",
    tags: ["accounts"],
    roles: "session",
    handler: async ({ session, reply }) => {
      await logOut(services, session);
      clearSessionCookie(reply);
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
      const key = requestKey(request, null, `register:${body.tenant}:${body.username}`);
      const registered = await registerOnce(services, { key, address: request.ip }, body);
      return reply
        .code(registered.status)
        .send(await openSession(services, { request, reply }, registered.user));
    },
  });
}

/** Accounts: log in, log out, who am I, register a member. Login and registration open the session alike. */
import { OPERATIONS } from "@zengzhi/contract";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { logIn, logOut, registerOnce } from "../domain/accounts.js";
import type { Session, User } from "../domain/auth.js";
import type { Services } from "../domain/services.js";
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
  route(app, OPERATIONS.logIn, async ({ body, request, reply }) => {
    const user = await logIn(services, { ...body, address: request.ip });
    return openSession(services, { request, reply }, user);
  });

  route(app, OPERATIONS.logOut, async ({ session, reply }) => {
    await logOut(services, session);
    clearSessionCookie(reply);
    return reply.code(204).send();
  });

  route(app, OPERATIONS.getCurrentUser, ({ session }) => ({ user: publicUser(session) }));

  route(app, OPERATIONS.registerMember, async ({ body, request, reply }) => {
    const key = requestKey(request, null, `register:${body.tenant}:${body.username}`);
    const registered = await registerOnce(services, { key, address: request.ip }, body);
    return reply
      .code(registered.status)
      .send(await openSession(services, { request, reply }, registered.user));
  });
}

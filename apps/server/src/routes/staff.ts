/** Staff accounts: invite (operator, admin or merchant), accept an invite, list and revoke staff. */
import { OPERATIONS } from "@zengzhi/contract";
import type { FastifyInstance } from "fastify";
import { checkReplayedPassword } from "../domain/accounts.js";
import type { Services } from "../domain/services.js";
import { createStaffInvite, listStaff, registerStaffOnce, revokeStaff } from "../domain/staff.js";
import { requestKey } from "../http/request-key.js";
import { route } from "../http/route.js";
import { setSessionCookie } from "../http/session-cookie.js";

export function staffRoutes(app: FastifyInstance, services: Services): void {
  route(app, OPERATIONS.createStaffInvite, ({ session, body, request }) =>
    createStaffInvite(services, { session, key: requestKey(request, session, "staff-invite") }, body),
  );

  route(app, OPERATIONS.registerStaff, async ({ body, request, reply }) => {
    const key = requestKey(request, null, `staff-register:${body.tenant}:${body.username}`);
    const registered = await registerStaffOnce(services, { key, address: request.ip }, body);
    const { user } = registered;
    // A replay opens a session too, so it proves the password as login does.
    if (registered.replayed)
      await checkReplayedPassword(services, { user, password: body.password, address: request.ip });
    const origin = { address: request.ip, userAgent: request.headers["user-agent"] ?? "" };
    const token = await services.sessions.create(user, origin);
    setSessionCookie(request, reply, token, services.sessions.maxAgeMs);
    return reply.code(registered.status).send({ token, user });
  });

  route(app, OPERATIONS.listStaff, ({ session }) => listStaff(services, session));

  route(app, OPERATIONS.revokeStaff, ({ session, params, request }) =>
    revokeStaff(services, { session, key: requestKey(request, session, "staff-revoke") }, params.id!),
  );
}

/**
 * A user's own sessions and password: log out (safe to repeat), change the password (the current one
 * proves it, and every other session ends), list the live sessions, revoke one or all the others.
 */
import {
  deleteOtherSessions,
  deleteUserSession,
  selectPasswordHash,
  selectUserSessions,
  updatePasswordHash,
} from "../db/users.js";
import { LIMITS } from "../limits.js";
import { DUMMY_HASH } from "./accounts.js";
import { hashPassword, verifyPassword, type Session } from "./auth.js";
import { ApiError, notFound } from "./errors.js";
import { once, type RequestKey } from "./idempotency.js";
import { requireStrongPassword } from "./password-policy.js";
import type { Services } from "./services.js";

/** Ends the caller's session, if there is one: a repeat (or a request without one) changes nothing. */
export async function logOut(services: Services, session: Session | null): Promise<void> {
  if (session === null) return;
  await services.sessions.revoke(session);
  await services.audit.recordBy(session, { action: "logout" });
}

async function revokeOthers(services: Services, session: Session): Promise<number> {
  const revoked = await deleteOtherSessions(services.sql, {
    tenant: session.tenant,
    userId: session.id,
    keepTokenHash: session.tokenHash,
  });
  services.sessions.forget(revoked);
  return revoked.length;
}

/**
 * Changes the caller's password once per request key. The current password is checked under the
 * login throttle (a stolen session guesses it no faster than a login would), the new one against the
 * policy; every other session of the user ends, the caller's stays.
 */
export async function changePassword(
  services: Services,
  request: { session: Session; key: RequestKey; address: string },
  input: { currentPassword: string; newPassword: string },
) {
  const { session } = request;
  const account = `${session.tenant}/${session.username}`;
  const answer = await once(services.sql, { tenant: session.tenant, key: request.key }, async () => {
    services.throttle.check(account, request.address, services.now());
    const hash = await selectPasswordHash(services.sql, session.tenant, session.id);
    if (!(await verifyPassword(input.currentPassword, hash ?? DUMMY_HASH))) {
      services.throttle.fail(account, request.address, services.now());
      throw new ApiError(403, "current_password_wrong", "the current password is wrong", "currentPassword");
    }
    services.throttle.succeed(account, request.address);
    requireStrongPassword(input.newPassword, {
      names: [session.username, session.tenant],
      field: "newPassword",
    });
    const passwordHash = await hashPassword(input.newPassword);
    await updatePasswordHash(services.sql, { tenant: session.tenant, userId: session.id, passwordHash });
    const revoked = await revokeOthers(services, session);
    await services.audit.recordBy(session, {
      action: "password.change",
      detail: { sessionsRevoked: revoked },
    });
    return { status: 200, body: { sessionsRevoked: revoked } };
  });
  return answer.body as { sessionsRevoked: number };
}

const iso = (value: string | Date) => new Date(value).toISOString();

/** The caller's live sessions, latest activity first; `current` marks the caller's own. */
export async function listSessions(services: Services, session: Session) {
  const now = services.now();
  const rows = await selectUserSessions(services.sql, {
    tenant: session.tenant,
    userId: session.id,
    now,
    idleSince: now - services.sessions.idleMs,
    limit: LIMITS.sessionsListedMax,
  });
  return {
    sessions: rows.map((row) => {
      const lastSeenAt = new Date(row.last_seen_at).getTime();
      const idleEnd = lastSeenAt + services.sessions.idleMs;
      const end = Math.min(idleEnd, new Date(row.expires_at).getTime());
      return {
        id: row.session_id,
        current: row.token_hash === session.tokenHash,
        createdAt: iso(row.created_at),
        lastSeenAt: iso(row.last_seen_at),
        expiresAt: new Date(end).toISOString(),
        address: row.address,
        userAgent: row.user_agent,
      };
    }),
  };
}

/**
 * Revokes one of the caller's sessions by its id, once per request key (a retry gets the first 204);
 * 404 for an id that is not a live session of the caller's.
 */
export async function revokeSession(
  services: Services,
  request: { session: Session; key: RequestKey },
  sessionId: string,
): Promise<void> {
  const { session } = request;
  await once(services.sql, { tenant: session.tenant, key: request.key }, async () => {
    const tokenHash = await deleteUserSession(services.sql, {
      tenant: session.tenant,
      userId: session.id,
      sessionId,
    });
    if (tokenHash === undefined) throw notFound("session");
    services.sessions.forget([tokenHash]);
    await services.audit.recordBy(session, { action: "session.revoke", target: sessionId });
    return { status: 204, body: null };
  });
}

/** Revokes every session of the caller but the one making the request, once per request key. */
export async function revokeOtherSessions(
  services: Services,
  request: { session: Session; key: RequestKey },
) {
  const { session } = request;
  const answer = await once(services.sql, { tenant: session.tenant, key: request.key }, async () => {
    const revoked = await revokeOthers(services, session);
    await services.audit.recordBy(session, { action: "session.revoke-others", detail: { revoked } });
    return { status: 200, body: { revoked } };
  });
  return answer.body as { revoked: number };
}

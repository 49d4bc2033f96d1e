/**
 * An operator's password reset (issue 13 item 4): the operator issues a one-time code for a user of
 * its tenant (every session of that user ends at once); the user sets a new password with it. Only
 * the code's SHA-256 is stored; a code works once, for RESET_CODE_TTL_MS, and a wrong one counts as a
 * failed login of the account (the login throttle).
 */
import { createHash, randomInt } from "node:crypto";
import {
  deleteOtherSessions,
  selectUserByName,
  takePasswordReset,
  updatePasswordHash,
  upsertPasswordReset,
} from "../db/users.js";
import { hashPassword, type Session } from "./auth.js";
import { ApiError, notFound } from "./errors.js";
import { requireStrongPassword } from "./password-policy.js";
import type { Services } from "./services.js";

/** A reset code lives one day. */
export const RESET_CODE_TTL_MS = 24 * 60 * 60 * 1000;

const CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";

const codeHash = (code: string) => createHash("sha256").update(code, "utf8").digest("hex");

/** Ends every session of a user; how many ended. */
async function revokeAll(services: Services, tenant: string, userId: string): Promise<number> {
  const revoked = await deleteOtherSessions(services.sql, { tenant, userId, keepTokenHash: "" });
  services.sessions.forget(revoked);
  return revoked.length;
}

/** Issues a new one-time code for `username` (an earlier one stops working); its sessions end. */
export async function issuePasswordReset(services: Services, session: Session, username: string) {
  const user = await selectUserByName(services.sql, session.tenant, username);
  if (user === undefined) throw notFound(`user ${username}`);
  // 16 characters of 31 without look-alikes (about 79 random bits), in groups of four to read aloud.
  const code = Array.from({ length: 16 }, () => CODE_ALPHABET[randomInt(CODE_ALPHABET.length)])
    .join("")
    .replace(/(.{4})(?=.)/g, "$1-");
  const expiresAt = services.now() + RESET_CODE_TTL_MS;
  await upsertPasswordReset(services.sql, {
    tenant: session.tenant,
    userId: user.user_id,
    codeHash: codeHash(code),
    expiresAt,
    createdBy: session.username,
  });
  const sessionsRevoked = await revokeAll(services, session.tenant, user.user_id);
  await services.audit.recordBy(session, {
    action: "password.reset-issued",
    target: `user ${username}`,
    detail: { sessionsRevoked },
  });
  return { username, code, expiresAt: new Date(expiresAt).toISOString(), sessionsRevoked };
}

/** Sets a new password with a one-time code; every session of the user ends. */
export async function resetPasswordWithCode(
  services: Services,
  input: { tenant: string; username: string; code: string; newPassword: string; address: string },
) {
  const account = `${input.tenant}/${input.username}`;
  services.throttle.check(account, input.address, services.now());
  const user = await selectUserByName(services.sql, input.tenant, input.username);
  requireStrongPassword(input.newPassword, { names: [input.username, input.tenant], field: "newPassword" });
  const taken =
    user !== undefined &&
    (await takePasswordReset(services.sql, {
      tenant: input.tenant,
      userId: user.user_id,
      codeHash: codeHash(input.code.trim().toUpperCase()),
      now: services.now(),
    }));
  if (!taken) {
    services.throttle.fail(account, input.address, services.now());
    throw new ApiError(401, "invalid_credentials", "the tenant, username or reset code is wrong or expired");
  }
  services.throttle.succeed(account, input.address);
  await updatePasswordHash(services.sql, {
    tenant: input.tenant,
    userId: user.user_id,
    passwordHash: await hashPassword(input.newPassword),
  });
  const sessionsRevoked = await revokeAll(services, input.tenant, user.user_id);
  await services.audit.record({
    tenant: input.tenant,
    actor: user.username,
    role: user.role,
    action: "password.reset",
    detail: { sessionsRevoked },
  });
  return { sessionsRevoked };
}

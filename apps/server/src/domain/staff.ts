/**
 * Staff accounts: an operator (or admin) invites admins, finance, support and auditors; a merchant
 * invites cashiers for its till. An invite is a random code shown once (only its SHA-256 is kept),
 * valid once for a week; the invitee chooses a username and password. Revoking closes the login and
 * ends its sessions at once.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { MERCHANT_STAFF_ROLES, OPERATOR_STAFF_ROLES, roleSide, type StaffRole } from "@zengzhi/contract";
import { insertInvite, revokeStaffUser, selectStaff, useInvite } from "../db/staff.js";
import { insertUser } from "../db/users.js";
import { hashPassword, hashToken, type Session, type User } from "./auth.js";
import { ApiError, conflict, notFound } from "./errors.js";
import { once, type RequestKey } from "./idempotency.js";
import { requireStrongPassword } from "./password-policy.js";
import type { Services } from "./services.js";

const INVITE_TTL_MS = 7 * 24 * 60 * 60 * 1000;
const STAFF_LIST_MAX = 500;

/** The roles a caller may give and see: the operator's side its staff, a merchant its cashiers. */
function staffRolesOf(session: Session): readonly StaffRole[] {
  return roleSide(session.role) === "merchant" ? MERCHANT_STAFF_ROLES : OPERATOR_STAFF_ROLES;
}

/** The merchant whose staff the caller manages (null: the operator's side). */
const merchantScope = (session: Session) =>
  roleSide(session.role) === "merchant" ? session.merchantId : null;

export async function createStaffInvite(
  services: Services,
  request: { session: Session; key: RequestKey },
  input: { role: StaffRole },
) {
  const { session } = request;
  if (!staffRolesOf(session).includes(input.role))
    throw new ApiError(
      403,
      "staff_role_not_allowed",
      `this login may invite ${staffRolesOf(session).join(", ")} only`,
      "role",
    );
  const answer = await once(services.sql, { tenant: session.tenant, key: request.key }, async () => {
    const code = randomBytes(24).toString("base64url");
    const now = services.now();
    const merchantId = merchantScope(session);
    await insertInvite(services.sql, {
      tenant: session.tenant,
      codeHash: hashToken(code),
      role: input.role,
      merchantId,
      createdBy: session.username,
      now,
      expiresAt: now + INVITE_TTL_MS,
    });
    await services.audit.recordBy(session, { action: "staff.invite", detail: { role: input.role } });
    const body = {
      code,
      role: input.role,
      merchantId,
      expiresAt: new Date(now + INVITE_TTL_MS).toISOString(),
    };
    return { status: 201, body };
  });
  return answer.body;
}

/** Creates the invitee's login from an open invite (the invite is used in the same step). */
async function acceptInvite(
  services: Services,
  input: { tenant: string; inviteCode: string; username: string; password: string },
): Promise<User> {
  requireStrongPassword(input.password, { names: [input.username, input.tenant], field: "password" });
  const userId = randomUUID();
  const passwordHash = await hashPassword(input.password);
  return services.sql.transaction(async (sql) => {
    const invite = await useInvite(sql, {
      tenant: input.tenant,
      codeHash: hashToken(input.inviteCode),
      userId,
      now: services.now(),
    });
    if (invite === undefined)
      throw new ApiError(
        404,
        "invite_not_valid",
        "this invite code is unknown, used or expired",
        "inviteCode",
      );
    const user: User = {
      id: userId,
      tenant: input.tenant,
      username: input.username,
      role: invite.role as StaffRole,
      memberId: null,
      merchantId: invite.merchant_id,
    };
    const inserted = await insertUser(sql, {
      tenant_id: user.tenant,
      user_id: user.id,
      username: user.username,
      password_hash: passwordHash,
      role: user.role,
      member_id: null,
      merchant_id: user.merchantId,
    });
    if (!inserted) throw conflict(`username ${input.username} is taken`);
    return user;
  });
}

/** Registers a member of staff once per request key (a replay proves the password, as registering a member does). */
export async function registerStaffOnce(
  services: Services,
  request: { key: RequestKey; address: string },
  input: { tenant: string; inviteCode: string; username: string; password: string },
): Promise<{ status: number; user: User; replayed: boolean }> {
  services.throttle.checkRegistration(request.address, services.now());
  await services.requireTenant(input.tenant);
  const answer = await once(services.sql, { tenant: input.tenant, key: request.key }, async () => {
    const user = await acceptInvite(services, input);
    await services.audit.record({
      tenant: user.tenant,
      actor: user.username,
      role: user.role,
      action: "staff.register",
    });
    return { status: 201, body: { user } };
  });
  const { user } = answer.body as { user: User };
  return { status: answer.status, user, replayed: answer.replayed };
}

export async function listStaff(services: Services, session: Session) {
  const rows = await selectStaff(services.sql, {
    tenant: session.tenant,
    roles: staffRolesOf(session),
    merchantId: merchantScope(session),
    limit: STAFF_LIST_MAX,
  });
  return {
    items: rows.map((row) => ({
      id: row.user_id,
      username: row.username,
      role: row.role as StaffRole,
      merchantId: row.merchant_id,
      createdAt: new Date(row.created_at).toISOString(),
    })),
  };
}

/** Revokes one of the caller's staff: the login closes and its sessions end on this node at once. */
export async function revokeStaff(
  services: Services,
  request: { session: Session; key: RequestKey },
  userId: string,
): Promise<void> {
  const { session } = request;
  await once(services.sql, { tenant: session.tenant, key: request.key }, async () => {
    const tokens = await revokeStaffUser(services.sql, {
      tenant: session.tenant,
      userId,
      roles: staffRolesOf(session),
      merchantId: merchantScope(session),
      now: services.now(),
    });
    if (tokens === undefined) throw notFound("staff login");
    services.sessions.forget(tokens);
    await services.audit.recordBy(session, { action: "staff.revoke", target: userId });
    return { status: 204, body: null };
  });
}

/**
 * Accounts: tenants with their first rule set and operator, login (throttled per account and
 * address), member registration (the engine's `join`; an inviter only ever gains health value),
 * merchants' logins. Shared by the routes and the demo seed. Sessions and passwords: sessions.ts.
 */
import { randomUUID } from "node:crypto";
import { RuleSetError, loadRuleSet, ruleSetToJson } from "@zengzhi/engine";
import { markTenantAudited } from "../db/audit.js";
import { insertRuleVersion } from "../db/history.js";
import { insertUser, selectPasswordHash, selectUserByName, usernameExists } from "../db/users.js";
import { hashPassword, userFromRow, verifyPassword, type Role, type User } from "./auth.js";
import { ApiError, conflict } from "./errors.js";
import { once, type RequestKey } from "./idempotency.js";
import { requireStrongPassword } from "./password-policy.js";
import type { Services } from "./services.js";

/** Compared against when the user does not exist, so both paths cost one scrypt. */
export const DUMMY_HASH =
  "scrypt$16384$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";

/** Validates a rule set with the engine's loader; a refusal becomes 422 invalid_rules naming the rule. */
export function validateRules(raw: unknown) {
  try {
    return ruleSetToJson(loadRuleSet(raw ?? {}));
  } catch (error) {
    if (error instanceof RuleSetError) {
      throw new ApiError(
        422,
        "invalid_rules",
        error.reason,
        error.path === "" ? "rules" : `rules.${error.path}`,
        {
          ruleCode: error.code,
        },
      );
    }
    throw error;
  }
}

export async function createUser(
  services: Services,
  input: {
    tenant: string;
    username: string;
    password: string;
    role: Role;
    memberId?: string;
    merchantId?: string;
  },
): Promise<User> {
  // The password policy is checked by each caller before its first write (requireStrongPassword):
  // createTenant, registerMember and createMerchant.
  const user: User = {
    id: randomUUID(),
    tenant: input.tenant,
    username: input.username,
    role: input.role,
    memberId: input.memberId ?? null,
    merchantId: input.merchantId ?? null,
  };
  const inserted = await insertUser(services.sql, {
    tenant_id: user.tenant,
    user_id: user.id,
    username: user.username,
    password_hash: await hashPassword(input.password),
    role: user.role,
    member_id: user.memberId,
    merchant_id: user.merchantId,
  });
  if (!inserted) throw conflict(`username ${input.username} is taken`);
  return user;
}

export function usernameTaken(services: Services, tenant: string, username: string): Promise<boolean> {
  return usernameExists(services.sql, tenant, username);
}

export function recordRuleVersion(
  services: Services,
  input: { tenant: string; rules: unknown; seq: number | null; createdBy: string },
): Promise<number> {
  return insertRuleVersion(services.sql, input);
}

export async function createTenant(
  services: Services,
  input: {
    tenant: string;
    rules?: unknown;
    operator: { username: string; password: string };
    createdBy: string;
  },
) {
  const rules = validateRules(input.rules);
  requireStrongPassword(input.operator.password, {
    names: [input.operator.username, input.tenant],
    field: "operator.password",
  });
  if (await services.tenantExists(input.tenant)) throw conflict(`tenant ${input.tenant} exists`);
  await services.ledger.createTenant(input.tenant, rules);
  await markTenantAudited(services.sql, input.tenant);
  await recordRuleVersion(services, { tenant: input.tenant, rules, seq: null, createdBy: input.createdBy });
  const operator = await createUser(services, { tenant: input.tenant, ...input.operator, role: "operator" });
  return { tenant: input.tenant, rules, operator };
}

/** An operator creates another tenant (a scheme) with its own operator account, once per request key. */
export async function createTenantOnce(
  services: Services,
  request: { actor: { tenant: string; username: string; role: string }; key: RequestKey },
  input: { tenant: string; rules?: unknown; operator: { username: string; password: string } },
) {
  const { actor } = request;
  return once(services.sql, { tenant: actor.tenant, key: request.key }, async () => {
    const created = await createTenant(services, {
      ...input,
      createdBy: `${actor.tenant}/${actor.username}`,
    });
    await services.audit.recordBy(actor, { action: "tenant.create", target: input.tenant });
    return { status: 201, body: { tenant: created.tenant, rules: created.rules } };
  });
}

/** Registers a member: the engine's `join` (inviter checked there), then the login account. */
export async function registerMember(
  services: Services,
  input: { tenant: string; username: string; password: string; inviter?: string | undefined; key: string },
): Promise<User> {
  requireStrongPassword(input.password, { names: [input.username, input.tenant], field: "password" });
  if (await usernameTaken(services, input.tenant, input.username))
    throw conflict(`username ${input.username} is taken`);
  const command =
    input.inviter === undefined
      ? { type: "join" as const, member: input.username }
      : { type: "join" as const, member: input.username, inviter: input.inviter };
  try {
    await services.gateway.submit(input.tenant, input.key, command, {
      actor: input.username,
      role: "member",
      action: "register",
      target: null,
      detail: { inviter: input.inviter ?? null },
    });
  } catch (error) {
    if (error instanceof ApiError && error.code === "member_exists")
      throw conflict(`username ${input.username} is taken`);
    if (error instanceof ApiError && error.code === "unknown_inviter") {
      throw new ApiError(404, "unknown_inviter", "no member has this invite code", "inviteCode");
    }
    throw error;
  }
  return createUser(services, { ...input, role: "member", memberId: input.username });
}

/**
 * Checks a login's password, throttled per (account, client address) with a per-address ceiling
 * (login-throttle.ts); the user, or 401. A wrong password makes only this address wait longer.
 */
export async function logIn(
  services: Services,
  input: { tenant: string; username: string; password: string; address: string },
): Promise<User> {
  const account = `${input.tenant}/${input.username}`;
  services.throttle.check(account, input.address, services.now());
  const row = await selectUserByName(services.sql, input.tenant, input.username);
  const ok = await verifyPassword(input.password, row?.password_hash ?? DUMMY_HASH);
  if (row === undefined || !ok) {
    services.throttle.fail(account, input.address, services.now());
    throw new ApiError(401, "invalid_credentials", "the tenant, username or password is wrong");
  }
  services.throttle.succeed(account, input.address);
  const user = userFromRow(row);
  await services.audit.record({
    tenant: user.tenant,
    actor: user.username,
    role: user.role,
    action: "login",
  });
  return user;
}

/**
 * Registers a member once per request key. A replayed registration opens a session, so it proves
 * the password as login does: the stored fingerprint leaves passwords out (see http/request-key.ts),
 * and a password other than the account's makes it a different request. Failures count against the
 * login throttle, so replays guess no faster than login. Every registration request counts against
 * its address's hourly ceiling.
 */
export async function registerOnce(
  services: Services,
  request: { key: RequestKey; address: string },
  input: { tenant: string; username: string; password: string; inviteCode?: string | undefined },
): Promise<{ status: number; user: User }> {
  services.throttle.checkRegistration(request.address, services.now());
  await services.requireTenant(input.tenant);
  const answer = await once(services.sql, { tenant: input.tenant, key: request.key }, async () => {
    const user = await registerMember(services, {
      tenant: input.tenant,
      username: input.username,
      password: input.password,
      inviter: input.inviteCode,
      key: request.key.ledger,
    });
    // The stored answer holds the user only: a retry gets the same user and a session of its own,
    // so no token ever sits in app_idempotency.
    return { status: 201, body: { user } };
  });
  const { user } = answer.body as { user: User };
  if (answer.replayed)
    await checkReplayedPassword(services, { user, password: input.password, address: request.address });
  return { status: answer.status, user };
}

export async function checkReplayedPassword(
  services: Services,
  input: { user: User; password: string; address: string },
): Promise<void> {
  const account = `${input.user.tenant}/${input.user.username}`;
  services.throttle.check(account, input.address, services.now());
  const hash = await selectPasswordHash(services.sql, input.user.tenant, input.user.id);
  if (!(await verifyPassword(input.password, hash ?? DUMMY_HASH))) {
    services.throttle.fail(account, input.address, services.now());
    throw new ApiError(
      422,
      "idempotency_key_reused",
      "this Idempotency-Key was used for a different request",
    );
  }
  services.throttle.succeed(account, input.address);
}

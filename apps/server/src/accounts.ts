/**
 * Creating tenants and accounts, shared by the routes and the demo seed: a tenant gets its first
 * rule-set version in the ledger and in the version history; a member account is an engine `join`.
 */
import { randomUUID } from "node:crypto";
import { RuleSetError, loadRuleSet, ruleSetToJson } from "@zengzhi/engine";
import { hashPassword, type Role, type User } from "./auth.js";
import { ApiError, conflict } from "./errors.js";
import type { Services } from "./services.js";

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
  const user: User = {
    id: randomUUID(),
    tenant: input.tenant,
    username: input.username,
    role: input.role,
    memberId: input.memberId ?? null,
    merchantId: input.merchantId ?? null,
  };
  const hash = await hashPassword(input.password);
  const { rows } = await services.sql.query(
    `INSERT INTO app_users (tenant_id, user_id, username, password_hash, role, member_id, merchant_id)
     VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (tenant_id, username) DO NOTHING RETURNING user_id`,
    [user.tenant, user.id, user.username, hash, user.role, user.memberId, user.merchantId],
  );
  if (rows.length === 0) throw conflict(`username ${input.username} is taken`);
  return user;
}

export async function usernameTaken(services: Services, tenant: string, username: string): Promise<boolean> {
  const { rows } = await services.sql.query(
    "SELECT 1 FROM app_users WHERE tenant_id = $1 AND username = $2",
    [tenant, username],
  );
  return rows.length > 0;
}

export async function recordRuleVersion(
  services: Services,
  input: { tenant: string; rules: unknown; seq: number | null; createdBy: string },
): Promise<number> {
  const { rows } = await services.sql.query<{ version: number }>(
    `INSERT INTO app_rule_versions (tenant_id, version, rules, seq, created_by)
     SELECT $1, coalesce(max(version), 0) + 1, $2::jsonb, $3, $4 FROM app_rule_versions WHERE tenant_id = $1
     RETURNING version`,
    [input.tenant, JSON.stringify(input.rules), input.seq, input.createdBy],
  );
  return Number(rows[0]!.version);
}

export async function createTenant(
  services: Services,
  input: {
    tenant: string;
    rules: unknown;
    operator: { username: string; password: string };
    createdBy: string;
  },
) {
  const rules = validateRules(input.rules);
  if (await services.tenantExists(input.tenant)) throw conflict(`tenant ${input.tenant} exists`);
  await services.ledger.createTenant(input.tenant, rules);
  await recordRuleVersion(services, { tenant: input.tenant, rules, seq: null, createdBy: input.createdBy });
  const operator = await createUser(services, { tenant: input.tenant, ...input.operator, role: "operator" });
  return { tenant: input.tenant, rules, operator };
}

/** Registers a member: the engine's `join` (inviter checked there), then the login account. */
export async function registerMember(
  services: Services,
  input: { tenant: string; username: string; password: string; inviter?: string | undefined; key: string },
): Promise<User> {
  if (await usernameTaken(services, input.tenant, input.username))
    throw conflict(`username ${input.username} is taken`);
  const command =
    input.inviter === undefined
      ? { type: "join" as const, member: input.username }
      : { type: "join" as const, member: input.username, inviter: input.inviter };
  try {
    await services.submit(input.tenant, input.key, command);
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

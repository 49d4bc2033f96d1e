/**
 * Tenants and rule sets: an operator creates a tenant (with its own operator account) and publishes
 * new rule-set versions. The engine validates each version and applies it to later events only; the
 * history of versions is kept in app_rule_versions.
 */
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { createTenant, recordRuleVersion, validateRules } from "../accounts.js";
import { passwordField, tenantField, usernameField } from "../fields.js";
import { route } from "../http.js";
import { ledgerKey, once, type Services } from "../services.js";
import { rulesView } from "../views.js";

export function tenantRoutes(app: FastifyInstance, services: Services): void {
  route(app, services, {
    method: "POST",
    url: "/api/tenants",
    summary: "Create a tenant (a scheme) with its first rule set and its own operator account",
    tags: ["tenants"],
    roles: ["operator"],
    body: z.strictObject({
      tenant: tenantField,
      rules: z.unknown().optional(),
      operator: z.strictObject({ username: usernameField, password: passwordField }),
    }),
    handler: async ({ body, session, request, reply }) => {
      const answer = await once(
        services,
        request,
        { tenant: session.tenant, session, scope: "tenants" },
        async () => {
          const created = await createTenant(services, {
            tenant: body.tenant,
            rules: body.rules,
            operator: body.operator,
            createdBy: `${session.tenant}/${session.username}`,
          });
          services.audit.recordBy(session, {
            action: "tenant.create",
            target: body.tenant,
          });
          return { status: 201, body: { tenant: created.tenant, rules: created.rules } };
        },
      );
      return reply.code(answer.status).send(answer.body);
    },
  });

  route(app, services, {
    method: "GET",
    url: "/api/rules",
    summary: "The rule set in force and the history of versions (newest first)",
    tags: ["tenants"],
    roles: "session",
    handler: async ({ session }) => {
      const current = await services.read(session.tenant, rulesView);
      const { rows } = await services.sql.query<{
        version: number;
        rules: unknown;
        seq: string | null;
        created_at: string | Date;
        created_by: string;
      }>(
        "SELECT version, rules, seq::text AS seq, created_at, created_by FROM app_rule_versions WHERE tenant_id = $1 ORDER BY version DESC LIMIT 100",
        [session.tenant],
      );
      const versions = rows.map((row) => ({
        version: Number(row.version),
        rules: row.rules,
        seq: row.seq === null ? null : Number(row.seq),
        createdAt: new Date(row.created_at).toISOString(),
        createdBy: row.created_by,
      }));
      const latest = versions[0];
      return {
        current: {
          ...(latest ?? { version: 1, seq: null, createdAt: null, createdBy: null }),
          rules: current,
        },
        versions,
      };
    },
  });

  route(app, services, {
    method: "POST",
    url: "/api/rules",
    summary: "Publish a new rule-set version (validated by the engine; applies to later events only)",
    tags: ["tenants"],
    roles: ["operator"],
    body: z.strictObject({ rules: z.record(z.string(), z.unknown()) }),
    handler: async ({ body, session, request, reply }) => {
      const tenant = session.tenant;
      const answer = await once(services, request, { tenant, session, scope: "rules" }, async () => {
        const rules = validateRules(body.rules);
        const outcome = await services.submit(tenant, ledgerKey(request, session, "rules"), {
          type: "rules",
          rules,
        });
        const seq = typeof outcome.seq === "number" ? outcome.seq : null;
        const version = await recordRuleVersion(services, {
          tenant,
          rules,
          seq,
          createdBy: session.username,
        });
        services.audit.record({
          tenant,
          actor: session.username,
          role: session.role,
          action: "rules.publish",
          target: `version ${version}`,
          detail: { rules },
        });
        return {
          status: 201,
          body: {
            version,
            rules,
            seq,
            createdAt: new Date(services.now()).toISOString(),
            createdBy: session.username,
          },
        };
      });
      return reply.code(answer.status).send(answer.body);
    },
  });
}

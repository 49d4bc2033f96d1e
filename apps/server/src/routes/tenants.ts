/** Tenants and rule sets: create a tenant, read the rules in force, publish a new version. */
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { createTenantOnce } from "../domain/accounts.js";
import { publishRules, readRules } from "../domain/rules.js";
import type { Services } from "../domain/services.js";
import { passwordField, tenantField, usernameField } from "../http/fields.js";
import { requestKey } from "../http/request-key.js";
import { route } from "../http/route.js";

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
      const key = requestKey(request, session, "tenants");
      const answer = await createTenantOnce(services, { actor: session, key }, body);
      return reply.code(answer.status).send(answer.body);
    },
  });

  route(app, services, {
    method: "GET",
    url: "/api/rules",
    summary: "The rule set in force and the history of versions (newest first)",
    tags: ["tenants"],
    roles: "session",
    handler: ({ session }) => readRules(services, session),
  });

  route(app, services, {
    method: "POST",
    url: "/api/rules",
    summary: "Publish a new rule-set version (validated by the engine; applies to later events only)",
    tags: ["tenants"],
    roles: ["operator"],
    body: z.strictObject({ rules: z.record(z.string(), z.unknown()) }),
    handler: async ({ body, session, request, reply }) => {
      const answer = await publishRules(
        services,
        { session, key: requestKey(request, session, "rules") },
        body,
      );
      return reply.code(answer.status).send(answer.body);
    },
  });
}

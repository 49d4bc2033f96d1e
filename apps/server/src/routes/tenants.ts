/** Tenants and rule sets: create a tenant, read the rules in force, publish a new version. */
import { OPERATIONS } from "@zengzhi/contract";
import type { FastifyInstance } from "fastify";
import { createTenantOnce } from "../domain/accounts.js";
import { publishRules, readRules } from "../domain/rules.js";
import type { Services } from "../domain/services.js";
import { requestKey } from "../http/request-key.js";
import { route } from "../http/route.js";

export function tenantRoutes(app: FastifyInstance, services: Services): void {
  route(app, OPERATIONS.createTenant, async ({ body, session, request, reply }) => {
    const key = requestKey(request, session, "tenants");
    const answer = await createTenantOnce(services, { actor: session, key }, body);
    return reply.code(answer.status).send(answer.body);
  });

  route(app, OPERATIONS.getRules, ({ session }) => readRules(services, session));

  route(app, OPERATIONS.publishRules, async ({ body, session, request, reply }) => {
    const answer = await publishRules(
      services,
      { session, key: requestKey(request, session, "rules") },
      body,
    );
    return reply.code(answer.status).send(answer.body);
  });
}

/** The operator's reads: the tenant overview, its members and the audit log. */
import type { FastifyInstance } from "fastify";
import { listAudit } from "../domain/audit-log.js";
import { listMembers, readOverview } from "../domain/overview.js";
import type { Services } from "../domain/services.js";
import { pageQuery } from "../http/fields.js";
import { route } from "../http/route.js";

export function operatorRoutes(app: FastifyInstance, services: Services): void {
  route(app, services, {
    method: "GET",
    url: "/api/operator/overview",
    summary: "Pool, supply, price, every cash account and counts",
    tags: ["operators"],
    roles: ["operator"],
    handler: ({ session }) => readOverview(services, session),
  });

  route(app, services, {
    method: "GET",
    url: "/api/operator/members",
    summary: "Members with wallet, coins, health value and counts",
    tags: ["operators"],
    roles: ["operator"],
    query: pageQuery,
    handler: ({ session, query }) => listMembers(services, session, query),
  });

  route(app, services, {
    method: "GET",
    url: "/api/operator/audit",
    summary: "The audit log, newest first",
    tags: ["operators"],
    roles: ["operator"],
    query: pageQuery,
    handler: ({ session, query }) =>
      listAudit(services.audit, services.sql, { tenant: session.tenant, ...query }),
  });
}

/** The operator's reads: the tenant overview, its members, the reports and the audit log. */
import { OPERATIONS } from "@zengzhi/contract";
import type { FastifyInstance } from "fastify";
import { listAudit } from "../domain/audit-log.js";
import { listMembers, readOverview } from "../domain/overview.js";
import { readReport } from "../domain/reports.js";
import type { Services } from "../domain/services.js";
import { route } from "../http/route.js";

export function operatorRoutes(app: FastifyInstance, services: Services): void {
  route(app, OPERATIONS.getOverview, ({ session }) => readOverview(services, session));

  route(app, OPERATIONS.listMembers, ({ session, query }) => listMembers(services, session, query));

  route(app, OPERATIONS.getReport, ({ session, query }) => readReport(services, session, query));

  route(app, OPERATIONS.listAudit, ({ session, query }) =>
    listAudit(services.sql, { tenant: session.tenant, ...query }),
  );
}

/** The operator's reads and member administration: the overview, members, reports and the audit log. */
import { OPERATIONS } from "@zengzhi/contract";
import type { FastifyInstance } from "fastify";
import { listAudit } from "../domain/audit-log.js";
import { listMembers, readMember, updateMember } from "../domain/member-admin.js";
import { readOverview } from "../domain/overview.js";
import { issuePasswordReset } from "../domain/password-reset.js";
import { readReport } from "../domain/reports.js";
import type { Services } from "../domain/services.js";
import { requestKey } from "../http/request-key.js";
import { route } from "../http/route.js";

export function operatorRoutes(app: FastifyInstance, services: Services): void {
  route(app, OPERATIONS.getOverview, ({ session }) => readOverview(services, session));

  route(app, OPERATIONS.listMembers, ({ session, query }) => listMembers(services, session, query));

  route(app, OPERATIONS.getMember, ({ session, params }) => readMember(services, session, params.id ?? ""));

  route(app, OPERATIONS.updateMember, async ({ body, session, request, params, reply }) => {
    const id = params.id ?? "";
    const key = requestKey(request, session, `member:${id}`);
    const answer = await updateMember(services, { session, key }, { id, ...body });
    return reply.code(answer.status).send(answer.body);
  });

  route(app, OPERATIONS.createPasswordReset, async ({ session, params, reply }) =>
    reply.code(201).send(await issuePasswordReset(services, session, params.id ?? "")),
  );

  route(app, OPERATIONS.getReport, ({ session, query }) => readReport(services, session, query));

  route(app, OPERATIONS.listAudit, ({ session, query }) =>
    listAudit(services.sql, { tenant: session.tenant, ...query }),
  );
}

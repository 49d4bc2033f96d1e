/** The operator's withdrawal queue and its decisions. */
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import type { Services } from "../domain/services.js";
import { decideWithdrawal, listWithdrawals } from "../domain/withdrawals.js";
import { pageQuery } from "../http/fields.js";
import { requestKey } from "../http/request-key.js";
import { intParam, route } from "../http/route.js";

export function withdrawalRoutes(app: FastifyInstance, services: Services): void {
  route(app, services, {
    method: "GET",
    url: "/api/operator/withdrawals",
    summary: "The withdrawal queue (newest first)",
    tags: ["operators"],
    roles: ["operator"],
    query: pageQuery.extend({ status: z.enum(["pending", "approved", "rejected"]).optional() }),
    handler: ({ session, query }) => listWithdrawals(services, session, query),
  });

  for (const decision of ["approve", "reject"] as const) {
    route(app, services, {
      method: "POST",
      url: `/api/operator/withdrawals/:id/${decision}`,
      summary:
        decision === "approve"
          ? "Approve a pending withdrawal"
          : "Reject a pending withdrawal (cash back to the wallet)",
      tags: ["operators"],
      roles: ["operator"],
      handler: ({ session, params, request }) => {
        const withdrawal = intParam(params.id, "withdrawal");
        const key = requestKey(request, session, `withdrawal-${decision}:${withdrawal}`);
        return decideWithdrawal(services, { session, key, withdrawal }, decision);
      },
    });
  }
}

/** Merchants: list, add (operator), and settlements. Each handler: parse → one use case → view. */
import { OPERATIONS } from "@zengzhi/contract";
import type { FastifyInstance } from "fastify";
import { addMerchant, listMerchants, readSettlement } from "../domain/merchants.js";
import { listMerchantStatement } from "../domain/statements.js";
import type { Services } from "../domain/services.js";
import { requestKey } from "../http/request-key.js";
import { route } from "../http/route.js";

export function merchantRoutes(app: FastifyInstance, services: Services): void {
  route(app, OPERATIONS.listMerchants, ({ session, query }) =>
    listMerchants(services, session.tenant, query),
  );

  route(app, OPERATIONS.getOwnSettlement, ({ session }) => readSettlement(services, session, null));

  route(app, OPERATIONS.listMerchantStatement, ({ session, query }) =>
    listMerchantStatement(services, session, query),
  );

  route(app, OPERATIONS.getMerchantSettlement, ({ session, params }) =>
    readSettlement(services, session, params.id ?? ""),
  );

  route(app, OPERATIONS.createMerchant, async ({ body, session, request, reply }) => {
    const answer = await addMerchant(
      services,
      { session, key: requestKey(request, session, "merchants") },
      body,
    );
    return reply.code(answer.status).send(answer.body);
  });
}

/** Merchants: list, add (operator), and settlements. Each handler: parse → one use case → view. */
import { OPERATIONS } from "@zengzhi/contract";
import type { FastifyInstance } from "fastify";
import { addMerchant, listMerchants, readSettlement } from "../domain/merchants.js";
import { creditPrepaid, readPrepaid, setBounds, topUpPrepaid } from "../domain/prepaid.js";
import { listMerchantStatement } from "../domain/statements.js";
import type { Services } from "../domain/services.js";
import { money } from "../http/fields.js";
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

  route(app, OPERATIONS.getMerchantPrepaid, ({ session, params }) =>
    readPrepaid(services, session, params.id ?? ""),
  );

  route(app, OPERATIONS.recordPrepaidCredit, ({ session, params, body, request }) =>
    creditPrepaid(
      services,
      { session, key: requestKey(request, session, "prepaid.credit"), merchant: params.id ?? "" },
      { amount: money(body.amount, "amount"), reference: body.reference },
    ),
  );

  route(app, OPERATIONS.recordPrepaidTopUp, async ({ session, body, request, reply }) => {
    const key = requestKey(request, session, "prepaid.topUp");
    const answer = await topUpPrepaid(services, { session, key }, { amount: money(body.amount, "amount") });
    return reply.code(201).send(answer);
  });

  route(app, OPERATIONS.setSplitBounds, ({ session, params, body, request }) =>
    setBounds(
      services,
      { session, key: requestKey(request, session, "prepaid.bounds"), merchant: params.id ?? "" },
      body,
    ),
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

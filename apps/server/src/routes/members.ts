/** A member's own view and commands (/api/me/...). Each handler: parse → one use case → view. */
import { OPERATIONS } from "@zengzhi/contract";
import type { FastifyInstance } from "fastify";
import {
  listOwnPositions,
  listOwnWithdrawals,
  payWithPoints,
  previewSell,
  readMe,
  readOwnPosition,
  readRelease,
  requestWithdrawal,
  sell,
} from "../domain/members.js";
import { readLiabilityProof } from "../domain/liabilities.js";
import { createPaymentCode } from "../domain/payment-codes.js";
import { listOwnStatement } from "../domain/statements.js";
import type { Services } from "../domain/services.js";
import { money, points } from "../http/fields.js";
import { requestKey } from "../http/request-key.js";
import { intParam, route } from "../http/route.js";

export function memberRoutes(app: FastifyInstance, services: Services): void {
  route(app, OPERATIONS.getMemberSummary, ({ session }) => readMe(services, session));

  route(app, OPERATIONS.getLiabilityProof, ({ session }) => readLiabilityProof(services, session));

  route(app, OPERATIONS.listOwnPositions, ({ session, query }) => listOwnPositions(services, session, query));

  route(app, OPERATIONS.getOwnPosition, ({ session, params }) =>
    readOwnPosition(services, session, intParam(params.id, "position")),
  );

  route(app, OPERATIONS.createPaymentCode, async ({ session, request, reply }) => {
    const key = requestKey(request, session, "payment-codes");
    const answer = await createPaymentCode(services, { session, key });
    return reply.code(answer.status).send(answer.body);
  });

  route(app, OPERATIONS.sellPoints, ({ session, body, params, request }) => {
    const position = intParam(params.id, "position");
    const key = requestKey(request, session, `sell:${position}`);
    return sell(services, { session, key, position }, { points: points(body.points, "points") });
  });

  route(app, OPERATIONS.previewSell, ({ session, body, params }) =>
    previewSell(services, session, {
      position: intParam(params.id, "position"),
      points: points(body.points, "points"),
    }),
  );

  route(app, OPERATIONS.payWithPoints, ({ session, body, params, request }) => {
    const position = intParam(params.id, "position");
    const key = requestKey(request, session, `pay:${position}`);
    return payWithPoints(
      services,
      { session, key, position },
      { ...body, amount: money(body.amount, "amount") },
    );
  });

  route(app, OPERATIONS.getOwnRelease, ({ session }) => readRelease(services, session));

  route(app, OPERATIONS.listOwnStatement, ({ session, query }) => listOwnStatement(services, session, query));

  route(app, OPERATIONS.listOwnWithdrawals, ({ session, query }) =>
    listOwnWithdrawals(services, session, query),
  );

  route(app, OPERATIONS.requestWithdrawal, ({ session, body, request }) => {
    const key = requestKey(request, session, "withdraw");
    return requestWithdrawal(services, { session, key }, { amount: money(body.amount, "amount") });
  });
}

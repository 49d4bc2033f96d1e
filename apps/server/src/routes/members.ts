/** A member's own view and commands (/api/me/...). Each handler: parse → one use case → view. */
import type { FastifyInstance } from "fastify";
import { z } from "zod";
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
import type { Services } from "../domain/services.js";
import { idField, moneyField, pageQuery, pointsField } from "../http/fields.js";
import { requestKey } from "../http/request-key.js";
import { intParam, route } from "../http/route.js";

export function memberRoutes(app: FastifyInstance, services: Services): void {
  route(app, services, {
    method: "GET",
    url: "/api/me",
    summary: "The member's wallet, coins, health value, shares and release tier",
    tags: ["members"],
    roles: ["member"],
    handler: ({ session }) => readMe(services, session),
  });

  route(app, services, {
    method: "GET",
    url: "/api/me/positions",
    summary: "The member's positions, newest first, with exit threshold and current value",
    tags: ["members"],
    roles: ["member"],
    query: pageQuery.extend({ status: z.enum(["open", "exited", "closed"]).optional() }),
    handler: ({ session, query }) => listOwnPositions(services, session, query),
  });

  route(app, services, {
    method: "GET",
    url: "/api/me/positions/:id",
    summary: "One own position",
    tags: ["members"],
    roles: ["member"],
    handler: ({ session, params }) => readOwnPosition(services, session, intParam(params.id, "position")),
  });

  route(app, services, {
    method: "POST",
    url: "/api/me/positions/:id/sell",
    summary: "Sell points of an own position at the current price (fee stays in the pool)",
    tags: ["members"],
    roles: ["member"],
    body: z.strictObject({ points: pointsField }),
    handler: ({ session, body, params, request }) => {
      const position = intParam(params.id, "position");
      const key = requestKey(request, session, `sell:${position}`);
      return sell(services, { session, key, position }, body);
    },
  });

  route(app, services, {
    method: "POST",
    url: "/api/me/positions/:id/sell/preview",
    summary: "What selling these points would give now (the engine's previewSell; nothing changes)",
    tags: ["members"],
    roles: ["member"],
    body: z.strictObject({ points: pointsField }),
    handler: ({ session, body, params }) =>
      previewSell(services, session, { position: intParam(params.id, "position"), points: body.points }),
  });

  route(app, services, {
    method: "POST",
    url: "/api/me/positions/:id/pay",
    summary: "Pay a merchant with released points of an own position",
    tags: ["members"],
    roles: ["member"],
    body: z.strictObject({ amount: moneyField, merchant: idField }),
    handler: ({ session, body, params, request }) => {
      const position = intParam(params.id, "position");
      const key = requestKey(request, session, `pay:${position}`);
      return payWithPoints(services, { session, key, position }, body);
    },
  });

  route(app, services, {
    method: "GET",
    url: "/api/me/release",
    summary: "Health value, release tier and the locked points still to be released",
    tags: ["members"],
    roles: ["member"],
    handler: ({ session }) => readRelease(services, session),
  });

  route(app, services, {
    method: "GET",
    url: "/api/me/withdrawals",
    summary: "The member's withdrawals, newest first",
    tags: ["members"],
    roles: ["member"],
    query: pageQuery,
    handler: ({ session, query }) => listOwnWithdrawals(services, session, query),
  });

  route(app, services, {
    method: "POST",
    url: "/api/me/withdrawals",
    summary: "Ask to withdraw wallet cash (held until an operator approves or rejects)",
    tags: ["members"],
    roles: ["member"],
    body: z.strictObject({ amount: moneyField }),
    handler: async ({ session, body, request, reply }) => {
      const key = requestKey(request, session, "withdraw");
      return reply.code(201).send(await requestWithdrawal(services, { session, key }, body));
    },
  });
}

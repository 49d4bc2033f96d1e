/** Online orders: create, pay (sandbox), refund or cancel, list and read. Each handler: parse → one use case → view. */
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { createOrder, listOrders, payOrder, readOrder, refundOrder } from "../domain/orders.js";
import type { Services } from "../domain/services.js";
import { idField, pageQuery } from "../http/fields.js";
import { requestKey, idempotencyHeader } from "../http/request-key.js";
import { intParam, route } from "../http/route.js";
import { LIMITS } from "../limits.js";

export function orderRoutes(app: FastifyInstance, services: Services): void {
  route(app, services, {
    method: "POST",
    url: "/api/orders",
    summary: "Create an online order for a product (then pay it)",
    tags: ["orders"],
    roles: ["member"],
    body: z.strictObject({
      productId: idField,
      quantity: z.number().int().min(1).max(LIMITS.quantityMax).optional(),
    }),
    handler: async ({ body, session, request, reply }) => {
      const answer = await createOrder(
        services,
        { session, key: requestKey(request, session, "orders") },
        body,
      );
      return reply.code(answer.status).send(answer.body);
    },
  });

  route(app, services, {
    method: "POST",
    url: "/api/orders/:id/pay",
    summary: "Pay an own order with the sandbox provider (it delivers its signed callback)",
    tags: ["orders"],
    roles: ["member"],
    handler: async ({ session, request, params }) => {
      idempotencyHeader(request);
      return payOrder(services, session, intParam(params.id, "order"));
    },
  });

  route(app, services, {
    method: "POST",
    url: "/api/orders/:id/refund",
    summary: "Refund a paid order inside its refund window (no pool effect), or cancel an unpaid one",
    tags: ["orders"],
    roles: ["member", "merchant", "operator"],
    handler: async ({ session, request, params }) => {
      idempotencyHeader(request);
      return refundOrder(services, session, intParam(params.id, "order"));
    },
  });

  route(app, services, {
    method: "GET",
    url: "/api/orders",
    summary: "List orders: a member's own, a merchant's own, or all for an operator (newest first)",
    tags: ["orders"],
    roles: ["member", "merchant", "operator"],
    query: pageQuery.extend({
      status: z.enum(["created", "paid", "settled", "refunded", "cancelled"]).optional(),
    }),
    handler: ({ session, query }) => listOrders(services, session, query),
  });

  route(app, services, {
    method: "GET",
    url: "/api/orders/:id",
    summary: "One order (own only, or any for an operator)",
    tags: ["orders"],
    roles: ["member", "merchant", "operator"],
    handler: ({ session, params }) => readOrder(services, session, intParam(params.id, "order")),
  });
}

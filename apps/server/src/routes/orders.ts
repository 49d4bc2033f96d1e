/** Online orders: create, pay (sandbox), refund or cancel, list and read. Each handler: parse → one use case → view. */
import { OPERATIONS } from "@zengzhi/contract";
import type { FastifyInstance } from "fastify";
import { createOrder, listOrders, payOrder, readOrder, refundOrder } from "../domain/orders.js";
import { readOrderPayment } from "../domain/payment-query.js";
import { requestOrderPayment } from "../domain/provider-payments.js";
import type { Services } from "../domain/services.js";
import { requestKey } from "../http/request-key.js";
import { intParam, route } from "../http/route.js";

export function orderRoutes(app: FastifyInstance, services: Services): void {
  route(app, OPERATIONS.createOrder, async ({ body, session, request, reply }) => {
    const answer = await createOrder(
      services,
      { session, key: requestKey(request, session, "orders") },
      body,
    );
    return reply.code(answer.status).send(answer.body);
  });

  // Paying and refunding are safe to repeat (a paid order answers as it is); the route helper still
  // requires the Idempotency-Key, as on every state-changing request.
  route(app, OPERATIONS.payOrder, ({ session, params }) =>
    payOrder(services, session, intParam(params.id, "order")),
  );

  route(app, OPERATIONS.requestOrderPayment, ({ session, params, body, request }) =>
    requestOrderPayment(
      services,
      { session, clientIp: request.ip },
      { id: intParam(params.id, "order"), method: body.method, openid: body.openid },
    ),
  );

  route(app, OPERATIONS.refundOrder, ({ session, params }) =>
    refundOrder(services, session, intParam(params.id, "order")),
  );

  route(app, OPERATIONS.listOrders, ({ session, query }) => listOrders(services, session, query));

  route(app, OPERATIONS.getOrder, ({ session, params }) =>
    readOrder(services, session, intParam(params.id, "order")),
  );

  // The waiting page polls this: while the order waits, the provider is asked (settling by query).
  route(app, OPERATIONS.getOrderPayment, ({ session, params }) =>
    readOrderPayment(services, session, intParam(params.id, "order")),
  );
}

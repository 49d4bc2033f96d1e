/** Running the scheme: the pause switch, closing the day, reconciliation. */
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { closeDay, reconcile, setPause } from "../domain/scheme.js";
import type { Services } from "../domain/services.js";
import { idempotencyHeader, requestKey } from "../http/request-key.js";
import { route } from "../http/route.js";
import { LIMITS } from "../limits.js";

export function schemeRoutes(app: FastifyInstance, services: Services): void {
  route(app, services, {
    method: "POST",
    url: "/api/operator/pause",
    summary: "The pause switch: while paused, new orders, sales, sells and payments with points are refused",
    tags: ["operators"],
    roles: ["operator"],
    body: z.strictObject({ paused: z.boolean() }),
    handler: ({ session, body, request }) => {
      // Setting the switch to a value is safe to repeat; the key is still required, as on every POST.
      idempotencyHeader(request);
      return setPause(services, session, body.paused);
    },
  });

  route(app, services, {
    method: "POST",
    url: "/api/operator/close-day",
    summary: "Close the day: the engine advances, then paid orders past their refund window settle",
    tags: ["operators"],
    roles: ["operator"],
    body: z.strictObject({ days: z.number().int().min(1).max(LIMITS.closeDaysMax).optional() }),
    handler: ({ session, body, request }) =>
      closeDay(services, { session, key: requestKey(request, session, "close-day") }, body),
  });

  route(app, services, {
    method: "POST",
    url: "/api/operator/reconciliation",
    summary: "Compare the bank or escrow balance with pool + wallets + pending withdrawals",
    tags: ["operators"],
    roles: ["operator"],
    body: z.strictObject({ balance: z.string().max(40) }),
    handler: ({ session, body, request }) => {
      idempotencyHeader(request);
      return reconcile(services, session, body);
    },
  });
}

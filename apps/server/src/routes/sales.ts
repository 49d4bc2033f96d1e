/** In-store sales: a merchant records a sale paid at the till (the busiest route). */
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { recordSale } from "../domain/sales.js";
import type { Services } from "../domain/services.js";
import { idField, moneyField } from "../http/fields.js";
import { requestKey } from "../http/request-key.js";
import { route } from "../http/route.js";

export function saleRoutes(app: FastifyInstance, services: Services): void {
  route(app, services, {
    method: "POST",
    url: "/api/sales",
    summary: "Record an in-store sale paid at the till: straight to the engine as an order for this merchant",
    tags: ["orders"],
    roles: ["merchant"],
    body: z.strictObject({ member: idField, amount: moneyField, productId: idField.optional() }),
    handler: async ({ body, session, request, reply }) => {
      const key = requestKey(request, session, "sales");
      return reply.code(201).send(await recordSale(services, { session, key }, body));
    },
  });
}

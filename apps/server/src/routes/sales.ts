/** In-store sales: a merchant records a sale paid at the till (the busiest route), or voids one of today. */
import { OPERATIONS } from "@zengzhi/contract";
import type { FastifyInstance } from "fastify";
import { listSales, recordSale, voidSale } from "../domain/sales.js";
import type { Services } from "../domain/services.js";
import { money } from "../http/fields.js";
import { requestKey } from "../http/request-key.js";
import { intParam, route } from "../http/route.js";

export function saleRoutes(app: FastifyInstance, services: Services): void {
  route(app, OPERATIONS.listOwnSales, ({ session, query }) => listSales(services, session, query));

  route(app, OPERATIONS.recordSale, ({ body, session, request }) => {
    const key = requestKey(request, session, "sales");
    return recordSale(services, { session, key }, { ...body, amount: money(body.amount, "amount") });
  });

  route(app, OPERATIONS.voidSale, ({ params, session, request }) =>
    voidSale(
      services,
      { session, key: requestKey(request, session, "sales.void") },
      intParam(params.position, "position"),
    ),
  );
}

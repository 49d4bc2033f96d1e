/** The operator's money commands: financing, listing, tips and legacy-coin import. */
import { OPERATIONS } from "@zengzhi/contract";
import type { FastifyInstance } from "fastify";
import { buyTipPoints, financing, importCoins, listing, tip } from "../domain/finance.js";
import type { Services } from "../domain/services.js";
import { money, optional, points, ratio } from "../http/fields.js";
import { requestKey } from "../http/request-key.js";
import { route } from "../http/route.js";

export function financeRoutes(app: FastifyInstance, services: Services): void {
  route(app, OPERATIONS.recordFinancing, ({ session, body, request }) =>
    financing(
      services,
      { session, key: requestKey(request, session, "financing") },
      {
        ...body,
        toPool: optional(body.toPool, (text) => money(text, "toPool")),
        toSubsidy: optional(body.toSubsidy, (text) => money(text, "toSubsidy")),
      },
    ),
  );

  route(app, OPERATIONS.recordListing, ({ session, body, request }) =>
    listing(
      services,
      { session, key: requestKey(request, session, "listing") },
      { sharesPerPoint: ratio(body.sharesPerPoint, "sharesPerPoint"), stateHash: body.stateHash },
    ),
  );

  route(app, OPERATIONS.importCoins, ({ session, body, request }) =>
    importCoins(services, { session, key: requestKey(request, session, "coins") }, body),
  );

  route(app, OPERATIONS.buyTipPoints, ({ session, body, request }) =>
    buyTipPoints(
      services,
      { session, key: requestKey(request, session, "tipBuy") },
      { ...body, amount: money(body.amount, "amount") },
    ),
  );

  route(app, OPERATIONS.tipPoints, ({ session, body, request }) =>
    tip(
      services,
      { session, key: requestKey(request, session, "tip") },
      { ...body, points: points(body.points, "points") },
    ),
  );
}

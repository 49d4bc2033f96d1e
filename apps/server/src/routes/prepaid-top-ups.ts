/** A merchant's prepaid top-ups through a provider, its own tip-point buys, and the top-up notification. */
import { OPERATIONS } from "@zengzhi/contract";
import type { FastifyInstance } from "fastify";
import { buyOwnTipPoints } from "../domain/merchant-tips.js";
import { listTopUps, readTopUp, receiveTopUpNotification, requestTopUp } from "../domain/prepaid-top-ups.js";
import type { Services } from "../domain/services.js";
import { money } from "../http/fields.js";
import { requestKey } from "../http/request-key.js";
import { route } from "../http/route.js";

export function prepaidTopUpRoutes(app: FastifyInstance, services: Services): void {
  route(app, OPERATIONS.requestPrepaidTopUp, ({ session, body, request }) =>
    requestTopUp(
      services,
      { session, key: requestKey(request, session, "top-up") },
      { amount: money(body.amount, "amount"), method: body.method },
    ),
  );

  route(app, OPERATIONS.getPrepaidTopUp, ({ session, params }) =>
    readTopUp(services, session, params.reference ?? ""),
  );

  route(app, OPERATIONS.listPrepaidTopUps, ({ session }) => listTopUps(services, session));

  // The signature covers the raw bytes, so the parsed body is not used.
  route(app, OPERATIONS.receiveWechatPayTopUpNotification, ({ request, params }) =>
    receiveTopUpNotification(
      services,
      { provider: "wechat", tenant: params.tenant ?? "" },
      { headers: request.headers, rawBody: request.rawBody ?? "" },
    ),
  );

  route(app, OPERATIONS.buyOwnTipPoints, ({ session, body, request }) =>
    buyOwnTipPoints(
      services,
      { session, key: requestKey(request, session, "merchant-tip-buy") },
      { amount: money(body.amount, "amount") },
    ),
  );
}

/** The payment providers' signed callbacks (public: the signature over the raw body is the check). */
import { OPERATIONS } from "@zengzhi/contract";
import type { FastifyInstance } from "fastify";
import { receivePaymentCallback } from "../domain/orders.js";
import { receiveProviderNotification } from "../domain/provider-payments.js";
import type { Services } from "../domain/services.js";
import { route } from "../http/route.js";

export function paymentRoutes(app: FastifyInstance, services: Services): void {
  route(app, OPERATIONS.receiveSandboxPayment, ({ request }) => {
    const signature = request.headers["x-sandbox-signature"];
    return receivePaymentCallback(services, {
      body: request.rawBody ?? "",
      signature: typeof signature === "string" ? signature : undefined,
    });
  });

  // WeChat Pay's notification: the signature covers the raw bytes, so the parsed body is not used.
  route(app, OPERATIONS.receiveWechatPayNotification, ({ request, params }) =>
    receiveProviderNotification(
      services,
      { provider: "wechat", tenant: params.tenant ?? "" },
      { headers: request.headers, rawBody: request.rawBody ?? "" },
    ),
  );
}

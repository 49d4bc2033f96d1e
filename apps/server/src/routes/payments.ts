/** The payment providers' signed callbacks (public: the signature over the raw body is the check). */
import { OPERATIONS } from "@zengzhi/contract";
import type { FastifyInstance } from "fastify";
import { ApiError } from "../domain/errors.js";
import { receivePaymentCallback } from "../domain/orders.js";
import { receiveProviderNotification } from "../domain/provider-payments.js";
import type { Services } from "../domain/services.js";
import { route } from "../http/route.js";

/** Alipay's form-encoded notification: only this route (in its own scope) reads that content type. */
function alipayNotificationRoute(app: FastifyInstance, services: Services): void {
  void app.register((scope, _options, done) => {
    scope.addContentTypeParser(
      "application/x-www-form-urlencoded",
      { parseAs: "string" },
      (request, body, parsed) => {
        request.rawBody = body as string;
        parsed(null, undefined);
      },
    );
    route(scope, OPERATIONS.receiveAlipayNotification, async ({ request, reply, params }) => {
      let handled = true;
      try {
        await receiveProviderNotification(
          services,
          { provider: "alipay", tenant: params.tenant ?? "" },
          { headers: request.headers, rawBody: request.rawBody ?? "" },
        );
      } catch (error) {
        // Refused (forged, altered, stale, not ours): nothing changed; anything but `success` makes
        // Alipay re-send. An operating error is answered `fail` too and logged.
        if (!(error instanceof ApiError) || error.status >= 500)
          request.log.error({ err: error }, "alipay notification failed");
        handled = false;
      }
      return reply
        .code(200)
        .type("text/plain; charset=utf-8")
        .send(handled ? "success" : "fail");
    });
    done();
  });
}

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

  alipayNotificationRoute(app, services);
}

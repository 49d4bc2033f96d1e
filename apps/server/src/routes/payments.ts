/** The payment provider's signed callback (public: the signature over the raw body is the check). */
import type { FastifyInstance } from "fastify";
import { receivePaymentCallback } from "../domain/orders.js";
import type { Services } from "../domain/services.js";
import { route } from "../http/route.js";

export function paymentRoutes(app: FastifyInstance, services: Services): void {
  route(app, services, {
    method: "POST",
    url: "/api/payments/sandbox/callback",
    summary:
      "The sandbox provider's signed payment callback (X-Sandbox-Signature: hex HMAC-SHA256 of the raw body)",
    tags: ["orders"],
    roles: "public",
    handler: ({ request }) => {
      const signature = request.headers["x-sandbox-signature"];
      return receivePaymentCallback(services, {
        body: request.rawBody ?? "",
        signature: typeof signature === "string" ? signature : undefined,
      });
    },
  });
}

/** Routes open to everyone: health and the public transparency view (no personal data); metrics with a token. */
import { OPERATIONS } from "@zengzhi/contract";
import type { FastifyInstance } from "fastify";
import type { Services } from "../domain/services.js";
import { health, readPublicView } from "../domain/transparency.js";
import { ApiError } from "../domain/errors.js";
import { hasBearer } from "../http/hardening.js";
import { route } from "../http/route.js";

export function publicRoutes(app: FastifyInstance, services: Services): void {
  route(app, OPERATIONS.getHealth, () => health(services));

  // Not public: only with the configured bearer token (ZENGZHI_METRICS_TOKEN); without one, no route.
  route(app, OPERATIONS.getMetrics, ({ request, reply }) => {
    const token = app.metricsToken;
    if (token === null) throw new ApiError(404, "not_found", "no route GET /metrics");
    if (!hasBearer(request, token))
      throw new ApiError(401, "unauthenticated", "metrics need the bearer token the operator configured");
    reply.header("content-type", services.metrics.contentType);
    return services.metrics.text();
  });

  route(app, OPERATIONS.getPublicView, ({ query }) => readPublicView(services, query.tenant));
}

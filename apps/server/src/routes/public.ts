/**
 * Routes open to everyone: health, readiness and the public transparency view (no personal data);
 * metrics with a token; and the receiving end of commands forwarded between nodes (authenticated by
 * their secret).
 */
import { OPERATIONS } from "@zengzhi/contract";
import type { FastifyInstance } from "fastify";
import { FORWARD_HEADER, acceptForwarded, readiness } from "../domain/cluster.js";
import type { Services } from "../domain/services.js";
import { health, readPublicView } from "../domain/transparency.js";
import { ApiError } from "../domain/errors.js";
import { hasBearer } from "../http/hardening.js";
import { route } from "../http/route.js";

export function publicRoutes(app: FastifyInstance, services: Services): void {
  route(app, OPERATIONS.getHealth, () => health(services));

  route(app, OPERATIONS.getReadiness, () => readiness(services));

  route(app, OPERATIONS.forwardCommand, ({ request, body }) => {
    const secret = request.headers[FORWARD_HEADER];
    return acceptForwarded(services, typeof secret === "string" ? secret : undefined, body);
  });

  // Not public: only with the configured bearer token (ZENGZHI_METRICS_TOKEN); without one, no route.
  route(app, OPERATIONS.getMetrics, ({ request, reply }) => {
    const token = app.metricsToken;
    if (token === null) throw new ApiError(404, "not_found", "no route GET /metrics");
    if (!hasBearer(request, token))
      throw new ApiError(401, "unauthenticated", "metrics need the bearer token the operator configured");
    reply.header("content-type", services.metrics.contentType);
    return services.metrics.text(services.ledger.status());
  });

  route(app, OPERATIONS.getPublicView, ({ query }) => readPublicView(services, query.tenant));
}

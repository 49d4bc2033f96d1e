/**
 * Routes open to everyone: health, readiness, metrics and the public transparency view (no personal
 * data), and the receiving end of commands forwarded between nodes (authenticated by their secret).
 */
import { OPERATIONS } from "@zengzhi/contract";
import type { FastifyInstance } from "fastify";
import { FORWARD_HEADER, acceptForwarded, readiness } from "../domain/cluster.js";
import type { Services } from "../domain/services.js";
import { health, readPublicView } from "../domain/transparency.js";
import { route } from "../http/route.js";

export function publicRoutes(app: FastifyInstance, services: Services): void {
  route(app, OPERATIONS.getHealth, () => health(services));

  route(app, OPERATIONS.getReadiness, () => readiness(services));

  route(app, OPERATIONS.forwardCommand, ({ request, body }) => {
    const secret = request.headers[FORWARD_HEADER];
    return acceptForwarded(services, typeof secret === "string" ? secret : undefined, body);
  });

  route(app, OPERATIONS.getMetrics, ({ reply }) => {
    reply.header("content-type", services.metrics.contentType);
    return services.metrics.text(services.ledger.status());
  });

  route(app, OPERATIONS.getPublicView, ({ query }) => readPublicView(services, query.tenant));
}

/** Routes open to everyone: health, metrics and the public transparency view. No personal data. */
import { OPERATIONS } from "@zengzhi/contract";
import type { FastifyInstance } from "fastify";
import type { Services } from "../domain/services.js";
import { health, readPublicView } from "../domain/transparency.js";
import { route } from "../http/route.js";

export function publicRoutes(app: FastifyInstance, services: Services): void {
  route(app, OPERATIONS.getHealth, () => health(services));

  route(app, OPERATIONS.getMetrics, ({ reply }) => {
    reply.header("content-type", services.metrics.contentType);
    return services.metrics.text();
  });

  route(app, OPERATIONS.getPublicView, ({ query }) => readPublicView(services, query.tenant));
}

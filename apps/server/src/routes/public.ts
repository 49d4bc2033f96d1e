/** Routes open to everyone: health, metrics and the public transparency view. No personal data. */
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import type { Services } from "../domain/services.js";
import { health, readPublicView } from "../domain/transparency.js";
import { tenantField } from "../http/fields.js";
import { route } from "../http/route.js";

export function publicRoutes(app: FastifyInstance, services: Services): void {
  route(app, services, {
    method: "GET",
    url: "/healthz",
    summary: "Liveness and store kind",
    tags: ["system"],
    roles: "public",
    handler: () => health(services),
  });

  route(app, services, {
    method: "GET",
    url: "/metrics",
    summary: "Prometheus metrics",
    tags: ["system"],
    roles: "public",
    handler: ({ reply }) => {
      reply.header("content-type", services.metrics.contentType);
      return services.metrics.text();
    },
  });

  route(app, services, {
    method: "GET",
    url: "/api/public",
    summary: "Public transparency view: pool, supply, price, rules in force, totals, price history",
    tags: ["public"],
    roles: "public",
    query: z.strictObject({ tenant: tenantField.optional() }),
    handler: ({ query }) => readPublicView(services, query.tenant),
  });
}

/** Merchants: list, add (operator), and settlements. Each handler: parse → one use case → view. */
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { addMerchant, listMerchants, readSettlement } from "../domain/merchants.js";
import type { Services } from "../domain/services.js";
import { idField, nameField, pageQuery, passwordField, usernameField } from "../http/fields.js";
import { requestKey } from "../http/request-key.js";
import { route } from "../http/route.js";

export function merchantRoutes(app: FastifyInstance, services: Services): void {
  route(app, services, {
    method: "GET",
    url: "/api/merchants",
    summary: "List merchants",
    tags: ["merchants"],
    roles: "session",
    query: pageQuery,
    handler: ({ session, query }) => listMerchants(services, session.tenant, query),
  });

  route(app, services, {
    method: "GET",
    url: "/api/merchant/settlement",
    summary: "The logged-in merchant's settlement, tip points and shares, and its online orders by status",
    tags: ["merchants"],
    roles: ["merchant"],
    handler: ({ session }) => readSettlement(services, session, null),
  });

  route(app, services, {
    method: "GET",
    url: "/api/merchants/:id/settlement",
    summary: "A merchant's settlement (operators: any merchant; a merchant: its own only)",
    tags: ["merchants"],
    roles: ["operator", "merchant"],
    handler: ({ session, params }) => readSettlement(services, session, params.id ?? ""),
  });

  route(app, services, {
    method: "POST",
    url: "/api/merchants",
    summary: "Add a merchant with its login",
    tags: ["merchants"],
    roles: ["operator"],
    body: z.strictObject({ id: idField, name: nameField, username: usernameField, password: passwordField }),
    handler: async ({ body, session, request, reply }) => {
      const answer = await addMerchant(
        services,
        { session, key: requestKey(request, session, "merchants") },
        body,
      );
      return reply.code(answer.status).send(answer.body);
    },
  });
}

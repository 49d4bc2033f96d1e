/** The operator's money commands: financing, listing, tips and legacy-coin import. */
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { buyTipPoints, financing, importCoins, listing, tip } from "../domain/finance.js";
import type { Services } from "../domain/services.js";
import { idField, moneyField, pointsField, ratioField } from "../http/fields.js";
import { requestKey } from "../http/request-key.js";
import { route } from "../http/route.js";
import { LIMITS } from "../limits.js";

export function financeRoutes(app: FastifyInstance, services: Services): void {
  route(app, services, {
    method: "POST",
    url: "/api/operator/financing",
    summary: "A financing round: cash into the pool and/or the subsidy budget",
    tags: ["operators"],
    roles: ["operator"],
    body: z
      .strictObject({
        toPool: moneyField.optional(),
        toSubsidy: moneyField.optional(),
        label: z.string().max(64).optional(),
      })
      .refine((b) => b.toPool !== undefined || b.toSubsidy !== undefined, {
        message: "give toPool, toSubsidy or both",
        path: ["toPool"],
      }),
    handler: ({ session, body, request }) =>
      financing(services, { session, key: requestKey(request, session, "financing") }, body),
  });

  route(app, services, {
    method: "POST",
    url: "/api/operator/listing",
    summary: "Listing (terminal): every point converts to shares; the pool moves to equity",
    tags: ["operators"],
    roles: ["operator"],
    body: z.strictObject({ sharesPerPoint: ratioField }),
    handler: ({ session, body, request }) =>
      listing(services, { session, key: requestKey(request, session, "listing") }, body),
  });

  route(app, services, {
    method: "POST",
    url: "/api/operator/coins/import",
    summary: "Import legacy coin balances from CSV (member,coins); any bad row and nothing is imported",
    tags: ["operators"],
    roles: ["operator"],
    bodyLimit: LIMITS.csvBodyBytesMax,
    body: z.strictObject({ csv: z.string().max(LIMITS.csvBodyBytesMax) }),
    handler: ({ session, body, request }) =>
      importCoins(services, { session, key: requestKey(request, session, "coins") }, body),
  });

  route(app, services, {
    method: "POST",
    url: "/api/operator/tips/buy",
    summary: "A merchant's cash buys points into its account at the current price (cash into the pool)",
    tags: ["operators"],
    roles: ["operator"],
    body: z.strictObject({ merchant: idField, amount: moneyField }),
    handler: ({ session, body, request }) =>
      buyTipPoints(services, { session, key: requestKey(request, session, "tipBuy") }, body),
  });

  route(app, services, {
    method: "POST",
    url: "/api/operator/tips",
    summary: "Tip a merchant's points to a member (operator, or the merchant itself)",
    tags: ["operators"],
    roles: ["operator", "merchant"],
    body: z.strictObject({ merchant: idField, member: idField, points: pointsField }),
    handler: ({ session, body, request }) =>
      tip(services, { session, key: requestKey(request, session, "tip") }, body),
  });
}

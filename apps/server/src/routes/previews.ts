/** Previews of the operator's actions from the live state (they change nothing; no Idempotency-Key). */
import { OPERATIONS } from "@zengzhi/contract";
import type { FastifyInstance } from "fastify";
import { previewAction, previewCommandsOf } from "../domain/previews.js";
import type { Services } from "../domain/services.js";
import { money, optional, ratio } from "../http/fields.js";
import { route } from "../http/route.js";

export function previewRoutes(app: FastifyInstance, services: Services): void {
  route(app, OPERATIONS.previewFinancing, ({ session, body }) =>
    previewAction(
      services,
      session,
      previewCommandsOf.financing({
        toPool: optional(body.toPool, (text) => money(text, "toPool")),
        toSubsidy: optional(body.toSubsidy, (text) => money(text, "toSubsidy")),
      }),
    ),
  );

  route(app, OPERATIONS.previewListing, ({ session, body }) =>
    previewAction(
      services,
      session,
      previewCommandsOf.listing({ sharesPerPoint: ratio(body.sharesPerPoint, "sharesPerPoint") }),
    ),
  );

  route(app, OPERATIONS.previewCloseDay, ({ session, body }) =>
    previewAction(services, session, previewCommandsOf.closeDay(body)),
  );

  route(app, OPERATIONS.previewRules, ({ session, body }) =>
    previewAction(services, session, previewCommandsOf.rules(body)),
  );

  route(app, OPERATIONS.previewWithdrawalDecisions, ({ session, body }) =>
    previewAction(services, session, previewCommandsOf.withdrawals(body)),
  );
}

/** Rule-change previews: start one for a draft rule set, then poll it until both sides are in. */
import { OPERATIONS } from "@zengzhi/contract";
import type { FastifyInstance } from "fastify";
import { readRulePreview, startRulePreview } from "../domain/rule-preview.js";
import type { Services } from "../domain/services.js";
import { route } from "../http/route.js";

export function rulePreviewRoutes(app: FastifyInstance, services: Services): void {
  route(app, OPERATIONS.previewRuleChange, ({ session, body }) => startRulePreview(services, session, body));
  route(app, OPERATIONS.getRuleChangePreview, ({ session, params }) =>
    readRulePreview(services, session, params.id!),
  );
}

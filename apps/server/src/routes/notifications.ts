/** Webhook endpoints and their delivery log (operator), and a member's in-app messages. */
import { OPERATIONS } from "@zengzhi/contract";
import type { FastifyInstance } from "fastify";
import type { Services } from "../domain/services.js";
import {
  createWebhook,
  listDeliveries,
  listMessages,
  listWebhooks,
  markMessagesRead,
  redeliver,
  revokeWebhook,
} from "../domain/webhooks.js";
import { requestKey } from "../http/request-key.js";
import { intParam, route } from "../http/route.js";

export function notificationRoutes(app: FastifyInstance, services: Services): void {
  route(app, OPERATIONS.createWebhook, ({ session, body, request }) =>
    createWebhook(services, { session, key: requestKey(request, session, "webhook-create") }, body),
  );

  route(app, OPERATIONS.listWebhooks, ({ session }) => listWebhooks(services, session));

  route(app, OPERATIONS.revokeWebhook, ({ session, params, request }) =>
    revokeWebhook(services, { session, key: requestKey(request, session, "webhook-remove") }, params.id!),
  );

  route(app, OPERATIONS.listWebhookDeliveries, ({ session, query }) =>
    listDeliveries(services, session, query),
  );

  route(app, OPERATIONS.redeliverWebhook, ({ session, params, request }) =>
    redeliver(
      services,
      { session, key: requestKey(request, session, "webhook-redeliver") },
      intParam(params.id, "delivery"),
    ),
  );

  route(app, OPERATIONS.listOwnMessages, ({ session, query }) => listMessages(services, session, query));

  route(app, OPERATIONS.markMessagesRead, ({ session, body, request }) =>
    markMessagesRead(services, { session, key: requestKey(request, session, "messages-read") }, body),
  );
}

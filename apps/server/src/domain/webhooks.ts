/**
 * Webhook endpoints and their delivery log: register (the signing secret is shown once), list,
 * remove, read the log, send a delivery again. Members' in-app messages: the inbox and marking read.
 */
import { randomBytes, randomUUID } from "node:crypto";
import type { WebhookEvent } from "@zengzhi/contract";
import {
  countUnread,
  insertWebhook,
  markRead,
  requeueDelivery,
  revokeWebhook as revokeWebhookRow,
  selectDeliveries,
  selectMessages,
  selectWebhooks,
  type DeliveryRow,
  type MessageRow,
} from "../db/notifications.js";
import type { Session } from "./auth.js";
import { notFound } from "./errors.js";
import { once, type RequestKey } from "./idempotency.js";
import { decodeCursor, toPage } from "./paging.js";
import type { Services } from "./services.js";
import { checkWebhookUrl } from "./webhook-target.js";

const WEBHOOKS_LISTED_MAX = 100;

const time = (value: string | Date) => new Date(value).toISOString();

export async function createWebhook(
  services: Services,
  request: { session: Session; key: RequestKey },
  input: { url: string; events: WebhookEvent[] },
) {
  const { session } = request;
  const url = checkWebhookUrl(input.url, services.webhooks.allowPrivateTargets).href;
  const events = [...new Set(input.events)];
  const answer = await once(services.sql, { tenant: session.tenant, key: request.key }, async () => {
    const id = randomUUID();
    const secret = `whsec_${randomBytes(32).toString("base64url")}`;
    const now = services.now();
    await insertWebhook(services.sql, {
      tenant: session.tenant,
      id,
      url,
      events,
      secret,
      createdBy: session.username,
      now,
    });
    await services.audit.recordBy(session, { action: "webhook.create", target: id, detail: { url, events } });
    return { status: 201, body: { id, url, events, createdAt: time(new Date(now)), secret } };
  });
  return answer.body;
}

export async function listWebhooks(services: Services, session: Session) {
  const rows = await selectWebhooks(services.sql, session.tenant, WEBHOOKS_LISTED_MAX);
  return {
    items: rows.map((row) => ({
      id: row.webhook_id,
      url: row.url,
      events: JSON.parse(row.events) as WebhookEvent[],
      createdAt: time(row.created_at),
    })),
  };
}

export async function revokeWebhook(
  services: Services,
  request: { session: Session; key: RequestKey },
  id: string,
) {
  const { session } = request;
  await once(services.sql, { tenant: session.tenant, key: request.key }, async () => {
    if (!(await revokeWebhookRow(services.sql, { tenant: session.tenant, id, now: services.now() })))
      throw notFound("webhook");
    await services.audit.recordBy(session, { action: "webhook.remove", target: id });
    return { status: 204, body: null };
  });
}

const deliveryView = (row: DeliveryRow) => ({
  id: String(row.delivery_id),
  webhook: row.webhook_id,
  url: row.url,
  event: row.event as WebhookEvent,
  eventId: row.event_id,
  status: row.status,
  attempts: row.attempts,
  lastStatusCode: row.last_status_code,
  lastError: row.last_error,
  nextAttemptAt: row.next_attempt_at === null ? null : time(row.next_attempt_at),
  deliveredAt: row.delivered_at === null ? null : time(row.delivered_at),
  createdAt: time(row.created_at),
});

/** The id a page cursor names (an unreadable cursor starts from the newest). */
function cursorOf(cursor: string | undefined): string | null {
  const decoded = decodeCursor(cursor);
  return decoded !== undefined && /^\d{1,18}$/.test(decoded) ? decoded : null;
}

export async function listDeliveries(
  services: Services,
  session: Session,
  query: { cursor?: string | undefined; limit: number },
) {
  const rows = await selectDeliveries(services.sql, {
    tenant: session.tenant,
    before: cursorOf(query.cursor),
    limit: query.limit + 1,
  });
  return toPage(rows, query.limit, (row) => String(row.delivery_id), deliveryView);
}

export async function redeliver(
  services: Services,
  request: { session: Session; key: RequestKey },
  id: number,
) {
  const { session } = request;
  const answer = await once(services.sql, { tenant: session.tenant, key: request.key }, async () => {
    const row = await requeueDelivery(services.sql, { tenant: session.tenant, id, now: services.now() });
    if (row === undefined) throw notFound(`delivery ${id}`);
    await services.audit.recordBy(session, { action: "webhook.redeliver", target: String(id) });
    return { status: 200, body: deliveryView(row) };
  });
  return answer.body;
}

const messageView = (row: MessageRow) => ({
  id: String(row.message_id),
  kind: row.kind as "exit_reached" | "withdrawal_paid" | "withdrawal_rejected",
  data: JSON.parse(row.data) as Record<string, string>,
  createdAt: time(row.created_at),
  read: row.read_at !== null,
});

export async function listMessages(
  services: Services,
  session: Session,
  query: { cursor?: string | undefined; limit: number },
) {
  const member = session.memberId ?? "";
  const rows = await selectMessages(services.sql, {
    tenant: session.tenant,
    member,
    before: cursorOf(query.cursor),
    limit: query.limit + 1,
  });
  const page = toPage(rows, query.limit, (row) => String(row.message_id), messageView);
  return { ...page, unread: await countUnread(services.sql, session.tenant, member) };
}

export async function markMessagesRead(
  services: Services,
  request: { session: Session; key: RequestKey },
  input: { upTo: string },
) {
  const { session } = request;
  const member = session.memberId ?? "";
  const upTo = /^\d{1,18}$/.test(input.upTo) ? input.upTo : "0";
  await markRead(services.sql, { tenant: session.tenant, member, upTo, now: services.now() });
  return { unread: await countUnread(services.sql, session.tenant, member) };
}

/**
 * SQL on the notification tables: webhook endpoints, their outbox of deliveries, members' in-app
 * messages, and the journal cursor up to which events have been derived (migration 0161).
 */
import type { Sql } from "@zengzhi/store";

const iso = (ms: number) => new Date(ms).toISOString();

export interface WebhookRow {
  webhook_id: string;
  url: string;
  events: string;
  created_at: string | Date;
}

export async function insertWebhook(
  sql: Sql,
  input: {
    tenant: string;
    id: string;
    url: string;
    events: string[];
    secret: string;
    createdBy: string;
    now: number;
  },
): Promise<void> {
  await sql.query(
    `INSERT INTO app_webhooks (tenant_id, webhook_id, url, events, secret, created_by, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    [
      input.tenant,
      input.id,
      input.url,
      JSON.stringify(input.events),
      input.secret,
      input.createdBy,
      iso(input.now),
    ],
  );
}

export async function selectWebhooks(sql: Sql, tenant: string, limit: number): Promise<WebhookRow[]> {
  const { rows } = await sql.query<WebhookRow>(
    `SELECT webhook_id, url, events, created_at FROM app_webhooks
      WHERE tenant_id = $1 AND revoked_at IS NULL ORDER BY created_at, webhook_id LIMIT $2`,
    [tenant, limit],
  );
  return rows;
}

/** Removes an endpoint and ends its pending deliveries; false when no live endpoint has the id. */
export async function revokeWebhook(
  sql: Sql,
  input: { tenant: string; id: string; now: number },
): Promise<boolean> {
  return sql.transaction(async (tx) => {
    const { rows } = await tx.query(
      `UPDATE app_webhooks SET revoked_at = $3 WHERE tenant_id = $1 AND webhook_id = $2 AND revoked_at IS NULL
       RETURNING webhook_id`,
      [input.tenant, input.id, iso(input.now)],
    );
    if (rows.length === 0) return false;
    await tx.query(
      `UPDATE app_webhook_deliveries SET status = 'failed', next_attempt_at = NULL, last_error = 'endpoint removed'
        WHERE tenant_id = $1 AND webhook_id = $2 AND status = 'pending'`,
      [input.tenant, input.id],
    );
    return true;
  });
}

export async function selectJournalAfter(
  sql: Sql,
  input: { tenant: string; after: number; limit: number },
): Promise<{ seq: number; command: string; result: string }[]> {
  const { rows } = await sql.query<{ seq: string; command: string; result: string }>(
    "SELECT seq, command, result FROM journal WHERE tenant_id = $1 AND seq > $2 ORDER BY seq LIMIT $3",
    [input.tenant, input.after, input.limit],
  );
  return rows.map((row) => ({ seq: Number(row.seq), command: row.command, result: row.result }));
}

export async function selectCursor(sql: Sql, tenant: string): Promise<number> {
  const { rows } = await sql.query<{ journal_seq: string }>(
    "SELECT journal_seq FROM app_notify_cursor WHERE tenant_id = $1",
    [tenant],
  );
  return rows[0] === undefined ? 0 : Number(rows[0].journal_seq);
}

export interface OutboxEvent {
  id: string;
  type: string;
  payload: string;
}

export interface OutboxMessage {
  member: string;
  kind: string;
  data: string;
  event_id: string;
}

/**
 * Moves the tenant's cursor from `from` to `to` and writes the events' deliveries (one per endpoint
 * subscribed to the event) and the messages, in one transaction. False, with nothing written, when
 * another node moved the cursor first. Returns the messages written.
 */
export async function writeDerived(
  sql: Sql,
  input: {
    tenant: string;
    from: number;
    to: number;
    events: OutboxEvent[];
    messages: OutboxMessage[];
    now: number;
  },
): Promise<OutboxMessage[] | false> {
  return sql.transaction(async (tx) => {
    const moved = await tx.query(
      `INSERT INTO app_notify_cursor (tenant_id, journal_seq) VALUES ($1, $3)
       ON CONFLICT (tenant_id) DO UPDATE SET journal_seq = $3 WHERE app_notify_cursor.journal_seq = $2
       RETURNING journal_seq`,
      [input.tenant, input.from, input.to],
    );
    if (moved.rows.length === 0) return false;
    if (input.events.length > 0)
      await tx.query(
        `INSERT INTO app_webhook_deliveries (tenant_id, webhook_id, event, event_id, payload, status, next_attempt_at, created_at)
         SELECT w.tenant_id, w.webhook_id, e.type, e.id, e.payload, 'pending', $3, $3
           FROM jsonb_to_recordset($2::jsonb) AS e(id text, type text, payload text)
           JOIN app_webhooks w ON w.tenant_id = $1 AND w.revoked_at IS NULL AND w.events::jsonb ? e.type
         ON CONFLICT (tenant_id, webhook_id, event_id) DO NOTHING`,
        [input.tenant, JSON.stringify(input.events), iso(input.now)],
      );
    if (input.messages.length === 0) return [];
    const { rows } = await tx.query<OutboxMessage>(
      `INSERT INTO app_member_messages (tenant_id, member_id, kind, data, event_id, created_at)
       SELECT $1, m.member, m.kind, m.data, m.event_id, $3
         FROM jsonb_to_recordset($2::jsonb) AS m(member text, kind text, data text, event_id text)
       ON CONFLICT DO NOTHING
       RETURNING member_id AS member, kind, data, event_id`,
      [input.tenant, JSON.stringify(input.messages), iso(input.now)],
    );
    return rows;
  });
}

/** Queues an event that is not in the journal (the pause switch) for every endpoint subscribed to it. */
export async function insertEventDeliveries(
  sql: Sql,
  input: { tenant: string; event: OutboxEvent; now: number },
): Promise<void> {
  await sql.query(
    `INSERT INTO app_webhook_deliveries (tenant_id, webhook_id, event, event_id, payload, status, next_attempt_at, created_at)
     SELECT tenant_id, webhook_id, $2, $3, $4, 'pending', $5, $5 FROM app_webhooks
      WHERE tenant_id = $1 AND revoked_at IS NULL AND events::jsonb ? $2
     ON CONFLICT (tenant_id, webhook_id, event_id) DO NOTHING`,
    [input.tenant, input.event.type, input.event.id, input.event.payload, iso(input.now)],
  );
}

export interface DueDelivery {
  tenant_id: string;
  delivery_id: string;
  event: string;
  event_id: string;
  payload: string;
  attempts: number;
  url: string;
  secret: string;
}

/**
 * Claims due deliveries of every tenant: each is pushed `leaseMs` into the future, so no other node
 * (or the next tick) sends it while this attempt runs; SKIP LOCKED keeps two claims from meeting.
 */
export async function claimDueDeliveries(
  sql: Sql,
  input: { now: number; leaseMs: number; limit: number },
): Promise<DueDelivery[]> {
  const { rows } = await sql.query<DueDelivery>(
    `UPDATE app_webhook_deliveries d SET next_attempt_at = $2
       FROM app_webhooks w
      WHERE (d.tenant_id, d.delivery_id) IN (
              SELECT tenant_id, delivery_id FROM app_webhook_deliveries
               WHERE status = 'pending' AND next_attempt_at <= $1
               ORDER BY next_attempt_at LIMIT $3 FOR UPDATE SKIP LOCKED)
        AND w.tenant_id = d.tenant_id AND w.webhook_id = d.webhook_id
      RETURNING d.tenant_id, d.delivery_id, d.event, d.event_id, d.payload, d.attempts, w.url, w.secret`,
    [iso(input.now), iso(input.now + input.leaseMs), input.limit],
  );
  return rows;
}

export async function recordAttempt(
  sql: Sql,
  input: {
    tenant: string;
    id: string;
    attempts: number;
    status: "pending" | "delivered" | "failed";
    nextAttemptAt: number | null;
    statusCode: number | null;
    error: string | null;
    now: number;
  },
): Promise<void> {
  await sql.query(
    `UPDATE app_webhook_deliveries
        SET attempts = $3, status = $4, next_attempt_at = $5, last_status_code = $6, last_error = $7,
            delivered_at = CASE WHEN $4 = 'delivered' THEN $8::timestamptz ELSE delivered_at END
      WHERE tenant_id = $1 AND delivery_id = $2`,
    [
      input.tenant,
      input.id,
      input.attempts,
      input.status,
      input.nextAttemptAt === null ? null : iso(input.nextAttemptAt),
      input.statusCode,
      input.error,
      iso(input.now),
    ],
  );
}

export interface DeliveryRow {
  delivery_id: string;
  webhook_id: string;
  url: string;
  event: string;
  event_id: string;
  status: "pending" | "delivered" | "failed";
  attempts: number;
  last_status_code: number | null;
  last_error: string | null;
  next_attempt_at: string | Date | null;
  delivered_at: string | Date | null;
  created_at: string | Date;
}

const DELIVERY_COLUMNS = `d.delivery_id, d.webhook_id, w.url, d.event, d.event_id, d.status, d.attempts,
  d.last_status_code, d.last_error, d.next_attempt_at, d.delivered_at, d.created_at`;

/** The delivery log, newest first, before a delivery id. */
export async function selectDeliveries(
  sql: Sql,
  input: { tenant: string; before: string | null; limit: number },
): Promise<DeliveryRow[]> {
  const { rows } = await sql.query<DeliveryRow>(
    `SELECT ${DELIVERY_COLUMNS} FROM app_webhook_deliveries d
       JOIN app_webhooks w ON w.tenant_id = d.tenant_id AND w.webhook_id = d.webhook_id
      WHERE d.tenant_id = $1 AND ($2::bigint IS NULL OR d.delivery_id < $2)
      ORDER BY d.delivery_id DESC LIMIT $3`,
    [input.tenant, input.before, input.limit],
  );
  return rows;
}

/** Queues a delivery again now with its attempts starting over; undefined for an unknown id or removed endpoint. */
export async function requeueDelivery(
  sql: Sql,
  input: { tenant: string; id: number; now: number },
): Promise<DeliveryRow | undefined> {
  const { rows } = await sql.query<DeliveryRow>(
    `WITH d AS (
       UPDATE app_webhook_deliveries d SET status = 'pending', attempts = 0, next_attempt_at = $3, last_error = NULL
         FROM app_webhooks w
        WHERE d.tenant_id = $1 AND d.delivery_id = $2 AND w.tenant_id = d.tenant_id
          AND w.webhook_id = d.webhook_id AND w.revoked_at IS NULL
        RETURNING d.*, w.url)
     SELECT ${DELIVERY_COLUMNS.replaceAll("w.url", "d.url")} FROM d`,
    [input.tenant, input.id, iso(input.now)],
  );
  return rows[0];
}

export interface MessageRow {
  message_id: string;
  kind: string;
  data: string;
  created_at: string | Date;
  read_at: string | Date | null;
}

export async function selectMessages(
  sql: Sql,
  input: { tenant: string; member: string; before: string | null; limit: number },
): Promise<MessageRow[]> {
  const { rows } = await sql.query<MessageRow>(
    `SELECT message_id, kind, data, created_at, read_at FROM app_member_messages
      WHERE tenant_id = $1 AND member_id = $2 AND ($3::bigint IS NULL OR message_id < $3)
      ORDER BY message_id DESC LIMIT $4`,
    [input.tenant, input.member, input.before, input.limit],
  );
  return rows;
}

export async function countUnread(sql: Sql, tenant: string, member: string): Promise<number> {
  const { rows } = await sql.query<{ n: string }>(
    "SELECT count(*) AS n FROM app_member_messages WHERE tenant_id = $1 AND member_id = $2 AND read_at IS NULL",
    [tenant, member],
  );
  return Number(rows[0]?.n ?? 0);
}

export async function markRead(
  sql: Sql,
  input: { tenant: string; member: string; upTo: string; now: number },
): Promise<void> {
  await sql.query(
    `UPDATE app_member_messages SET read_at = $4
      WHERE tenant_id = $1 AND member_id = $2 AND message_id <= $3 AND read_at IS NULL`,
    [input.tenant, input.member, input.upTo, iso(input.now)],
  );
}

-- Notifications (issue 13): webhook endpoints, their durable outbox of deliveries, members' in-app
-- messages, and the journal position up to which events have been derived. Events come from the
-- journal (committed commands only), so a restart loses none: the relay derives a page of journal
-- rows, writes its deliveries and messages and moves the cursor in one transaction.
CREATE TABLE IF NOT EXISTS app_webhooks (
  tenant_id  text NOT NULL,
  webhook_id text NOT NULL,
  url        text NOT NULL,
  events     text NOT NULL,
  secret     text NOT NULL,
  created_by text NOT NULL,
  created_at timestamptz NOT NULL,
  revoked_at timestamptz,
  PRIMARY KEY (tenant_id, webhook_id)
);

CREATE TABLE IF NOT EXISTS app_notify_cursor (
  tenant_id   text NOT NULL,
  journal_seq bigint NOT NULL,
  PRIMARY KEY (tenant_id)
);
-- Tenants that exist already start from now: their history is not replayed as notifications.
INSERT INTO app_notify_cursor (tenant_id, journal_seq)
SELECT tenant_id, max(seq) FROM journal GROUP BY tenant_id
ON CONFLICT (tenant_id) DO NOTHING;

CREATE TABLE IF NOT EXISTS app_webhook_deliveries (
  tenant_id        text NOT NULL,
  delivery_id      bigint GENERATED ALWAYS AS IDENTITY,
  webhook_id       text NOT NULL,
  event            text NOT NULL,
  event_id         text NOT NULL,
  payload          text NOT NULL,
  status           text NOT NULL CHECK (status IN ('pending', 'delivered', 'failed')),
  attempts         integer NOT NULL DEFAULT 0,
  next_attempt_at  timestamptz,
  last_status_code integer,
  last_error       text,
  delivered_at     timestamptz,
  created_at       timestamptz NOT NULL,
  PRIMARY KEY (tenant_id, delivery_id),
  UNIQUE (tenant_id, webhook_id, event_id)
);
CREATE INDEX IF NOT EXISTS app_webhook_deliveries_due
  ON app_webhook_deliveries (next_attempt_at) WHERE status = 'pending';

CREATE TABLE IF NOT EXISTS app_member_messages (
  tenant_id  text NOT NULL,
  message_id bigint GENERATED ALWAYS AS IDENTITY,
  member_id  text NOT NULL,
  kind       text NOT NULL,
  data       text NOT NULL,
  event_id   text NOT NULL,
  created_at timestamptz NOT NULL,
  read_at    timestamptz,
  PRIMARY KEY (tenant_id, message_id),
  UNIQUE (tenant_id, member_id, event_id, kind)
);
CREATE INDEX IF NOT EXISTS app_member_messages_member
  ON app_member_messages (tenant_id, member_id, message_id DESC);

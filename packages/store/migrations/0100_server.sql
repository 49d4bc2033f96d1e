-- Application tables of the HTTP service (apps/server). The ledger's own tables (journal, snapshots,
-- tenants) belong to the store; these hold accounts, products, orders and the audit trail. Every
-- primary key starts with tenant_id. Written to be re-runnable (IF NOT EXISTS).

CREATE TABLE IF NOT EXISTS app_users (
  tenant_id     text NOT NULL,
  user_id       text NOT NULL,
  username      text NOT NULL,
  password_hash text NOT NULL,
  role          text NOT NULL CHECK (role IN ('operator', 'merchant', 'member')),
  member_id     text,
  merchant_id   text,
  created_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, user_id),
  UNIQUE (tenant_id, username)
);

CREATE TABLE IF NOT EXISTS app_sessions (
  tenant_id   text NOT NULL,
  token_hash  text NOT NULL,
  user_id     text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  expires_at  timestamptz NOT NULL,
  PRIMARY KEY (tenant_id, token_hash)
);
CREATE INDEX IF NOT EXISTS app_sessions_token ON app_sessions (token_hash);

CREATE TABLE IF NOT EXISTS app_settings (
  tenant_id   text NOT NULL,
  name        text NOT NULL,
  value       jsonb NOT NULL,
  PRIMARY KEY (tenant_id, name)
);

CREATE TABLE IF NOT EXISTS app_rule_versions (
  tenant_id   text NOT NULL,
  version     integer NOT NULL,
  rules       jsonb NOT NULL,
  seq         bigint,
  created_at  timestamptz NOT NULL DEFAULT now(),
  created_by  text NOT NULL,
  PRIMARY KEY (tenant_id, version)
);

CREATE TABLE IF NOT EXISTS app_merchants (
  tenant_id   text NOT NULL,
  merchant_id text NOT NULL,
  name        text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, merchant_id)
);

CREATE TABLE IF NOT EXISTS app_products (
  tenant_id   text NOT NULL,
  product_id  text NOT NULL,
  merchant_id text NOT NULL,
  name        text NOT NULL,
  price_fen   bigint NOT NULL CHECK (price_fen > 0),
  split       jsonb,
  active      boolean NOT NULL DEFAULT true,
  created_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, product_id)
);

CREATE TABLE IF NOT EXISTS app_orders (
  tenant_id   text NOT NULL,
  order_id    bigint NOT NULL,
  member_id   text NOT NULL,
  merchant_id text NOT NULL,
  product_id  text NOT NULL,
  quantity    integer NOT NULL,
  amount_fen  bigint NOT NULL CHECK (amount_fen > 0),
  split       jsonb,
  status      text NOT NULL CHECK (status IN ('created', 'paid', 'settled', 'refunded', 'cancelled')),
  payment_id  text NOT NULL,
  paid_day    integer,
  settle_day  integer,
  position_id integer,
  points      text,
  created_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, order_id),
  UNIQUE (tenant_id, payment_id)
);
CREATE INDEX IF NOT EXISTS app_orders_due ON app_orders (tenant_id, status, settle_day);

CREATE TABLE IF NOT EXISTS app_payment_callbacks (
  tenant_id   text NOT NULL,
  nonce       text NOT NULL,
  payment_id  text NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, nonce)
);

CREATE TABLE IF NOT EXISTS app_idempotency (
  tenant_id    text NOT NULL,
  key          text NOT NULL,
  request_hash text NOT NULL,
  status       integer NOT NULL,
  body         jsonb NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, key)
);

CREATE TABLE IF NOT EXISTS app_audit (
  tenant_id   text NOT NULL,
  seq         bigint GENERATED ALWAYS AS IDENTITY,
  at          timestamptz NOT NULL DEFAULT now(),
  actor       text NOT NULL,
  role        text NOT NULL,
  action      text NOT NULL,
  target      text,
  detail      jsonb,
  PRIMARY KEY (tenant_id, seq)
);

CREATE TABLE IF NOT EXISTS app_price_history (
  tenant_id   text NOT NULL,
  at          timestamptz NOT NULL DEFAULT now(),
  day         integer NOT NULL,
  pool_fen    bigint NOT NULL,
  supply      text NOT NULL,
  price       text NOT NULL,
  PRIMARY KEY (tenant_id, at)
);

-- Order ids come from one sequence shared by all tenants (still unique within each tenant).
CREATE SEQUENCE IF NOT EXISTS app_order_seq;

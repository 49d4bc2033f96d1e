-- The ledger's tables (issue #3). Every primary key starts with tenant_id so the schema can be
-- distributed by tenant later (Citus) without change. Journal, batches and snapshots are append-only.

-- One row per tenant: the rule set it started with (the journal replays from it).
CREATE TABLE tenants (
  tenant_id text NOT NULL,
  rules text NOT NULL,
  genesis_hash bytea NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id)
);

-- Every command a tenant accepted or rejected, in order. command and result are canonical JSON text.
CREATE TABLE journal (
  tenant_id text NOT NULL,
  seq bigint NOT NULL,
  batch bigint NOT NULL,
  idempotency_key text NOT NULL,
  command text NOT NULL,
  result text NOT NULL,
  PRIMARY KEY (tenant_id, seq)
);
CREATE UNIQUE INDEX journal_idempotency_key ON journal (tenant_id, idempotency_key);

-- One row per committed batch: hash = SHA-256(prev_hash || canonical bytes of the batch's rows).
CREATE TABLE batches (
  tenant_id text NOT NULL,
  batch bigint NOT NULL,
  first_seq bigint NOT NULL,
  last_seq bigint NOT NULL,
  prev_hash bytea NOT NULL,
  hash bytea NOT NULL,
  committed_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, batch)
);

-- Engine state (engineToJson) after command seq; start-up loads the latest and replays the rest.
CREATE TABLE snapshots (
  tenant_id text NOT NULL,
  seq bigint NOT NULL,
  batch bigint NOT NULL,
  state text NOT NULL,
  PRIMARY KEY (tenant_id, seq)
);

-- Projection: the tenant's headline figures after its last committed batch.
CREATE TABLE tenant_state (
  tenant_id text NOT NULL,
  seq bigint NOT NULL,
  batch bigint NOT NULL,
  hash bytea NOT NULL,
  day integer NOT NULL,
  pool numeric NOT NULL,
  supply numeric NOT NULL,
  price numeric NOT NULL,
  PRIMARY KEY (tenant_id)
);

-- Projection: pool, supply and price after each batch (the price chart).
CREATE TABLE price_history (
  tenant_id text NOT NULL,
  batch bigint NOT NULL,
  seq bigint NOT NULL,
  day integer NOT NULL,
  pool numeric NOT NULL,
  supply numeric NOT NULL,
  price numeric NOT NULL,
  PRIMARY KEY (tenant_id, batch)
);

-- Transparency (issue 14): at each day's close the service stores the root of the Merkle-sum tree over
-- every member's liabilities, its totals, the pool inflow of the commands the close covers (the
-- public queue meter's rate) and the leaves needed to hand members their inclusion proofs; operators
-- attach bank or escrow statements. Written to be re-runnable (IF NOT EXISTS).

CREATE TABLE IF NOT EXISTS app_liability_roots (
  tenant_id       text NOT NULL,
  day             integer NOT NULL,
  closed_at       timestamptz NOT NULL,
  -- Days this close advanced and the journal sequence number it was taken at.
  days            integer NOT NULL,
  seq             bigint NOT NULL,
  root            text NOT NULL,
  cash_fen        numeric NOT NULL CHECK (cash_fen >= 0),
  points          numeric NOT NULL CHECK (points >= 0),
  members         integer NOT NULL,
  pool_inflow_fen numeric NOT NULL CHECK (pool_inflow_fen >= 0),
  -- gzip of the JSON leaves [[member, cash fen, points], ...] in the engine's member order; NULL once
  -- older than the closes kept for proofs (the root and totals stay).
  leaves          bytea,
  PRIMARY KEY (tenant_id, day)
);

CREATE TABLE IF NOT EXISTS app_custody_statements (
  tenant_id   text NOT NULL,
  id          bigint NOT NULL,
  amount_fen  numeric NOT NULL CHECK (amount_fen >= 0),
  statement_date date NOT NULL,
  reference   text NOT NULL,
  attached_at timestamptz NOT NULL,
  attached_by text NOT NULL,
  PRIMARY KEY (tenant_id, id)
);

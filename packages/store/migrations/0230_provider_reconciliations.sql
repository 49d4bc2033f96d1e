-- Provider reconciliation (issue 12, item 3): one run per tenant, local date and provider (re-running
-- a date replaces its result, so a date has one answer), and the mismatches it found, line by line.
CREATE TABLE IF NOT EXISTS app_provider_reconciliations (
  tenant_id text NOT NULL,
  bill_date date NOT NULL,
  provider text NOT NULL CHECK (provider IN ('wechat', 'alipay')),
  status text NOT NULL CHECK (status IN ('matched', 'mismatched', 'unavailable')),
  provider_lines integer NOT NULL,
  ledger_lines integer NOT NULL,
  detail text NOT NULL DEFAULT '',
  ran_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, bill_date, provider)
);
CREATE TABLE IF NOT EXISTS app_provider_mismatches (
  tenant_id text NOT NULL,
  bill_date date NOT NULL,
  provider text NOT NULL,
  line integer NOT NULL,
  kind text NOT NULL CHECK (kind IN ('missing_in_ledger', 'missing_at_provider', 'amount_differs', 'status_differs')),
  source text NOT NULL,
  reference text NOT NULL,
  ledger_amount_fen bigint,
  provider_amount_fen bigint,
  ledger_state text,
  provider_state text,
  PRIMARY KEY (tenant_id, bill_date, provider, line)
);

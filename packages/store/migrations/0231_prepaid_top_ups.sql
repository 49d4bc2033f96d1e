-- A merchant's top-up of its prepaid balance (预存) through the tenant's provider (issue 12): our
-- reference (the provider's out_trade_no), the amount asked, and, once a verified notification or a
-- query says it was paid, the provider's reference and when the engine's prepaidCredit was submitted.
CREATE TABLE IF NOT EXISTS app_prepaid_top_ups (
  tenant_id text NOT NULL,
  reference text NOT NULL,
  merchant_id text NOT NULL,
  provider text NOT NULL CHECK (provider IN ('wechat', 'alipay')),
  method text NOT NULL,
  amount_fen bigint NOT NULL CHECK (amount_fen > 0),
  provider_reference text,
  credited_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, reference)
);
CREATE INDEX IF NOT EXISTS app_prepaid_top_ups_merchant ON app_prepaid_top_ups (tenant_id, merchant_id, created_at);

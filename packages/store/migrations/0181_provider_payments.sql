-- One row per attempt to pay an order through WeChat Pay or Alipay (issue 12): our reference (the
-- providers' out_trade_no, at most 32 characters), the order, the method and the amount asked; the
-- provider's own reference once a verified notification or query says it was paid.
CREATE TABLE IF NOT EXISTS app_provider_payments (
  tenant_id text NOT NULL,
  reference text NOT NULL,
  order_id bigint NOT NULL,
  provider text NOT NULL CHECK (provider IN ('wechat', 'alipay')),
  method text NOT NULL,
  amount_fen bigint NOT NULL,
  provider_reference text,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, reference)
);
CREATE INDEX IF NOT EXISTS app_provider_payments_order ON app_provider_payments (tenant_id, order_id);

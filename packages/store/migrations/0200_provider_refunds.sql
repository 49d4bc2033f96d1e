-- One row per refund sent through WeChat Pay or Alipay (issue 12): our refund reference (the
-- providers' out_refund_no / out_request_no, derived from the payment's reference so that a retry
-- never refunds twice), the payment it returns, the amount, and the provider's answer once known.
CREATE TABLE IF NOT EXISTS app_provider_refunds (
  tenant_id text NOT NULL,
  refund_reference text NOT NULL,
  reference text NOT NULL,
  order_id bigint NOT NULL,
  provider text NOT NULL CHECK (provider IN ('wechat', 'alipay')),
  amount_fen bigint NOT NULL,
  state text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'succeeded', 'failed')),
  provider_reference text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, refund_reference)
);
CREATE INDEX IF NOT EXISTS app_provider_refunds_order ON app_provider_refunds (tenant_id, order_id);
CREATE INDEX IF NOT EXISTS app_provider_payments_waiting
  ON app_provider_payments (tenant_id, created_at) WHERE provider_reference IS NULL;

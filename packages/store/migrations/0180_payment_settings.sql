-- Each tenant's payment provider credentials (issue 12): one row per provider, every secret field
-- sealed with AES-256-GCM under the ZENGZHI_SECRETS_KEY ring (the sealed text names its key), and
-- only a short hint (last 4 characters of the merchant or app id) kept in clear for the operator.
CREATE TABLE IF NOT EXISTS app_payment_settings (
  tenant_id text NOT NULL,
  provider text NOT NULL CHECK (provider IN ('wechat', 'alipay')),
  account_hint text NOT NULL,
  sealed jsonb NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, provider)
);

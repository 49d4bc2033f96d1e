-- Payouts (issue 12, item 2). The member's payout account (one per member: WeChat, paid to the
-- openid of the member's linked WeChat sign-in in app_wechat_identities and never typed; an Alipay
-- account; or a bank card paid by hand);
-- and one payout per approved withdrawal: its channel, our out_biz_no / out_bill_no (derived from
-- the withdrawal, so a retry can never pay twice), the provider's reference, amount and state.
CREATE TABLE IF NOT EXISTS app_payout_accounts (
  tenant_id text NOT NULL,
  member_id text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('wechat', 'alipay', 'bank')),
  logon_id text,
  real_name text,
  bank text,
  card_number text,
  holder text,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, member_id)
);

CREATE TABLE IF NOT EXISTS app_payouts (
  tenant_id text NOT NULL,
  withdrawal_id bigint NOT NULL,
  channel text NOT NULL CHECK (channel IN ('wechat', 'alipay', 'bank', 'sandbox')),
  out_biz_no text NOT NULL,
  member_id text NOT NULL,
  destination text NOT NULL,
  amount_fen bigint NOT NULL,
  state text NOT NULL CHECK (state IN ('sending', 'paid', 'failed')),
  provider_reference text,
  failure_reason text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, withdrawal_id),
  UNIQUE (tenant_id, out_biz_no)
);

-- A member's one-use payment codes for till sales (issue 12 item 4): the member shows one, the
-- merchant scans or types it, and the sale is confirmed by the member it names. A code is claimed by
-- the sale's ledger key (so a retry of that sale finds it again) and released if the sale is refused.
CREATE TABLE IF NOT EXISTS app_payment_codes (
  tenant_id text NOT NULL,
  code text NOT NULL,
  member_id text NOT NULL,
  expires_at timestamptz NOT NULL,
  claimed_by text,
  PRIMARY KEY (tenant_id, code)
);

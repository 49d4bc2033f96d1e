-- Staff roles (issue 13): an operator's admin, finance, support and auditor logins and a merchant's
-- cashiers. A revoked login keeps its row (the audit log names it) but can no longer log in, and its
-- sessions are deleted. An invite keeps only the SHA-256 of its code, is valid once, until expires_at.
ALTER TABLE app_users DROP CONSTRAINT IF EXISTS app_users_role_check;
ALTER TABLE app_users ADD CONSTRAINT app_users_role_check
  CHECK (role IN ('operator', 'merchant', 'member', 'admin', 'finance', 'support', 'auditor', 'cashier'));
ALTER TABLE app_users ADD COLUMN IF NOT EXISTS revoked_at timestamptz;

CREATE TABLE IF NOT EXISTS app_staff_invites (
  tenant_id   text NOT NULL,
  code_hash   text NOT NULL,
  role        text NOT NULL,
  merchant_id text,
  created_by  text NOT NULL,
  created_at  timestamptz NOT NULL,
  expires_at  timestamptz NOT NULL,
  used_by     text,
  PRIMARY KEY (tenant_id, code_hash)
);

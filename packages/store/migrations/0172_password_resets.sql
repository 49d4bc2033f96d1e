-- Issue #13 item 4: an operator's password reset. One live one-time code per user, kept only as its
-- SHA-256 (the code itself is shown once to the operator), until it is used or expires.
CREATE TABLE IF NOT EXISTS app_password_resets (
  tenant_id   text NOT NULL,
  user_id     text NOT NULL,
  code_hash   text NOT NULL,
  expires_at  timestamptz NOT NULL,
  created_by  text NOT NULL,
  PRIMARY KEY (tenant_id, user_id)
);

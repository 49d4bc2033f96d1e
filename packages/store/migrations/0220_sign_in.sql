-- Sign-in without typing the tenant, WeChat sign-in and phone binding (issue 12 item 5, issue 13
-- item 6). A tenant's own domain (the server resolves Host to it); the WeChat app credentials of the
-- official account and the mini program (the secret sealed with the ZENGZHI_SECRETS_KEY ring); the
-- WeChat identity linked to an account; the one-use OAuth states, bound to the browser that asked;
-- a phone bound by a code: when it was proven, and the one live code (its SHA-256) that proves each.
CREATE TABLE IF NOT EXISTS app_tenant_domains (
  tenant_id   text NOT NULL,
  domain      text NOT NULL,
  updated_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id)
);
CREATE INDEX IF NOT EXISTS app_tenant_domains_domain ON app_tenant_domains (domain);

CREATE TABLE IF NOT EXISTS app_wechat_apps (
  tenant_id      text NOT NULL,
  app            text NOT NULL CHECK (app IN ('official', 'mini')),
  appid          text NOT NULL,
  sealed_secret  text NOT NULL,
  updated_at     timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, app)
);

CREATE TABLE IF NOT EXISTS app_wechat_identities (
  tenant_id  text NOT NULL,
  user_id    text NOT NULL,
  app        text NOT NULL CHECK (app IN ('official', 'mini')),
  appid      text NOT NULL,
  openid     text NOT NULL,
  nickname   text,
  linked_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, user_id),
  UNIQUE (tenant_id, appid, openid)
);

CREATE TABLE IF NOT EXISTS app_wechat_states (
  tenant_id     text NOT NULL,
  state_hash    text NOT NULL,
  browser_hash  text NOT NULL,
  intent        text NOT NULL CHECK (intent IN ('login', 'link')),
  user_id       text,
  scope         text NOT NULL,
  expires_at    timestamptz NOT NULL,
  PRIMARY KEY (tenant_id, state_hash)
);

-- A phone bound by the member's own one-time code (the operator may still set app_users.phone by hand;
-- phone_verified_at says whether the number was proven).
ALTER TABLE app_users ADD COLUMN IF NOT EXISTS phone_verified_at timestamptz;

CREATE TABLE IF NOT EXISTS app_phone_codes (
  tenant_id        text NOT NULL,
  user_id          text NOT NULL,
  phone            text NOT NULL,
  code_hash        text NOT NULL,
  expires_at       timestamptz NOT NULL,
  attempts         integer NOT NULL DEFAULT 0,
  sent_at          timestamptz NOT NULL,
  window_start     timestamptz NOT NULL,
  sends_in_window  integer NOT NULL,
  PRIMARY KEY (tenant_id, user_id)
);

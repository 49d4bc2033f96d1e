-- Sessions get a public id (listed to their user, who can revoke one by it; the token hash never
-- leaves the server), their last activity (for the idle timeout), and where they were opened from
-- (client address and user agent, shown in the list so the user can tell them apart).
ALTER TABLE app_sessions ADD COLUMN IF NOT EXISTS session_id text NOT NULL DEFAULT gen_random_uuid()::text;
ALTER TABLE app_sessions ADD COLUMN IF NOT EXISTS last_seen_at timestamptz NOT NULL DEFAULT now();
ALTER TABLE app_sessions ADD COLUMN IF NOT EXISTS address text NOT NULL DEFAULT '';
ALTER TABLE app_sessions ADD COLUMN IF NOT EXISTS user_agent text NOT NULL DEFAULT '';
CREATE UNIQUE INDEX IF NOT EXISTS app_sessions_id ON app_sessions (tenant_id, session_id);
CREATE INDEX IF NOT EXISTS app_sessions_user ON app_sessions (tenant_id, user_id);

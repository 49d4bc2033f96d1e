-- Issue #13 item 4: member administration. A member's optional phone (the operator's search finds
-- members by part of a username or phone), and the members an operator has frozen: a frozen member
-- cannot order, be sold to, sell, pay with points or withdraw (the service's LedgerGateway refuses
-- those commands; the engine's economics do not know about it).
ALTER TABLE app_users ADD COLUMN IF NOT EXISTS phone text;

CREATE TABLE IF NOT EXISTS app_frozen_members (
  tenant_id  text NOT NULL,
  member_id  text NOT NULL,
  frozen_at  timestamptz NOT NULL DEFAULT now(),
  frozen_by  text NOT NULL,
  PRIMARY KEY (tenant_id, member_id)
);

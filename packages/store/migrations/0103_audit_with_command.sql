-- Issue #11: the audit log loses nothing. Entries are numbered 1, 2, 3 … per tenant without gaps
-- (app_audit_counter holds each tenant's last number and is raised in the statement that inserts
-- the entries, so a refused insert leaves no gap), and a ledger command's entry is written in the
-- statement that commits the command: journal_seq names that command.
ALTER TABLE app_audit ALTER COLUMN seq DROP IDENTITY IF EXISTS;
ALTER TABLE app_audit ADD COLUMN IF NOT EXISTS journal_seq bigint;

-- Renumber existing entries per tenant, keeping their order (negated first: no key collides).
UPDATE app_audit SET seq = -seq;
UPDATE app_audit a SET seq = n.number
  FROM (SELECT tenant_id, seq, row_number() OVER (PARTITION BY tenant_id ORDER BY seq DESC) AS number
          FROM app_audit) n
 WHERE a.tenant_id = n.tenant_id AND a.seq = n.seq;

CREATE TABLE IF NOT EXISTS app_audit_counter (
  tenant_id text NOT NULL,
  last_seq  bigint NOT NULL,
  PRIMARY KEY (tenant_id)
);
INSERT INTO app_audit_counter (tenant_id, last_seq)
  SELECT tenant_id, max(seq) FROM app_audit GROUP BY tenant_id;

CREATE UNIQUE INDEX IF NOT EXISTS app_audit_journal_seq ON app_audit (tenant_id, journal_seq)
  WHERE journal_seq IS NOT NULL;

-- The tenants whose accepted commands must each have an audit entry, from which journal seq on:
-- the service's tenants (those with accounts) from their present position; a tenant the service
-- creates later from 0. `zengzhi verify` checks them. A ledger used without the service (the
-- simulator, benchmarks) has no row here.
CREATE TABLE IF NOT EXISTS app_audit_since (
  tenant_id   text NOT NULL,
  journal_seq bigint NOT NULL,
  PRIMARY KEY (tenant_id)
);
INSERT INTO app_audit_since (tenant_id, journal_seq)
  SELECT s.tenant_id, s.seq FROM tenant_state s
   WHERE EXISTS (SELECT 1 FROM app_users u WHERE u.tenant_id = s.tenant_id)
ON CONFLICT DO NOTHING;

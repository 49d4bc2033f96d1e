-- Statements' checkpoint: per tenant, the journal position up to which every statement line is stored
-- in app_statement_entries. A process starts its statement projector from the ledger snapshot at or
-- before it instead of replaying the tenant's journal from the first command.
CREATE TABLE IF NOT EXISTS app_statement_checkpoints (
  tenant_id text NOT NULL,
  seq       bigint NOT NULL,
  PRIMARY KEY (tenant_id)
);

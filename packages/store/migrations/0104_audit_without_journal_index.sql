-- The unique index on app_audit (tenant_id, journal_seq) cost one more B-tree insert in every batch
-- commit, for every sale (the PGlite worker spent about a quarter more time per sale with the audit
-- entry than without it). Nothing reads it on the hot path: the commit statement is the only writer
-- of journal_seq and gives each journal row at most one entry, and `zengzhi verify` checks the
-- entries against the journal with an anti-join that needs no index.
DROP INDEX IF EXISTS app_audit_journal_seq;

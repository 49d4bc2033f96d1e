-- Statements (issue #13 item 2): every movement of a member's wallet and points and of a merchant's
-- settlement and points, derived from the journal by replaying it (the engine's StatementProjector).
-- A derived table: it can be dropped and rebuilt from the journal at any time. Rows are written with
-- ON CONFLICT DO NOTHING, so two nodes deriving the same journal write each line once.
CREATE TABLE IF NOT EXISTS app_statement_entries (
  tenant_id text NOT NULL,
  subject   text NOT NULL,
  account   text NOT NULL CHECK (account IN ('cash', 'points')),
  seq       bigint NOT NULL,
  line      smallint NOT NULL,
  kind      text NOT NULL,
  amount    numeric NOT NULL,
  balance   numeric NOT NULL,
  detail    numeric,
  day       integer NOT NULL,
  at        timestamptz NOT NULL,
  PRIMARY KEY (tenant_id, subject, account, seq, line)
);

-- Statements (issue #13 item 2) gain a merchant's prepaid balance (预存, issue #12 item 4) as a third
-- account: till sales debit it, top-ups and the operator's bank-transfer credits add to it, a void
-- restores it.
ALTER TABLE app_statement_entries DROP CONSTRAINT IF EXISTS app_statement_entries_account_check;
ALTER TABLE app_statement_entries
  ADD CONSTRAINT app_statement_entries_account_check CHECK (account IN ('cash', 'points', 'prepaid'));

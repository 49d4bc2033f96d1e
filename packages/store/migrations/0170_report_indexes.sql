-- Issue #13 item 4: reports read a tenant's commits by time. Without this index a report of one week
-- reads every batch of the tenant; with it, only the batches committed inside the range (and then
-- their journal rows by primary key, first_seq to last_seq).
CREATE INDEX IF NOT EXISTS batches_committed_at ON batches (tenant_id, committed_at);

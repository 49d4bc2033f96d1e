-- Retention of app_idempotency answers (issue #11, item 6). After the retention window (30 days by
-- default) the service's background task turns an answer into a tombstone: status -1, no fingerprint,
-- no body. The row keeps its key, so a retry is refused with idempotency_key_expired instead of being
-- run again. This index lets that task find the rows still holding an answer, oldest first, without
-- reading the tombstones.
CREATE INDEX IF NOT EXISTS app_idempotency_answers_by_age ON app_idempotency (created_at) WHERE status >= 0;

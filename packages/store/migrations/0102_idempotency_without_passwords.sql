-- app_idempotency.request_hash was a plain SHA-256 of the whole request body, so for the routes whose
-- body holds a password (POST /api/auth/register, /api/tenants and /api/merchants; their keys start
-- with their scope) it was a fast, unsalted digest of that password, guessable offline. The service
-- now leaves passwords out of the fingerprint; this overwrites the digests stored before.
-- 'redacted' equals no fingerprint, so a retry of one of those earlier requests with its old key
-- gets idempotency_key_reused instead of the first answer.
UPDATE app_idempotency SET request_hash = 'redacted'
 WHERE key LIKE 'register:%' OR key LIKE 'tenants|%' OR key LIKE 'merchants|%';

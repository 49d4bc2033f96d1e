/**
 * The request key of a state-changing request (see domain/idempotency.ts): the client's
 * Idempotency-Key header, namespaced by route scope and caller, and the request's fingerprint.
 */
import { createHash } from "node:crypto";
import type { FastifyRequest } from "fastify";
import type { Session } from "../domain/auth.js";
import { ApiError } from "../domain/errors.js";
import type { RequestKey } from "../domain/idempotency.js";
import { LIMITS } from "../limits.js";

/** The Idempotency-Key header of a state-changing request, or a 400 naming it. */
export function idempotencyHeader(request: FastifyRequest): string {
  const key = request.headers["idempotency-key"];
  if (typeof key !== "string" || key === "") {
    throw new ApiError(
      400,
      "missing_idempotency_key",
      "this route changes state: send an Idempotency-Key header",
      "Idempotency-Key",
    );
  }
  if (key.length > LIMITS.idempotencyKeyLengthMax || !/^[\x21-\x7e]+$/.test(key)) {
    throw new ApiError(400, "invalid_field", "must be 1–128 printable ASCII characters", "Idempotency-Key");
  }
  return key;
}

const LEDGER_KEY_LENGTH_MAX = 200;

/** The ledger key of a request: namespaced by route and user so keys of different callers never meet. */
export function ledgerKey(request: FastifyRequest, session: Session | null, scope: string): string {
  const key = `${scope}|${session?.id ?? "-"}|${idempotencyHeader(request)}`;
  // The ledger takes keys of at most 200 characters; a longer one is replaced by its hash, which is
  // just as unique and the same on every retry.
  if (key.length <= LEDGER_KEY_LENGTH_MAX) return key;
  return `${scope.slice(0, 64)}|h:${createHash("sha256").update(key).digest("hex")}`;
}

/**
 * Field names left out of a request's fingerprint, at any depth of the body. The fingerprint is a
 * plain SHA-256 kept in app_idempotency: over a password it would be a fast, unsalted digest of it,
 * guessable offline next to the account's slow scrypt hash. A keyed HMAC would not do better: a key
 * made per process turns every retry after a restart into idempotency_key_reused, and a key kept in
 * the database sits next to the digests it should protect. So a retry with the same key and another
 * password matches the first request; register, whose answer opens a session, checks the password
 * against the scrypt hash before it replays. Matched by name on every route, so no route that takes
 * a password can forget to declare it.
 */
const UNFINGERPRINTED_FIELDS = new Set(["password", "currentPassword", "newPassword"]);

function withoutPasswords(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutPasswords);
  if (typeof value !== "object" || value === null) return value;
  // fromEntries defines own properties, so even a "__proto__" field stays a field.
  return Object.fromEntries(
    Object.entries(value)
      .filter(([name]) => !UNFINGERPRINTED_FIELDS.has(name))
      .map(([name, field]) => [name, withoutPasswords(field)]),
  );
}

/** The request key of a state-changing request (400 without a valid Idempotency-Key header). */
export function requestKey(request: FastifyRequest, session: Session | null, scope: string): RequestKey {
  return {
    ledger: ledgerKey(request, session, scope),
    // Computed only by the use cases that record their answer in app_idempotency: a ledger-only
    // command (an in-store sale) never pays for hashing its body.
    fingerprint: () =>
      createHash("sha256")
        .update(JSON.stringify(withoutPasswords(request.body ?? null)) + "|" + request.url)
        .digest("hex"),
  };
}

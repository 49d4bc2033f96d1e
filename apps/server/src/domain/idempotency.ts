/**
 * Idempotency, one rule for every state-changing use case: a request carries one `RequestKey`
 * (route scope, caller and the client's Idempotency-Key, built at the HTTP edge), and its answer is
 * recorded exactly once.
 * - A use case whose only write is one ledger command passes `key.ledger` to the submit: the journal
 *   is the record, and a retry gets the journaled answer.
 * - Any other use case runs inside `once`, which records its answer in app_idempotency; a ledger
 *   command inside it is keyed from the same request key, so a retry after a crash submits nothing twice.
 */
import type { Sql } from "@zengzhi/store";
import { EXPIRED_STATUS, claimKey, releaseKey, selectAnswer, storeAnswer } from "../db/idempotency.js";
import { ApiError } from "./errors.js";

export interface RequestKey {
  /** Scope, caller and client key: unique per tenant, the ledger's journal key. */
  ledger: string;
  /** What makes two requests with one key the same request (URL and body, without passwords). */
  fingerprint: () => string;
}

export interface StoredAnswer {
  status: number;
  body: unknown;
}

/**
 * Runs a use case that writes app tables at most once per request key: a retry of the same request
 * gets the stored answer, a different request with the key gets 422 idempotency_key_reused, and a
 * retry after the retention window (retention.ts) gets 422 idempotency_key_expired: the answer is
 * gone but the key stays used, so the request never runs twice. Errors are not stored, so a refused
 * request can be corrected and retried with the same key.
 */
export async function once(
  sql: Sql,
  request: { tenant: string; key: RequestKey },
  run: () => Promise<StoredAnswer>,
): Promise<StoredAnswer & { replayed: boolean }> {
  const { tenant } = request;
  const key = request.key.ledger;
  const requestHash = request.key.fingerprint();
  // Claim the key first (status 0 = in progress), so two concurrent requests with one key never
  // both run; the loser reads the winner's answer, or is told to retry while it is still running.
  if (!(await claimKey(sql, { tenant, key, requestHash }))) {
    const previous = await selectAnswer(sql, tenant, key);
    if (previous?.status === EXPIRED_STATUS) {
      throw new ApiError(
        422,
        "idempotency_key_expired",
        "this Idempotency-Key was used before the answer retention window; its answer is no longer kept (a new request needs a new key)",
      );
    }
    if (previous !== undefined && previous.request_hash !== requestHash) {
      throw new ApiError(
        422,
        "idempotency_key_reused",
        "this Idempotency-Key was used for a different request",
      );
    }
    if (previous === undefined || previous.status === 0) {
      throw new ApiError(
        409,
        "request_in_progress",
        "a request with this Idempotency-Key is still running; retry shortly",
      );
    }
    return { status: previous.status, body: previous.body, replayed: true };
  }
  let answer: StoredAnswer;
  try {
    answer = await run();
  } catch (error) {
    await releaseKey(sql, tenant, key);
    throw error;
  }
  await storeAnswer(sql, { tenant, key, status: answer.status, body: answer.body });
  return { ...answer, replayed: false };
}

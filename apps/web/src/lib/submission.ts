/**
 * One Idempotency-Key per submission, kept across retries: a retry of the same input after a network
 * error, a 5xx or "still running" sends the same key, so the server answers it as the same request
 * instead of running it twice. The key is renewed once the submission has a definite answer.
 */
import { useRef } from "react";
import { ApiError, newIdempotencyKey } from "./api.js";

/** Codes of 4xx answers that mean "not decided yet, ask again with the same key". */
const UNDECIDED_CODES = new Set(["request_in_progress"]);
/** Statuses of 4xx answers that mean the same: timed out, or too many requests for now. */
const UNDECIDED_STATUSES = new Set([408, 429]);

/**
 * Whether a failed request got a definite answer: a 4xx refusal did (the server decided and stored
 * nothing, or told us why); a network error, a 5xx or a "still running" did not, and neither did an
 * error that is not the server's (the request may have reached it). Success is always definite.
 */
export function isDefiniteAnswer(error: unknown): boolean {
  if (!(error instanceof ApiError)) return false;
  if (error.status < 400 || error.status >= 500) return false;
  return !UNDECIDED_STATUSES.has(error.status) && !UNDECIDED_CODES.has(error.code);
}

export interface Submission {
  /**
   * Runs `send` with this submission's key for `input`: the key of the previous attempt when it had
   * the same input and no definite answer, a new one otherwise. Answers and errors pass through.
   */
  run<T>(input: unknown, send: (idempotencyKey: string) => Promise<T>): Promise<T>;
}

/** A submission's key holder; `newKey` is injectable so tests can see which key each attempt used. */
export function createSubmission(newKey: () => string = newIdempotencyKey): Submission {
  let pending: { fingerprint: string; key: string } | null = null;
  const settle = (key: string) => {
    if (pending?.key === key) pending = null;
  };
  return {
    async run(input, send) {
      // Inputs are plain form values (strings, numbers, small objects), so JSON tells two apart.
      const fingerprint = JSON.stringify(input ?? null);
      if (pending === null || pending.fingerprint !== fingerprint) pending = { fingerprint, key: newKey() };
      const { key } = pending;
      try {
        const answer = await send(key);
        settle(key);
        return answer;
      } catch (error) {
        if (isDefiniteAnswer(error)) settle(key);
        throw error;
      }
    },
  };
}

/** The submission of one form or button, kept for the component's life. */
export function useSubmission(): Submission {
  const submission = useRef<Submission | null>(null);
  submission.current ??= createSubmission();
  return submission.current;
}

/**
 * Retention of the service's idempotency answers (issue #11, item 6). An answer in app_idempotency
 * is kept for the retention window (30 days by default, ZENGZHI_IDEMPOTENCY_RETENTION_DAYS); then a
 * background task turns it into a tombstone that keeps only the key, so a retry is refused with
 * idempotency_key_expired (idempotency.ts) and never runs twice. The work goes a few hundred rows per
 * statement with a pause between statements: on PGlite the ledger's commits share one connection,
 * and no statement may hold them up for long.
 */
import { expireAnswers } from "../db/idempotency.js";
import { LIMITS } from "../limits.js";
import type { Services } from "./services.js";

const DAY_MS = 24 * 60 * 60 * 1000;

export interface RetentionOptions {
  /** Days an answer is kept (default LIMITS.idempotencyRetentionDaysDefault). */
  retentionDays?: number;
  rowsPerStatement?: number;
  pauseMs?: number;
}

/** Expires every answer older than the window, in short statements; returns how many it expired. */
export async function expireIdempotencyAnswers(
  services: Services,
  options: RetentionOptions = {},
): Promise<number> {
  const retentionDays = options.retentionDays ?? LIMITS.idempotencyRetentionDaysDefault;
  const rowsMax = options.rowsPerStatement ?? LIMITS.retentionRowsPerStatement;
  const pauseMs = options.pauseMs ?? LIMITS.retentionPauseMs;
  const createdBefore = new Date(services.now() - retentionDays * DAY_MS);
  let expired = 0;
  for (;;) {
    const count = await expireAnswers(services.sql, { createdBefore, rowsMax });
    expired += count;
    if (count < rowsMax) return expired;
    await new Promise((resolve) => setTimeout(resolve, pauseMs));
  }
}

/**
 * Runs expireIdempotencyAnswers now and then every LIMITS.retentionIntervalMs, in the background; a
 * failure is reported and the next run tries again. `stop` waits for a run in progress.
 */
export function startRetention(
  services: Services,
  options: RetentionOptions & { onError: (error: unknown) => void },
): { stop(): Promise<void> } {
  let running: Promise<void> = Promise.resolve();
  const run = () => {
    running = running
      .then(() => expireIdempotencyAnswers(services, options))
      .then(
        () => undefined,
        (error: unknown) => options.onError(error),
      );
  };
  run();
  const timer = setInterval(run, LIMITS.retentionIntervalMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}

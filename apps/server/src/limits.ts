/**
 * Every limit the service enforces, in one place: the API refuses input beyond them with a 4xx that
 * names the field. Figures are documented in docs/API.md.
 */
export const LIMITS = {
  /** Request bodies, bytes. */
  bodyBytesMax: 64 * 1024,
  /**
   * Arrays and objects nested inside each other in a JSON body (checked on the raw text before
   * JSON.parse); no operation's body needs more than a few levels, a rule set the most.
   */
  jsonDepthMax: 32,
  /** The CSV import route takes a larger body. */
  csvBodyBytesMax: 1024 * 1024,
  csvRowsMax: 10_000,
  pageSizeDefault: 50,
  pageSizeMax: 100,
  /** One amount of money, in fen (100,000,000.00 yuan). */
  amountFenMax: 10_000_000_000n,
  /** Points in one request, in 1e-8 points (1e12 points). */
  pointsUnitsMax: 10n ** 20n,
  idLengthMax: 64,
  nameLengthMax: 100,
  idempotencyKeyLengthMax: 128,
  quantityMax: 1000,
  closeDaysMax: 366,
  /** Login: failures per user per window, and attempts per client address per minute. */
  loginFailuresPerUserMax: 5,
  loginFailureWindowMs: 10 * 60 * 1000,
  loginAttemptsPerAddressPerMinuteMax: 30,
  sessionLifetimeMs: 7 * 24 * 60 * 60 * 1000,
  /** Sessions kept in memory after a database lookup. */
  sessionCacheMs: 60 * 1000,
  sessionCacheEntriesMax: 100_000,
  /** Signed payment callbacks older or newer than this are refused. */
  callbackSkewMs: 5 * 60 * 1000,
  priceHistoryMax: 500,
  /** Member ids remembered per tenant as existing (saves an engine read per in-store sale). */
  knownMembersCachedMax: 1_000_000,
  /** Paid orders settled per batch at a day close. */
  settleBatchMax: 1000,
} as const;

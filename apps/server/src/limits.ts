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
  /**
   * Login throttling (docs/SECURITY.md): failures are counted per (account, client address). The first
   * `loginFailuresFreeMax` cost nothing; each further one makes that pair wait, starting at
   * `loginDelayFirstMs` and doubling up to `loginDelayMaxMs`. A pair's count is forgotten
   * `loginFailureMemoryMs` after its last failure, or at a successful login.
   */
  loginFailuresFreeMax: 3,
  loginDelayFirstMs: 1000,
  loginDelayMaxMs: 15 * 60 * 1000,
  loginFailureMemoryMs: 24 * 60 * 60 * 1000,
  /** Login attempts (any account) per client address per minute. */
  loginAttemptsPerAddressPerMinuteMax: 30,
  /** Entries each throttle keeps in memory; the oldest are dropped beyond it. */
  throttleEntriesMax: 100_000,
  /** Passwords must reach this zxcvbn score (0–4; 2 = more than 10^6 guesses). */
  passwordScoreMin: 2,
  /**
   * Characters of a password that zxcvbn judges (the rest cannot lower the score): its cost grows
   * faster than the length, and it runs on the event loop.
   */
  passwordJudgedLengthMax: 32,
  /** Sessions listed per user (newest activity first). */
  sessionsListedMax: 100,
  /** Characters kept of a session's client address and user agent. */
  sessionOriginLengthMax: 200,
  /** A session's last activity is written at most this often. */
  sessionTouchMs: 60 * 1000,
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
  /** Provider payments and refunds asked about per tenant and sweep (issue 12). */
  providerSweepBatchMax: 50,
  /** A payment attempt or refund no notification settled is asked about after this many seconds. */
  providerSweepAgeSeconds: 60,
  /** How often the background sweep runs. */
  providerSweepIntervalMs: 30 * 1000,
  /** Attempts of one order asked about when its member's waiting page polls. */
  providerPollAttemptsMax: 3,
  /** Public page: day closes (liability roots) listed, newest first. */
  liabilityRootsShownMax: 30,
  /** Closes whose leaves are kept so members can fetch their inclusion proofs. */
  liabilityLeavesKeptMax: 31,
  /** The queue meter's inflow: closes of the last this many days. */
  inflowWindowDays: 30,
  /** Journal rows read per query when summing a close's pool inflow. */
  journalScanPageMax: 10_000,
  /** Days an idempotency answer is kept (ZENGZHI_IDEMPOTENCY_RETENTION_DAYS); then a retry is refused. */
  idempotencyRetentionDaysDefault: 30,
  /** The retention task: rows per statement, pause between statements, time between runs. */
  retentionRowsPerStatement: 100,
  retentionPauseMs: 20,
  retentionIntervalMs: 60 * 60 * 1000,
} as const;

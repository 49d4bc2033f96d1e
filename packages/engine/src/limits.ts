/**
 * Every limit the engine enforces, in one place. Inputs beyond them are refused (never clamped):
 * amounts with `amount_too_large`, days with `invalid_days`, ids and labels when commands are parsed.
 */

/** Largest amount of money one command may move: 10^12 fen (ten billion yuan). */
export const AMOUNT_MAX = 10n ** 12n;

/** Largest value a 64-bit position column holds (points of one position, in 10^-8 point). */
export const COLUMN_MAX = 2n ** 63n - 1n;

/** Most days one `advance` may move the clock. */
export const ADVANCE_DAYS_MAX = 100_000;

/** Longest member, merchant or inviter id. */
export const ID_LENGTH_MAX = 128;

/** Longest financing label. */
export const LABEL_LENGTH_MAX = 64;

/** Longest decimal string accepted for any amount. */
export const DECIMAL_LENGTH_MAX = 40;

/** Most items one page of an EngineView listing (members, withdrawals) may hold. */
export const PAGE_LIMIT_MAX = 1_000;

/** Most rows one `coinImport` may carry (it imports all of them or none). */
export const COIN_IMPORT_ROWS_MAX = 10_000;

/**
 * Field schemas of the contract: the *shape* of each input (ids, names, decimal strings, pages). Money
 * and points stay decimal strings here; the contract checks their shape and length, and the server
 * parses them once with the engine's `parseDecimal` (precision and range are the engine's and the
 * service's limits). `fieldErrorCode` maps a zod issue to the error code the API answers.
 */
import { z } from "zod";
import { isErrorCode, type ErrorCode } from "./errors.js";

/** Limits the contract states (the service's limits.ts holds the same figures for its own checks). */
export const FIELD_LIMITS = {
  decimalLengthMax: 40,
  idLengthMax: 64,
  nameLengthMax: 100,
  pageSizeDefault: 50,
  pageSizeMax: 100,
  cursorLengthMax: 200,
  quantityMax: 1000,
  closeDaysMax: 366,
  /** Most withdrawal decisions one batch (and its preview) may hold. */
  withdrawalBatchMax: 100,
  csvBodyBytesMax: 1024 * 1024,
  labelLengthMax: 64,
  /** The longest date range a report covers, in days (ten years of daily rows at most). */
  reportDaysMax: 3700,
} as const;

/**
 * The one rule for money, points and ratios sent in (docs/SECURITY.md): ASCII digits with at most one
 * "." between digits, an optional leading "-" (refused later as out of range where 0 or less is), and
 * nothing else: no blank of any kind before, after or inside (space, tab, line break, U+00A0, U+2003,
 * U+3000, U+FEFF …), no "+", no full-width digits, no grouping. The engine's parseDecimal reads the
 * same form; nothing is trimmed anywhere.
 */
export const DECIMAL_PATTERN = /^-?[0-9]+(\.[0-9]+)?$/;

const decimalText = (what: string) =>
  z
    .string()
    .max(FIELD_LIMITS.decimalLengthMax)
    .regex(DECIMAL_PATTERN, `must be a decimal number such as "12.50"`)
    .meta({ description: what });

/** Money in yuan, at most 2 decimals, greater than 0 (e.g. "12.50"). */
export const moneyText = decimalText("money in yuan: a decimal string with at most 2 decimals, above 0");
/** Points, at most 8 decimals, greater than 0. */
export const pointsText = decimalText("points: a decimal string with at most 8 decimals, above 0");
/** A ratio, at most 9 decimals, greater than 0. */
export const ratioText = decimalText("a ratio: a decimal string with at most 9 decimals, above 0");
/** A balance in yuan, at most 2 decimals, 0 or more. */
export const balanceText = decimalText("money in yuan: a decimal string with at most 2 decimals, 0 or more");

/** Decimal strings in answers: always the unit's full number of decimals. */
export const moneyOut = z
  .string()
  .regex(/^-?\d+\.\d{2}$/)
  .meta({ description: "money in yuan, 2 decimals" });
export const pointsOut = z
  .string()
  .regex(/^-?\d+\.\d{8}$/)
  .meta({ description: "points, 8 decimals" });
export const ratioOut = z
  .string()
  .regex(/^-?\d+\.\d{9}$/)
  .meta({ description: "a ratio, 9 decimals" });
export const priceOut = z
  .string()
  .regex(/^-?\d+\.\d{8}$/)
  .meta({ description: "a price in yuan per point, 8 decimals" });
export const healthOut = z
  .string()
  .regex(/^-?\d+\.\d{2}$/)
  .meta({ description: "a health value, 2 decimals" });
export const timeOut = z.iso.datetime().meta({ description: "an ISO 8601 time in UTC" });
/** A calendar date (ISO 8601, YYYY-MM-DD), a local day of the tenant's time zone. */
export const dateField = z.iso.date().meta({ description: "a date, YYYY-MM-DD, in the tenant's time zone" });

/** Text without control characters (C0, DEL, C1): names and free text must be printable. */
export const PRINTABLE_PATTERN = /^\P{Cc}*$/u;
const printable = "must not contain control characters";

export const idField = z
  .string()
  .min(1)
  .max(FIELD_LIMITS.idLengthMax)
  .regex(/^[A-Za-z0-9_.:-]+$/, "must use only letters, digits and _ . : -");
export const tenantField = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{1,31}$/, "must be 2–32 of a-z, 0-9 and -, starting with a letter or digit");
/**
 * A username (also a member's id and invite code): lower-case letters of any script (Chinese names
 * included), digits, marks, _ and -, 2 to 32 code points, in Unicode NFC (the web app normalizes
 * before sending). Capitals, spaces, control and format characters (zero-width joiners, direction
 * marks) are refused, so two names that look the same are the same bytes.
 */
export const USERNAME_PATTERN = /^[\p{Ll}\p{Lo}\p{Lm}\p{Mn}\p{Mc}\p{Nd}_-]+$/u;
const codePoints = (text: string) => [...text].length;
export const usernameField = z
  .string()
  .max(128)
  .regex(USERNAME_PATTERN, "must use only lower-case letters, digits, _ and -")
  .refine((text) => codePoints(text) >= 2 && codePoints(text) <= 32, "must be 2–32 characters long")
  .refine((text) => text === text.normalize("NFC"), "must be in Unicode NFC form");
/** A member named in a request (its username; older ids may also hold capitals, "." and ":"). */
export const memberIdField = z
  .string()
  .min(1)
  .max(FIELD_LIMITS.idLengthMax)
  .regex(/^[\p{L}\p{M}\p{Nd}_.:-]+$/u, "must use only letters, digits and _ . : -")
  .refine((text) => text === text.normalize("NFC"), "must be in Unicode NFC form");
export const passwordField = z.string().min(8).max(128);
/** A member's phone number: digits, an optional leading "+" (5 to 20 digits). */
export const phoneField = z.string().regex(/^\+?[0-9]{5,20}$/, "must be 5–20 digits, optionally after +");
/** Words to look members up by: part of a username or of a phone number. */
export const memberSearchField = z.string().trim().min(1).max(64).regex(PRINTABLE_PATTERN, printable);
export const nameField = z
  .string()
  .trim()
  .min(1)
  .max(FIELD_LIMITS.nameLengthMax)
  .regex(PRINTABLE_PATTERN, printable);
/** Free text of bounded length (labels, login names as typed). */
export const textField = (lengthMax: number) => z.string().max(lengthMax).regex(PRINTABLE_PATTERN, printable);

/** A split given as four decimal strings (the engine checks that they add up to 1). */
export const splitInput = z.strictObject({
  productCost: z.string().max(20),
  distributionCost: z.string().max(20),
  platformProfit: z.string().max(20),
  poolContribution: z.string().max(20),
});

/** A page of a list; unknown query fields are ignored, as they always were. */
export const pageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(FIELD_LIMITS.pageSizeMax).default(FIELD_LIMITS.pageSizeDefault),
  cursor: z.string().max(FIELD_LIMITS.cursorLengthMax).optional(),
});

/** A path id that the server reads as a positive integer; any other text answers 404. */
export const integerIdParam = z
  .string()
  .max(100)
  .meta({ description: "a positive integer id (any other text answers 404)" });
/** A path id of a product or merchant; an unknown (or malformed) one answers 404. */
export const textIdParam = z
  .string()
  .max(100)
  .regex(PRINTABLE_PATTERN, printable)
  .meta({ description: "an id" });

/** The error code of the first issue of a refused input, as the API answers it. */
export function fieldErrorCode(issue: z.core.$ZodIssue): ErrorCode {
  if (issue.code === "unrecognized_keys") return "unknown_field";
  if (issue.code === "too_big" || issue.code === "too_small") return "out_of_range";
  if (
    issue.code === "invalid_format" &&
    issue.format === "regex" &&
    issue.pattern === String(DECIMAL_PATTERN)
  )
    return "not_a_decimal";
  const custom = issue.code === "custom" ? issue.params?.code : undefined;
  if (typeof custom === "string" && isErrorCode(custom)) return custom;
  return "invalid_field";
}

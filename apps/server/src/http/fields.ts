/**
 * Decimal fields at the HTTP edge: the contract checks a decimal string's shape; here it is parsed
 * once, exactly, with the engine's parser (never a float) and held to the service's limits. Each
 * failure names the field and carries a code (not_a_decimal, too_precise, out_of_range).
 */
import { DecimalError, MONEY_DECIMALS, POINT_DECIMALS, RATIO_DECIMALS, parseDecimal } from "@zengzhi/engine";
import { badField } from "../domain/errors.js";
import { LIMITS } from "../limits.js";

interface DecimalKind {
  decimals: number;
  max: bigint;
  what: string;
}

const MONEY: DecimalKind = { decimals: MONEY_DECIMALS, max: LIMITS.amountFenMax, what: "the amount" };
const POINTS: DecimalKind = { decimals: POINT_DECIMALS, max: LIMITS.pointsUnitsMax, what: "the points" };
const RATIO: DecimalKind = { decimals: RATIO_DECIMALS, max: 10n ** 18n, what: "the ratio" };

function decimal(text: string, field: string, kind: DecimalKind): bigint {
  let units: bigint;
  try {
    // Taken as sent: the contract's DECIMAL_PATTERN and parseDecimal allow no blank (docs/SECURITY.md).
    units = parseDecimal(text, kind.decimals);
  } catch (error) {
    const code = error instanceof DecimalError ? error.code : "not_a_decimal";
    throw badField(field, (error as Error).message, code);
  }
  if (units <= 0n) throw badField(field, `${kind.what} must be greater than 0`, "out_of_range");
  if (units > kind.max) throw badField(field, `${kind.what} is above the limit`, "out_of_range");
  return units;
}

/** A positive amount of money in yuan, at most 2 decimals → fen. */
export const money = (text: string, field: string): bigint => decimal(text, field, MONEY);
/** A positive number of points, at most 8 decimals → 1e-8 points. */
export const points = (text: string, field: string): bigint => decimal(text, field, POINTS);
/** A positive ratio, at most 9 decimals (shares per point). */
export const ratio = (text: string, field: string): bigint => decimal(text, field, RATIO);

/** The same for an optional field. */
export const optional = <T>(text: string | undefined, parse: (text: string) => T): T | undefined =>
  text === undefined ? undefined : parse(text);

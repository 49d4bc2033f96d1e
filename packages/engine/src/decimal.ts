/**
 * Exact fixed-point decimals on bigint.
 *
 * Units used across zengzhi (documented in docs/ARCHITECTURE.md):
 * - money: fen (0.01 yuan), scale 2          -> MONEY_SCALE
 * - points: 1e-8 point, scale 8              -> POINT_SCALE
 * - fractions and multiples: 1e-9, scale 9   -> RATIO_SCALE
 * - health value: 0.01, scale 2              -> HEALTH_SCALE
 */

export const MONEY_DECIMALS = 2;
export const POINT_DECIMALS = 8;
export const RATIO_DECIMALS = 9;
export const HEALTH_DECIMALS = 2;

export const MONEY_SCALE = 10n ** BigInt(MONEY_DECIMALS);
export const POINT_SCALE = 10n ** BigInt(POINT_DECIMALS);
export const RATIO_SCALE = 10n ** BigInt(RATIO_DECIMALS);
export const HEALTH_SCALE = 10n ** BigInt(HEALTH_DECIMALS);

/** The one form of a decimal (docs/SECURITY.md): ASCII digits, one optional "." and "-", no blank anywhere. */
const DECIMAL = /^(-?)([0-9]+)(?:\.([0-9]+))?$/;

export class DecimalError extends Error {
  constructor(
    readonly code: "not_a_decimal" | "too_precise",
    message: string,
  ) {
    super(message);
    this.name = "DecimalError";
  }
}

/** Parses a decimal string such as "12.50" into an integer count of 10^-decimals units. */
export function parseDecimal(text: string, decimals: number): bigint {
  const match = DECIMAL.exec(text);
  if (match === null) {
    throw new DecimalError("not_a_decimal", `"${text}" is not a decimal number`);
  }
  const [, sign, whole, fraction = ""] = match;
  const trimmed = fraction.replace(/0+$/, "");
  if (trimmed.length > decimals) {
    throw new DecimalError("too_precise", `"${text}" has more than ${decimals} decimal places`);
  }
  const units = BigInt(whole! + trimmed.padEnd(decimals, "0"));
  return sign === "-" ? -units : units;
}

/** Formats an integer count of 10^-decimals units as a decimal string with exactly `decimals` places. */
export function formatDecimal(units: bigint, decimals: number): string {
  const negative = units < 0n;
  const digits = (negative ? -units : units).toString().padStart(decimals + 1, "0");
  const whole = digits.slice(0, digits.length - decimals);
  const fraction = digits.slice(digits.length - decimals);
  return `${negative ? "-" : ""}${whole}${decimals > 0 ? "." + fraction : ""}`;
}

/** floor(a / b) for b > 0, also for negative a (bigint division truncates toward zero). */
export function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && a < 0n ? q - 1n : q;
}

/** ceil(a / b) for a >= 0, b > 0. */
export function ceilDiv(a: bigint, b: bigint): bigint {
  return (a + b - 1n) / b;
}

export const money = (text: string): bigint => parseDecimal(text, MONEY_DECIMALS);
export const points = (text: string): bigint => parseDecimal(text, POINT_DECIMALS);
export const ratio = (text: string): bigint => parseDecimal(text, RATIO_DECIMALS);
export const formatMoney = (units: bigint): string => formatDecimal(units, MONEY_DECIMALS);
export const formatPoints = (units: bigint): string => formatDecimal(units, POINT_DECIMALS);
export const formatRatio = (units: bigint): string => formatDecimal(units, RATIO_DECIMALS);
export const formatHealth = (units: bigint): string => formatDecimal(units, HEALTH_DECIMALS);

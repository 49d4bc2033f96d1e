/**
 * Locale formatting of the exact decimal strings the API returns. Amounts are never parsed into
 * floats: Intl.NumberFormat formats decimal strings exactly, and percentages shift the decimal point
 * in the string itself.
 */
export type Locale = "zh-CN" | "en";

const cache = new Map<string, Intl.NumberFormat>();

function formatter(locale: Locale, options: Intl.NumberFormatOptions): Intl.NumberFormat {
  const key = `${locale}|${JSON.stringify(options)}`;
  let found = cache.get(key);
  if (found === undefined) {
    found = new Intl.NumberFormat(locale, options);
    cache.set(key, found);
  }
  return found;
}

/** True for a plain decimal string such as "-12.50" (what the API sends). */
export function isDecimal(text: string): boolean {
  return /^-?\d+(\.\d+)?$/.test(text);
}

// Intl.NumberFormat.format takes exact decimal strings (ECMA-402 NumberFormat v3); the DOM typings
// only list number | bigint, hence the cast.
function formatExact(nf: Intl.NumberFormat, text: string): string {
  return nf.format(text as unknown as number);
}

/** Money in yuan, e.g. "1234.5" → "¥1,234.50". */
export function formatMoney(text: string | null | undefined, locale: Locale): string {
  if (text === null || text === undefined || !isDecimal(text)) return "—";
  return formatExact(
    formatter(locale, { style: "currency", currency: "CNY", minimumFractionDigits: 2 }),
    text,
  );
}

/** Points with up to `maxDecimals` decimals (default 8: exact), trailing zeros beyond 2 dropped. */
export function formatPoints(text: string | null | undefined, locale: Locale, maxDecimals = 8): string {
  if (text === null || text === undefined || !isDecimal(text)) return "—";
  const nf = formatter(locale, {
    minimumFractionDigits: Math.min(2, maxDecimals),
    maximumFractionDigits: maxDecimals,
    roundingMode: "trunc",
  } as Intl.NumberFormatOptions);
  return formatExact(nf, text);
}

/**
 * A price in yuan per point for people: 4 decimals, cut (never rounded up); `decimals` 8 gives the
 * exact value the API sent.
 */
export function formatPrice(text: string | null | undefined, locale: Locale, decimals = 4): string {
  if (text === null || text === undefined || !isDecimal(text)) return "—";
  const nf = formatter(locale, {
    minimumFractionDigits: Math.min(4, decimals),
    maximumFractionDigits: decimals,
    roundingMode: "trunc",
  } as Intl.NumberFormatOptions);
  return `¥${formatExact(nf, text)}`;
}

/** Shifts a decimal string's point by `places` to the right, exactly: ("0.125", 2) → "12.5". */
export function shiftDecimal(text: string, places: number): string {
  const negative = text.startsWith("-");
  const body = negative ? text.slice(1) : text;
  const [whole = "0", fraction = ""] = body.split(".");
  const digits = whole + fraction.padEnd(places, "0");
  const point = whole.length + places;
  const intPart = digits.slice(0, point).replace(/^0+(?=\d)/, "");
  const fracPart = digits.slice(point).replace(/0+$/, "");
  return `${negative ? "-" : ""}${intPart}${fracPart === "" ? "" : `.${fracPart}`}`;
}

/** A ratio as a percentage: "0.3" → "30%", "0.001" → "0.1%". */
export function formatRatio(text: string | null | undefined, locale: Locale): string {
  if (text === null || text === undefined || !isDecimal(text)) return "—";
  const nf = formatter(locale, { maximumFractionDigits: 7 });
  return `${formatExact(nf, shiftDecimal(text, 2))}%`;
}

/** A plain decimal (health value, multiples), up to 2 decimals. */
export function formatNumber(
  text: string | number | null | undefined,
  locale: Locale,
  maxDecimals = 2,
): string {
  if (text === null || text === undefined) return "—";
  const value = String(text);
  if (!isDecimal(value)) return "—";
  return formatExact(formatter(locale, { maximumFractionDigits: maxDecimals }), value);
}

/** Compares two non-negative decimal strings exactly (−1, 0, 1), without floats. */
export function compareDecimal(a: string, b: string): number {
  const [aw = "0", af = ""] = a.split(".");
  const [bw = "0", bf = ""] = b.split(".");
  const width = Math.max(af.length, bf.length);
  const x = BigInt(aw + af.padEnd(width, "0"));
  const y = BigInt(bw + bf.padEnd(width, "0"));
  return x < y ? -1 : x > y ? 1 : 0;
}

/**
 * A display-only fraction a / b in [0, 1] for progress bars (exactness is not needed for a bar's
 * width, and nothing computed here is shown as an amount).
 */
export function progressFraction(a: string, b: string): number {
  const denominator = Number(b);
  if (!(denominator > 0)) return 0;
  return Math.max(0, Math.min(1, Number(a) / denominator));
}

/**
 * Totals of decimal strings for display, added exactly as scaled bigints (a sum, not a rule: the
 * values themselves come from the server).
 */
export function sumDecimals(values: string[], decimals: number): string {
  let total = 0n;
  for (const value of values) {
    const [whole = "0", fraction = ""] = value.split(".");
    total += BigInt(whole + fraction.padEnd(decimals, "0").slice(0, decimals));
  }
  const text = total.toString().padStart(decimals + 1, "0");
  return `${text.slice(0, -decimals)}.${text.slice(-decimals)}`;
}

export const sumPoints = (values: string[]) => sumDecimals(values, 8);
export const sumMoney = (values: string[]) => sumDecimals(values, 2);

const dateTimeFormats = new Map<string, Intl.DateTimeFormat>();

function dateTimeFormat(locale: Locale, timeZone: string, withTime: boolean): Intl.DateTimeFormat {
  const key = `${locale}|${timeZone}|${String(withTime)}`;
  let found = dateTimeFormats.get(key);
  if (found === undefined) {
    found = new Intl.DateTimeFormat(locale, {
      timeZone,
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      ...(withTime ? { hour: "2-digit", minute: "2-digit", hourCycle: "h23" } : {}),
    });
    dateTimeFormats.set(key, found);
  }
  return found;
}

/**
 * An instant the API sent (ISO 8601) as a date and time in the tenant's zone, whatever zone the
 * browser is in: "2026/12/04 00:05".
 */
export function formatDateTime(iso: string | null | undefined, locale: Locale, timeZone: string): string {
  if (iso === null || iso === undefined) return "—";
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return "—";
  return dateTimeFormat(locale, timeZone, true).format(ms);
}

/** A calendar date the API sent ("2026-12-04", already the tenant's local date), for the locale. */
export function formatDate(date: string | null | undefined, locale: Locale): string {
  if (date === null || date === undefined || !/^\d{4}-\d\d-\d\d$/.test(date)) return "—";
  return dateTimeFormat(locale, "UTC", false).format(Date.parse(`${date}T00:00:00Z`));
}

/** The time of day of an instant the API sent, in the tenant's zone: "00:05". */
export function formatTime(iso: string | null | undefined, locale: Locale, timeZone: string): string {
  if (iso === null || iso === undefined) return "—";
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return "—";
  return new Intl.DateTimeFormat(locale, {
    timeZone,
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  }).format(ms);
}

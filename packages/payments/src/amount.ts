// Conversions between bigint fen and the providers' wire formats. WeChat carries integer fen in
// JSON numbers; Alipay and the WeChat bill carry yuan as decimal strings with two places.

const YUAN = /^(0|[1-9][0-9]{0,11})(\.[0-9]{1,2})?$/;

/** 12345n → "123.45". */
export function yuanOf(amountFen: bigint): string {
  if (amountFen < 0n) throw new RangeError("amount must not be negative");
  const whole = amountFen / 100n;
  const cents = (amountFen % 100n).toString().padStart(2, "0");
  return `${whole}.${cents}`;
}

/** "123.45" → 12345n; undefined when the text is not a plain yuan amount. */
export function fenOfYuan(text: string): bigint | undefined {
  const match = YUAN.exec(text);
  if (match === null) return undefined;
  const cents = (match[2] ?? ".").slice(1).padEnd(2, "0");
  return BigInt(match[1] ?? "0") * 100n + BigInt(cents);
}

/** A bigint fen amount as the JSON integer WeChat expects; refuses what a double cannot hold. */
export function wireFen(amountFen: bigint): number {
  if (amountFen < 0n || amountFen > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new RangeError("amount out of range");
  }
  return Number(amountFen);
}

/** A JSON integer fen amount from WeChat back to bigint; undefined when it is not one. */
export function fenOfWire(value: unknown): bigint | undefined {
  return typeof value === "number" && Number.isSafeInteger(value) && value >= 0 ? BigInt(value) : undefined;
}

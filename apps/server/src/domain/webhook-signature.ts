/**
 * The signature of a webhook delivery: HMAC-SHA256 with the endpoint's secret over
 * `<timestamp>.<body>` (the Unix time in seconds, a dot, the exact bytes of the body), sent as
 * `Zengzhi-Signature: t=<timestamp>,v1=<hex>`. A receiver recomputes it, compares in constant time and
 * refuses a timestamp older than its tolerance (docs/OPERATIONS.md shows how).
 */
import { createHmac, timingSafeEqual } from "node:crypto";

export const SIGNATURE_HEADER = "zengzhi-signature";

export function signatureOf(secret: string, timestamp: number, body: string): string {
  return createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex");
}

export function signatureHeader(secret: string, timestamp: number, body: string): string {
  return `t=${timestamp},v1=${signatureOf(secret, timestamp, body)}`;
}

/** The receiver's check: the header's signature matches and its time is within `toleranceSeconds` of now. */
export function verifySignature(
  input: { secret: string; header: string; body: string; nowSeconds: number },
  toleranceSeconds = 300,
): boolean {
  const fields = new Map(input.header.split(",").map((part) => part.split("=", 2) as [string, string]));
  const timestamp = Number(fields.get("t"));
  const given = fields.get("v1") ?? "";
  if (!Number.isSafeInteger(timestamp) || Math.abs(input.nowSeconds - timestamp) > toleranceSeconds)
    return false;
  const expected = signatureOf(input.secret, timestamp, input.body);
  return given.length === expected.length && timingSafeEqual(Buffer.from(given), Buffer.from(expected));
}

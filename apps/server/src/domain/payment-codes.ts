/**
 * Payment codes: the member confirms a till sale by showing a short-lived, one-use code (and its QR)
 * that the merchant scans or types. The code names the member; it never travels with a member id.
 */
import { randomInt } from "node:crypto";
import { claimPaymentCode, insertPaymentCode, releasePaymentCode } from "../db/payment-codes.js";
import type { Session } from "./auth.js";
import { ApiError, forbidden } from "./errors.js";
import { once, type RequestKey } from "./idempotency.js";
import type { Services } from "./services.js";

/** How long a payment code works: long enough to show and scan, short enough to be useless later. */
export const PAYMENT_CODE_LIFETIME_MS = 3 * 60 * 1000;

/** 12 random digits: typed by hand when the scanner fails, 10^12 guesses for a live code. */
function newCode(): string {
  return String(randomInt(0, 1_000_000)).padStart(6, "0") + String(randomInt(0, 1_000_000)).padStart(6, "0");
}

export async function createPaymentCode(services: Services, request: { session: Session; key: RequestKey }) {
  const { session } = request;
  const member = session.memberId;
  if (member === null) throw forbidden("this login belongs to no member");
  return once(services.sql, { tenant: session.tenant, key: request.key }, async () => {
    const expiresAt = new Date(services.now() + PAYMENT_CODE_LIFETIME_MS);
    let code = newCode();
    while (!(await insertPaymentCode(services.sql, { tenant: session.tenant, code, member, expiresAt })))
      code = newCode();
    return { status: 201, body: { code, expiresAt: expiresAt.toISOString() } };
  });
}

/**
 * Runs `sale` for the member a code names, with the code claimed by the sale's ledger key; a refused
 * sale gives the code back, so the member can show it again.
 */
export async function withPaymentCode<T>(
  services: Services,
  claim: { tenant: string; code: string; key: string },
  sale: (member: string) => Promise<T>,
): Promise<T> {
  const member = await claimPaymentCode(services.sql, { ...claim, now: new Date(services.now()) });
  if (member === undefined)
    throw new ApiError(409, "payment_code_invalid", "the payment code is unknown, used or expired", "code");
  try {
    return await sale(member);
  } catch (error) {
    await releasePaymentCode(services.sql, claim);
    throw error;
  }
}

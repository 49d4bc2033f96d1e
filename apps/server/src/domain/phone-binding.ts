/**
 * Phone binding, an option of the account security page: a six-digit code goes to the number through
 * the Notifier (SMS; log-only by default), kept only as a salted SHA-256, working once, for ten
 * minutes and five tries; sends are rate-limited per account (one a minute, five an hour).
 */
import { createHash, randomInt, timingSafeEqual } from "node:crypto";
import {
  countPhoneAttempt,
  phoneBoundElsewhere,
  selectPhoneCode,
  spendPhoneCode,
  updateVerifiedPhone,
  upsertPhoneCode,
} from "../db/sign-in.js";
import type { Session } from "./auth.js";
import { ApiError } from "./errors.js";
import type { Services } from "./services.js";
import { once, type RequestKey } from "./idempotency.js";
import { accountSecurity, type AccountSecurity } from "./wechat-sign-in.js";

export const PHONE_CODE = {
  ttlMs: 10 * 60 * 1000,
  resendAfterMs: 60 * 1000,
  windowMs: 60 * 60 * 1000,
  sendsPerWindowMax: 5,
  attemptsMax: 5,
} as const;

/** Bound to the account and the number, so a code proves that number for that account only. */
const codeHash = (session: Session, phone: string, code: string) =>
  createHash("sha256").update(`${session.tenant}\n${session.id}\n${phone}\n${code}`, "utf8").digest("hex");

const tooMany = (retryAfterMs: number) =>
  new ApiError(429, "too_many_requests", "too many codes were asked for; wait and try again", undefined, {
    retryAfterSeconds: Math.max(1, Math.ceil(retryAfterMs / 1000)),
  });

const time = (value: Date | string) => new Date(value).getTime();

/** Sends a new code to `phone` (an earlier one stops working). */
export async function requestPhoneCode(
  services: Services,
  request: { session: Session; key: RequestKey },
  input: { phone: string },
) {
  const { session } = request;
  const answer = await once(services.sql, { tenant: session.tenant, key: request.key }, async () => ({
    status: 200,
    body: await sendPhoneCode(services, session, input.phone),
  }));
  return answer.body as { expiresAt: string };
}

async function sendPhoneCode(services: Services, session: Session, phone: string) {
  const input = { phone };
  const now = services.now();
  const previous = await selectPhoneCode(services.sql, session.tenant, session.id);
  let windowStart = now;
  let sends = 1;
  if (previous !== undefined) {
    const sinceSent = now - time(previous.sent_at);
    if (sinceSent < PHONE_CODE.resendAfterMs) throw tooMany(PHONE_CODE.resendAfterMs - sinceSent);
    if (now - time(previous.window_start) < PHONE_CODE.windowMs) {
      if (previous.sends_in_window >= PHONE_CODE.sendsPerWindowMax)
        throw tooMany(time(previous.window_start) + PHONE_CODE.windowMs - now);
      windowStart = time(previous.window_start);
      sends = previous.sends_in_window + 1;
    }
  }
  if (
    await phoneBoundElsewhere(services.sql, {
      tenant: session.tenant,
      userId: session.id,
      phone: input.phone,
    })
  )
    throw new ApiError(409, "phone_taken", "another account of this scheme has bound this number", "phone");
  const code = String(randomInt(1_000_000)).padStart(6, "0");
  await upsertPhoneCode(services.sql, {
    tenant: session.tenant,
    userId: session.id,
    phone: input.phone,
    codeHash: codeHash(session, input.phone, code),
    expiresAt: now + PHONE_CODE.ttlMs,
    sentAt: now,
    windowStart,
    sendsInWindow: sends,
  });
  await services.notifier.send("sms", {
    tenant: session.tenant,
    member: session.memberId ?? session.username,
    kind: "phone_code",
    data: { phone: input.phone, code, minutes: String(PHONE_CODE.ttlMs / 60_000) },
  });
  await services.audit.recordBy(session, { action: "phone.code-sent" });
  return { expiresAt: new Date(now + PHONE_CODE.ttlMs).toISOString() };
}

/** Binds the phone the code was sent to, when the code is right, live and within its tries. */
export async function setPhone(services: Services, session: Session, input: { phone: string; code: string }) {
  const now = services.now();
  const stored = await selectPhoneCode(services.sql, session.tenant, session.id);
  const expected = codeHash(session, input.phone, input.code.trim());
  const live =
    stored !== undefined &&
    stored.code_hash !== "" &&
    stored.phone === input.phone &&
    time(stored.expires_at) > now &&
    stored.attempts < PHONE_CODE.attemptsMax;
  if (!live || !timingSafeEqual(Buffer.from(stored.code_hash, "hex"), Buffer.from(expected, "hex"))) {
    if (stored !== undefined) await countPhoneAttempt(services.sql, session.tenant, session.id);
    throw new ApiError(
      400,
      "phone_code_invalid",
      "the code is wrong, used or expired: ask for a new one",
      "code",
    );
  }
  if (
    await phoneBoundElsewhere(services.sql, {
      tenant: session.tenant,
      userId: session.id,
      phone: input.phone,
    })
  )
    throw new ApiError(409, "phone_taken", "another account of this scheme has bound this number", "phone");
  await spendPhoneCode(services.sql, session.tenant, session.id);
  await updateVerifiedPhone(services.sql, {
    tenant: session.tenant,
    userId: session.id,
    phone: input.phone,
    now,
  });
  await services.audit.recordBy(session, { action: "phone.bind" });
  return accountSecurity(services, session);
}

/** Unbinds the caller's phone (safe to repeat). */
export async function revokePhone(services: Services, request: { session: Session; key: RequestKey }) {
  const { session } = request;
  const answer = await once(services.sql, { tenant: session.tenant, key: request.key }, async () => {
    await updateVerifiedPhone(services.sql, {
      tenant: session.tenant,
      userId: session.id,
      phone: null,
      now: services.now(),
    });
    await services.audit.recordBy(session, { action: "phone.unbind" });
    return { status: 200, body: await accountSecurity(services, session) };
  });
  return answer.body as AccountSecurity;
}

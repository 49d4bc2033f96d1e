// Verifying and decoding an Alipay asynchronous notification (form-encoded POST): RSA2 signature
// over the sorted parameters without sign and sign_type (alipay-sdk's checkNotifySignV2), the
// notification's age, the app and the seller, then a typed event.
import { fenOfYuan } from "../amount.js";
import type { IncomingNotification, NotificationResult, PaymentEvent } from "../provider.js";
import type { AlipayProvider } from "./provider.js";

/** Alipay re-sends for about 25 hours (4m … 15h); anything older is a replay. */
export const NOTIFICATION_AGE_SECONDS_MAX = 26 * 3600;
const FUTURE_SKEW_SECONDS_MAX = 300;

/** `yyyy-MM-dd HH:mm:ss` in Beijing time (UTC+8) → epoch seconds, or undefined. */
export function epochOfBeijingTime(value: string): number | undefined {
  if (!/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/.test(value)) return undefined;
  const epoch = Date.parse(`${value.replace(" ", "T")}+08:00`);
  return Number.isNaN(epoch) ? undefined : Math.floor(epoch / 1000);
}

function eventOf(fields: Record<string, string>): PaymentEvent | undefined {
  const status = fields["trade_status"];
  const reference = fields["out_trade_no"] ?? "";
  const providerReference = fields["trade_no"] ?? "";
  if (status === "TRADE_SUCCESS" || status === "TRADE_FINISHED") {
    const amountFen = fenOfYuan(fields["total_amount"] ?? "");
    if (amountFen === undefined) return undefined;
    const paidAt = fields["gmt_payment"] ?? "";
    return { type: "payment_paid", reference, providerReference, amountFen, paidAt };
  }
  if (status === "TRADE_CLOSED") return { type: "payment_closed", reference, providerReference };
  return undefined;
}

export function verifyAlipayNotification(
  provider: AlipayProvider,
  incoming: IncomingNotification,
  now: Date,
): NotificationResult {
  const fields = Object.fromEntries(new URLSearchParams(incoming.rawBody));
  if (!fields["sign"] || !fields["notify_id"] || !fields["notify_time"]) {
    return { ok: false, rejection: "notification_headers_missing" };
  }
  const signTypeOk = fields["sign_type"] === undefined || fields["sign_type"] === "RSA2";
  if (!signTypeOk || !provider.sdk.checkNotifySignV2(fields)) {
    return { ok: false, rejection: "notification_signature_invalid" };
  }
  const sentAt = epochOfBeijingTime(fields["notify_time"]);
  const age = sentAt === undefined ? Infinity : Math.floor(now.getTime() / 1000) - sentAt;
  if (age > NOTIFICATION_AGE_SECONDS_MAX || age < -FUTURE_SKEW_SECONDS_MAX) {
    return { ok: false, rejection: "notification_stale" };
  }
  const { appId, sellerId } = provider.credentials;
  if (fields["app_id"] !== appId || (sellerId !== undefined && fields["seller_id"] !== sellerId)) {
    return { ok: false, rejection: "notification_wrong_merchant" };
  }
  const event = eventOf(fields);
  if (event === undefined) return { ok: false, rejection: "notification_event_unsupported" };
  return { ok: true, notification: { notificationId: fields["notify_id"], event } };
}

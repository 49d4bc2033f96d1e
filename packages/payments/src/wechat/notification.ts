// Verifying and decoding a WeChat Pay notification: headers → signature with the platform key →
// timestamp window → envelope → AES-GCM resource → merchant check → typed event.
import { z } from "zod";
import { fenOfWire } from "../amount.js";
import {
  headerOf,
  type IncomingNotification,
  type NotificationResult,
  type PaymentEvent,
} from "../provider.js";
import { checkSignedMessage, decryptResource } from "./crypto.js";
import type { WechatPayClient } from "./client.js";

const Envelope = z.object({
  id: z.string().min(1).max(64),
  event_type: z.string(),
  resource_type: z.literal("encrypt-resource"),
  resource: z.object({
    algorithm: z.literal("AEAD_AES_256_GCM"),
    ciphertext: z.string(),
    associated_data: z.string().optional(),
    nonce: z.string(),
    original_type: z.string().optional(),
  }),
});

const Amount = z.object({ total: z.number(), refund: z.number().optional() });
const Transaction = z.object({
  appid: z.string(),
  mchid: z.string(),
  out_trade_no: z.string(),
  transaction_id: z.string(),
  trade_state: z.string(),
  success_time: z.string().optional(),
  amount: Amount,
});
const Refund = z.object({
  mchid: z.string(),
  out_trade_no: z.string(),
  out_refund_no: z.string(),
  refund_id: z.string(),
  refund_status: z.string(),
  amount: Amount,
});
const TransferBill = z.object({
  mchid: z.string(),
  out_bill_no: z.string(),
  transfer_bill_no: z.string(),
  state: z.string(),
  transfer_amount: z.number(),
});

type Decoded = { event: PaymentEvent; mchid: string; appid?: string } | undefined;

function eventOf(eventType: string, plain: unknown): Decoded {
  if (eventType === "TRANSACTION.SUCCESS") {
    const t = Transaction.safeParse(plain);
    const amount = t.success ? fenOfWire(t.data.amount.total) : undefined;
    if (!t.success || amount === undefined || t.data.trade_state !== "SUCCESS") return undefined;
    const { out_trade_no, transaction_id, success_time = "", mchid, appid } = t.data;
    const event: PaymentEvent = {
      type: "payment_paid",
      reference: out_trade_no,
      providerReference: transaction_id,
      amountFen: amount,
      paidAt: success_time,
    };
    return { event, mchid, appid };
  }
  if (eventType.startsWith("REFUND.")) {
    const r = Refund.safeParse(plain);
    const amount = r.success ? fenOfWire(r.data.amount.refund) : undefined;
    if (!r.success || amount === undefined || eventType === "REFUND.ABNORMAL") return undefined;
    const base = {
      reference: r.data.out_trade_no,
      refundReference: r.data.out_refund_no,
      providerReference: r.data.refund_id,
      amountFen: amount,
    };
    const succeeded = eventType === "REFUND.SUCCESS" && r.data.refund_status === "SUCCESS";
    return {
      event: { type: succeeded ? "refund_succeeded" : "refund_failed", ...base },
      mchid: r.data.mchid,
    };
  }
  if (eventType === "MCHTRANSFER.BILL.FINISHED") {
    const b = TransferBill.safeParse(plain);
    const amount = b.success ? fenOfWire(b.data.transfer_amount) : undefined;
    if (!b.success || amount === undefined) return undefined;
    const event: PaymentEvent = {
      type: "transfer_finished",
      transferReference: b.data.out_bill_no,
      providerReference: b.data.transfer_bill_no,
      state: b.data.state === "SUCCESS" ? "succeeded" : "failed",
      amountFen: amount,
    };
    return { event, mchid: b.data.mchid };
  }
  return undefined;
}

export function verifyWechatNotification(
  client: WechatPayClient,
  incoming: IncomingNotification,
  now: Date,
): NotificationResult {
  const header = (name: string) => headerOf(incoming.headers, name);
  const timestamp = header("Wechatpay-Timestamp");
  const nonce = header("Wechatpay-Nonce");
  const signature = header("Wechatpay-Signature");
  const serial = header("Wechatpay-Serial");
  if (!timestamp || !nonce || !signature || !serial) {
    return { ok: false, rejection: "notification_headers_missing" };
  }
  const check = checkSignedMessage({ timestamp, nonce, signature, serial }, incoming.rawBody, {
    platformKeys: client.platformKeys,
    nowSeconds: Math.floor(now.getTime() / 1000),
  });
  if (check === "stale") return { ok: false, rejection: "notification_stale" };
  if (check !== "ok") return { ok: false, rejection: "notification_signature_invalid" };
  let envelope;
  try {
    envelope = Envelope.parse(JSON.parse(incoming.rawBody));
  } catch {
    return { ok: false, rejection: "notification_malformed" };
  }
  let plain: unknown;
  try {
    plain = JSON.parse(decryptResource(envelope.resource, client.credentials.apiV3Key));
  } catch {
    return { ok: false, rejection: "notification_decryption_failed" };
  }
  const decoded = eventOf(envelope.event_type, plain);
  if (decoded === undefined) return { ok: false, rejection: "notification_event_unsupported" };
  const { mchid, appid } = client.credentials;
  if (decoded.mchid !== mchid || (decoded.appid !== undefined && decoded.appid !== appid)) {
    return { ok: false, rejection: "notification_wrong_merchant" };
  }
  return { ok: true, notification: { notificationId: envelope.id, event: decoded.event } };
}

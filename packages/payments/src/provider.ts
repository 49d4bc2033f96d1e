// The one interface every payment channel implements (WeChat Pay, Alipay, the sandbox), and the
// values that cross it. Amounts are bigint fen (CNY minor units) on this side of the interface;
// each provider converts to its own wire format (WeChat integer fen, Alipay yuan strings).

/** How the member pays; the first word names the provider. */
export const PAYMENT_METHODS = [
  "wechat_jsapi",
  "wechat_h5",
  "wechat_native",
  "alipay_wap",
  "alipay_page",
  "alipay_qr",
  "sandbox",
] as const;
export type PaymentMethod = (typeof PAYMENT_METHODS)[number];

export type ProviderName = "wechat" | "alipay" | "sandbox";

export function providerOf(method: PaymentMethod): ProviderName {
  if (method.startsWith("wechat_")) return "wechat";
  if (method.startsWith("alipay_")) return "alipay";
  return "sandbox";
}

export interface CreatePaymentInput {
  method: PaymentMethod;
  /** Our payment reference (WeChat out_trade_no, Alipay out_trade_no): letters, digits, _ and -. */
  reference: string;
  amountFen: bigint;
  description: string;
  /** Where the provider posts its asynchronous notification. */
  notifyUrl: string;
  /** Where the browser comes back to after a page/wap payment (Alipay). */
  returnUrl?: string;
  /** The payer's openid under the configured appid: required by wechat_jsapi. */
  payerOpenid?: string;
  /** The payer's IP address: required by wechat_h5. */
  payerClientIp?: string;
  expiresAt?: Date;
}

/** The parameters that `WeixinJSBridge.invoke('getBrandWCPayRequest', …)` takes. */
export interface JsapiParameters {
  appId: string;
  timeStamp: string;
  nonceStr: string;
  package: string;
  signType: "RSA";
  paySign: string;
}

/** What the client does next to pay. */
export type ClientAction =
  | { kind: "redirect"; url: string }
  | { kind: "qr"; codeUrl: string }
  | { kind: "jsapi"; parameters: JsapiParameters }
  | { kind: "sandbox" };

export type PaymentState = "pending" | "paid" | "closed" | "refunded" | "failed";

export interface PaymentStatus {
  reference: string;
  state: PaymentState;
  amountFen: bigint;
  providerReference?: string;
}

export interface RefundInput {
  reference: string;
  refundReference: string;
  amountFen: bigint;
  /** The original payment's amount (WeChat asks for it). */
  totalFen: bigint;
  reason?: string;
  notifyUrl?: string;
}

export type RefundState = "pending" | "succeeded" | "failed";

export interface RefundStatus {
  refundReference: string;
  state: RefundState;
  amountFen: bigint;
  providerReference?: string;
}

export type Payee =
  | { kind: "wechat_openid"; openid: string; name?: string }
  | { kind: "alipay_user_id"; userId: string }
  | { kind: "alipay_logon_id"; logonId: string; name: string };

export interface TransferInput {
  transferReference: string;
  amountFen: bigint;
  payee: Payee;
  remark: string;
  notifyUrl?: string;
}

export type TransferState = "pending" | "waiting_for_payee" | "succeeded" | "failed";

export interface TransferStatus {
  transferReference: string;
  state: TransferState;
  amountFen: bigint;
  providerReference?: string;
  /** WeChat's package_info for the payee's confirmation page, while the state is waiting_for_payee. */
  confirmationPackage?: string;
  failureReason?: string;
}

/** One line of a provider's daily statement, for reconciliation. */
export interface BillLine {
  kind: "payment" | "refund";
  reference: string;
  providerReference: string;
  refundReference?: string;
  amountFen: bigint;
  occurredAt: string;
  state: string;
}

export type Bill =
  | { kind: "lines"; date: string; lines: BillLine[] }
  /** Alipay hands out a short-lived download URL of a zipped GBK statement instead. */
  | { kind: "download_url"; date: string; url: string };

/** A verified, decoded notification. */
export type PaymentEvent =
  | {
      type: "payment_paid";
      reference: string;
      providerReference: string;
      amountFen: bigint;
      paidAt: string;
    }
  | { type: "payment_closed"; reference: string; providerReference: string }
  | {
      type: "refund_succeeded";
      reference: string;
      refundReference: string;
      providerReference: string;
      amountFen: bigint;
    }
  | {
      type: "refund_failed";
      reference: string;
      refundReference: string;
      providerReference: string;
      amountFen: bigint;
    }
  | {
      type: "transfer_finished";
      transferReference: string;
      providerReference: string;
      state: "succeeded" | "failed";
      amountFen: bigint;
    };

/**
 * Why a notification was refused, in the order they are checked. None of them changes anything;
 * the provider is answered with a failure so that it retries (a genuine one eventually verifies).
 */
export const NOTIFICATION_REJECTIONS = [
  "notification_headers_missing",
  "notification_signature_invalid",
  "notification_stale",
  "notification_malformed",
  "notification_decryption_failed",
  "notification_wrong_merchant",
  "notification_event_unsupported",
] as const;
export type NotificationRejection = (typeof NOTIFICATION_REJECTIONS)[number];

export interface VerifiedNotification {
  /** The provider's id of this notification (WeChat `id`, Alipay `notify_id`): the same on re-sends. */
  notificationId: string;
  event: PaymentEvent;
}

export type NotificationResult =
  { ok: true; notification: VerifiedNotification } | { ok: false; rejection: NotificationRejection };

export interface IncomingNotification {
  /** Header names in any case. */
  headers: Readonly<Record<string, string | string[] | undefined>>;
  /** The body exactly as received: signatures cover these bytes. */
  rawBody: string;
}

/** The HTTP answer a provider expects to a notification. */
export interface Acknowledgement {
  status: number;
  contentType?: string;
  body: string;
}

export interface PaymentProvider {
  readonly name: ProviderName;
  readonly methods: readonly PaymentMethod[];
  createPayment(input: CreatePaymentInput, now: Date): Promise<ClientAction>;
  verifyNotification(incoming: IncomingNotification, now: Date): NotificationResult;
  /** received: the notification was processed (or is a known duplicate) and must not be re-sent. */
  acknowledge(received: boolean): Acknowledgement;
  queryPayment(reference: string): Promise<PaymentStatus>;
  refund(input: RefundInput): Promise<RefundStatus>;
  queryRefund(refundReference: string, reference: string): Promise<RefundStatus>;
  transfer(input: TransferInput): Promise<TransferStatus>;
  queryTransfer(transferReference: string): Promise<TransferStatus>;
  /** date: yyyy-MM-dd (the provider's day, Beijing time). */
  downloadBill(date: string): Promise<Bill>;
}

/** A provider answered something this client cannot use (an operating error: thrown). */
export class ProviderError extends Error {
  constructor(
    readonly provider: ProviderName,
    readonly code: string,
    message: string,
  ) {
    super(`${provider}: ${code}: ${message}`);
    this.name = "ProviderError";
  }
}

/** Read one header whatever its case; a repeated header counts as missing (ambiguous). */
export function headerOf(headers: IncomingNotification["headers"], name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === wanted) return typeof value === "string" ? value : undefined;
  }
  return undefined;
}

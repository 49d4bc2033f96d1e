/**
 * Payment providers. The service talks to providers through `PaymentProvider`; the built-in sandbox
 * signs its callbacks with HMAC-SHA256 so WeChat Pay or Alipay can be added later behind the same
 * interface. Replay protection (nonce seen once, timestamp within a window) is the caller's, in SQL.
 */
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { z } from "zod";
import { ApiError } from "./errors.js";
import { LIMITS } from "../limits.js";

export interface PaymentCallback {
  tenant: string;
  paymentId: string;
  orderId: number;
  /** Yuan, decimal string. */
  amount: string;
  status: "paid";
  nonce: string;
  /** Milliseconds since the epoch when the provider sent it. */
  timestamp: number;
}

export interface PaymentProvider {
  readonly name: string;
  /** Reads and authenticates a callback from its raw body and signature header, or throws 400. */
  verify(rawBody: string, signature: string | undefined, now: number): PaymentCallback;
}

const callbackSchema = z.strictObject({
  tenant: z.string().min(1).max(64),
  paymentId: z.string().min(1).max(64),
  orderId: z.number().int().min(1),
  amount: z.string().max(40),
  status: z.literal("paid"),
  nonce: z.string().min(8).max(64),
  timestamp: z.number().int(),
});

const invalidSignature = () =>
  new ApiError(400, "invalid_signature", "the callback's signature does not verify; nothing was changed");

export class SandboxProvider implements PaymentProvider {
  readonly name = "sandbox";

  constructor(private readonly secret: string) {}

  private mac(body: string): Buffer {
    return createHmac("sha256", this.secret).update(body).digest();
  }

  /** What the sandbox provider would send after the payer pays: the raw body and its signature. */
  signCallback(payment: { tenant: string; paymentId: string; orderId: number; amount: string }, now: number) {
    const payload: PaymentCallback = {
      ...payment,
      status: "paid",
      nonce: randomBytes(12).toString("hex"),
      timestamp: now,
    };
    const body = JSON.stringify(payload);
    return { body, signature: this.mac(body).toString("hex") };
  }

  verify(rawBody: string, signature: string | undefined, now: number): PaymentCallback {
    if (signature === undefined || !/^[0-9a-f]{64}$/.test(signature)) throw invalidSignature();
    if (!timingSafeEqual(this.mac(rawBody), Buffer.from(signature, "hex"))) throw invalidSignature();
    let json: unknown;
    try {
      json = JSON.parse(rawBody);
    } catch {
      throw invalidSignature();
    }
    const parsed = callbackSchema.safeParse(json);
    if (!parsed.success) throw invalidSignature();
    if (Math.abs(now - parsed.data.timestamp) > LIMITS.callbackSkewMs) {
      throw new ApiError(
        400,
        "replayed_callback",
        "the callback is too old (or from the future); nothing was changed",
      );
    }
    return parsed.data;
  }
}

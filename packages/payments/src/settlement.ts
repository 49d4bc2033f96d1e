// What a verified notification means for one payment: pure, so the service applies it inside its
// own transaction and the tests can prove that every refusal changes nothing.
import type { PaymentEvent } from "./provider.js";

/** The service's view of the payment a notification names. */
export interface PaymentRecord {
  reference: string;
  amountFen: bigint;
  /** open: awaiting payment; paid: already settled; cancelled: the order was cancelled or expired. */
  state: "open" | "paid" | "cancelled";
  /** The provider's reference once paid (a second, different payment of one order must not pass). */
  providerReference?: string;
}

export type Settlement =
  | { action: "mark_paid"; providerReference: string }
  /** Paid after the order was cancelled or expired: send the money back instead of a silent 200. */
  | { action: "refund"; providerReference: string; amountFen: bigint }
  | { action: "already_done" }
  | { action: "close" }
  | { action: "refused"; rejection: "payment_unknown" | "payment_amount_mismatch" };

export function settlePayment(event: PaymentEvent, record: PaymentRecord | undefined): Settlement {
  if (event.type !== "payment_paid" && event.type !== "payment_closed") return { action: "already_done" };
  if (record === undefined || record.reference !== event.reference) {
    return { action: "refused", rejection: "payment_unknown" };
  }
  if (event.type === "payment_closed")
    return record.state === "open" ? { action: "close" } : { action: "already_done" };
  if (event.amountFen !== record.amountFen)
    return { action: "refused", rejection: "payment_amount_mismatch" };
  switch (record.state) {
    case "open":
      return { action: "mark_paid", providerReference: event.providerReference };
    case "paid":
      return record.providerReference === event.providerReference
        ? { action: "already_done" }
        : { action: "refund", providerReference: event.providerReference, amountFen: event.amountFen };
    case "cancelled":
      return { action: "refund", providerReference: event.providerReference, amountFen: event.amountFen };
  }
}

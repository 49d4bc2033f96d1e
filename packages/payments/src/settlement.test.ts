// settlePayment as a table: one row per (event, payment record) with the expected decision.
import { describe, expect, it } from "vitest";
import type { PaymentEvent } from "./provider.js";
import { settlePayment, type PaymentRecord, type Settlement } from "./settlement.js";

const paid = (amountFen: bigint, providerReference = "T1"): PaymentEvent => ({
  type: "payment_paid",
  reference: "P",
  providerReference,
  amountFen,
  paidAt: "",
});
const closed: PaymentEvent = { type: "payment_closed", reference: "P", providerReference: "T1" };
const record = (state: PaymentRecord["state"], providerReference?: string): PaymentRecord => ({
  reference: "P",
  amountFen: 100n,
  state,
  ...(providerReference ? { providerReference } : {}),
});

const rows: [string, PaymentEvent, PaymentRecord | undefined, Settlement][] = [
  ["unknown payment", paid(100n), undefined, { action: "refused", rejection: "payment_unknown" }],
  [
    "another payment's record",
    paid(100n),
    { ...record("open"), reference: "Q" },
    { action: "refused", rejection: "payment_unknown" },
  ],
  ["1 fen less", paid(99n), record("open"), { action: "refused", rejection: "payment_amount_mismatch" }],
  ["1 fen more", paid(101n), record("open"), { action: "refused", rejection: "payment_amount_mismatch" }],
  ["open, exact amount", paid(100n), record("open"), { action: "mark_paid", providerReference: "T1" }],
  ["already paid by the same transaction", paid(100n), record("paid", "T1"), { action: "already_done" }],
  [
    "paid twice by two transactions",
    paid(100n, "T2"),
    record("paid", "T1"),
    { action: "refund", providerReference: "T2", amountFen: 100n },
  ],
  [
    "cancelled order",
    paid(100n),
    record("cancelled"),
    { action: "refund", providerReference: "T1", amountFen: 100n },
  ],
  ["closed while open", closed, record("open"), { action: "close" }],
  ["closed after paid", closed, record("paid", "T1"), { action: "already_done" }],
];

describe("settlePayment", () => {
  it.each(rows)("%s", (_, event, payment, expected) => {
    expect(settlePayment(event, payment)).toEqual(expected);
  });
});

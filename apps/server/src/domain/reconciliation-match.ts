/**
 * Matching a provider's daily statement with our records, line by line (issue 12, item 3). Pure: the
 * statement lines and the ledger lines come in, the mismatches go out. Each ledger line names the
 * source that produced it (order payments, prepaid top-ups, refunds; payouts join as one more source).
 */
import type { BillLine } from "@zengzhi/payments";

export const MISMATCH_KINDS = [
  "missing_in_ledger",
  "missing_at_provider",
  "amount_differs",
  "status_differs",
] as const;
export type MismatchKind = (typeof MISMATCH_KINDS)[number];

/** What a line moved: money in (a payment), back out (a refund) or out to a payee (a payout). */
export type LineKind = "payment" | "refund" | "payout";

/** A state both sides can say: the money moved, or not yet (or not at all). */
export type LineState = "succeeded" | "pending" | "failed";

export interface MatchLine {
  kind: LineKind;
  /** Our reference: the out_trade_no of a payment, out_refund_no of a refund, out_bill_no of a payout. */
  reference: string;
  amountFen: bigint;
  state: LineState;
}

export interface LedgerLine extends MatchLine {
  /** The source that produced the line (order_payments, prepaid_top_ups, order_refunds, …). */
  source: string;
}

export interface Mismatch {
  kind: MismatchKind;
  /** The ledger source of the line, or "unknown" when our records have no such line. */
  source: string;
  lineKind: LineKind;
  reference: string;
  ledgerAmountFen: bigint | null;
  providerAmountFen: bigint | null;
  ledgerState: LineState | null;
  providerState: LineState | null;
}

/** The provider's words for a line's state, in ours: only SUCCESS means the money moved. */
function stateOf(line: BillLine): LineState {
  if (line.state === "SUCCESS") return "succeeded";
  if (line.state === "PROCESSING" || line.state === "NOTPAY" || line.state === "USERPAYING") return "pending";
  return "failed";
}

/** A statement line in the matcher's terms: a refund is keyed by its own reference. */
export function statementLine(line: BillLine): MatchLine {
  const isRefund = line.kind === "refund";
  return {
    kind: line.kind,
    reference: isRefund ? (line.refundReference ?? line.reference) : line.reference,
    amountFen: line.amountFen,
    state: stateOf(line),
  };
}

const keyOf = (line: MatchLine) => `${line.kind}|${line.reference}`;

function mismatch(
  kind: MismatchKind,
  sides: { ledger?: LedgerLine | undefined; provider?: MatchLine | undefined },
): Mismatch {
  const { ledger, provider } = sides;
  const line = (ledger ?? provider)!;
  return {
    kind,
    source: ledger?.source ?? "unknown",
    lineKind: line.kind,
    reference: line.reference,
    ledgerAmountFen: ledger?.amountFen ?? null,
    providerAmountFen: provider?.amountFen ?? null,
    ledgerState: ledger?.state ?? null,
    providerState: provider?.state ?? null,
  };
}

/**
 * Every difference between the statement and our lines, statement order first, then ours that the
 * statement lacks. A ledger line that is still pending and absent at the provider is no mismatch
 * (nobody paid); one the provider shows with another amount or state is. A statement line listed
 * twice counts once more as missing in the ledger.
 */
export function matchStatement(statement: readonly MatchLine[], ledger: readonly LedgerLine[]): Mismatch[] {
  const ours = new Map<string, LedgerLine>();
  for (const line of ledger) ours.set(keyOf(line), line);
  const seen = new Set<string>();
  const found: Mismatch[] = [];
  for (const provider of statement) {
    const key = keyOf(provider);
    const own = seen.has(key) ? undefined : ours.get(key);
    seen.add(key);
    if (own === undefined) found.push(mismatch("missing_in_ledger", { provider }));
    else if (own.amountFen !== provider.amountFen)
      found.push(mismatch("amount_differs", { ledger: own, provider }));
    else if (own.state !== provider.state) found.push(mismatch("status_differs", { ledger: own, provider }));
  }
  for (const [key, own] of ours) {
    if (!seen.has(key) && own.state === "succeeded")
      found.push(mismatch("missing_at_provider", { ledger: own }));
  }
  return found;
}

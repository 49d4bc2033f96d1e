// The statement matcher, one row per case: each kind of mismatch, the clean match, pending lines the
// provider does not have, a duplicated provider line, and the provider's states in our words.
import { describe, expect, it } from "vitest";
import { type LedgerLine, type MatchLine, matchStatement, statementLine } from "./reconciliation-match.js";

const paid = (reference: string, amountFen: bigint): MatchLine => ({
  kind: "payment",
  reference,
  amountFen,
  state: "succeeded",
});
const ours = (line: MatchLine, source = "order_payments"): LedgerLine => ({ ...line, source });

describe("matchStatement", () => {
  const cases: [string, MatchLine[], LedgerLine[], [string, string][]][] = [
    ["a clean day", [paid("A", 100n)], [ours(paid("A", 100n))], []],
    ["an empty day", [], [], []],
    ["an extra provider line", [paid("X", 5n)], [], [["missing_in_ledger", "X"]]],
    ["a line only we have", [], [ours(paid("A", 100n))], [["missing_at_provider", "A"]]],
    ["a pending line the provider lacks", [], [ours({ ...paid("A", 100n), state: "pending" })], []],
    ["an altered amount", [paid("A", 101n)], [ours(paid("A", 100n))], [["amount_differs", "A"]]],
    [
      "paid at the provider, pending with us",
      [paid("A", 100n)],
      [ours({ ...paid("A", 100n), state: "pending" })],
      [["status_differs", "A"]],
    ],
    [
      "a line listed twice",
      [paid("A", 100n), paid("A", 100n)],
      [ours(paid("A", 100n))],
      [["missing_in_ledger", "A"]],
    ],
    [
      "a refund keyed apart from its payment",
      [paid("A", 100n), { kind: "refund", reference: "RA", amountFen: 100n, state: "succeeded" }],
      [
        ours(paid("A", 100n)),
        ours({ kind: "refund", reference: "RA", amountFen: 100n, state: "succeeded" }, "order_refunds"),
      ],
      [],
    ],
  ];
  for (const [name, statement, ledger, expected] of cases) {
    it(name, () => {
      expect(matchStatement(statement, ledger).map((m) => [m.kind, m.reference])).toEqual(expected);
    });
  }

  it("reads the provider's states and keys a refund by its own reference", () => {
    const refund = statementLine({
      kind: "refund",
      reference: "A",
      refundReference: "RA",
      providerReference: "50000",
      amountFen: 10n,
      occurredAt: "",
      state: "SUCCESS",
    });
    expect(refund).toEqual({ kind: "refund", reference: "RA", amountFen: 10n, state: "succeeded" });
    const base = {
      kind: "payment" as const,
      reference: "A",
      providerReference: "1",
      amountFen: 1n,
      occurredAt: "",
    };
    expect(statementLine({ ...base, state: "NOTPAY" }).state).toBe("pending");
    expect(statementLine({ ...base, state: "CLOSED" }).state).toBe("failed");
  });
});

// Statements over random command sequences (fast-check): after every command, each subject's lines
// add up to the balance the engine holds, and each line's balance is the running sum.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type Command,
  Engine,
  type StatementEntry,
  StatementProjector,
  engineFromSnapshot,
  engineSnapshot,
  loadRuleSet,
  memberBalances,
} from "@zengzhi/engine";

const MEMBERS = ["m0", "m1", "m2", "m3"];
const MERCHANTS = ["shop", "cafe"];

const rulesArb = fc.record({
  exitMultiple: fc.constantFrom("1.5", "2", "3"),
  refundWindowDays: fc.constantFrom(0, 1, 3),
  priceCeiling: fc.constantFrom(null, "3"),
  subsidyRate: fc.constantFrom("0", "0.1"),
  release: fc.constantFrom(null, {
    mode: "percentOfRemaining" as const,
    tiers: [{ minHealth: "0", rate: "0.3" }],
  }),
});

type Step = { kind: number; who: number; amount: number; pick: number };
const stepArb = fc.record({
  kind: fc.integer({ min: 0, max: 99 }),
  who: fc.integer({ min: 0, max: MEMBERS.length - 1 }),
  amount: fc.integer({ min: 1, max: 100_000 }),
  pick: fc.nat(),
});

function commandOf(engine: Engine, step: Step): Command {
  const member = MEMBERS[step.who]!;
  const merchant = MERCHANTS[step.pick % MERCHANTS.length]!;
  const amount = BigInt(step.amount);
  const positions = engine.memberPositions(member);
  const position = positions[step.pick % Math.max(1, positions.length)] ?? 1;
  const view = engine.position(position);
  const free = view === undefined ? 1n : view.points - view.locked;
  const k = step.kind;
  if (k < 30) return { type: "order", member, amount, merchant };
  if (k < 40) return { type: "orderPaid", order: 1 + (step.pick % 10), member, amount, merchant };
  if (k < 45) return { type: "orderRefund", order: 1 + (step.pick % 10) };
  if (k < 55) return { type: "sell", member, position, points: free > 1n ? free / 2n : 1n };
  if (k < 62) return { type: "advance", days: 1 + (step.pick % 2) };
  if (k < 66) return { type: "payWithPoints", member, position, amount: amount / 100n + 1n, merchant };
  if (k < 70) return { type: "tipBuy", merchant, amount };
  if (k < 74) return { type: "tip", merchant, member, points: amount * 10_000n };
  if (k < 80) {
    const wallet = engine.member(member)?.wallet ?? 0n;
    return { type: "withdraw", member, amount: wallet > 1n ? wallet / 2n : amount };
  }
  if (k < 88) {
    const withdrawal = 1 + (step.pick % (engine.withdrawalCount() + 1));
    return step.pick % 2 === 0
      ? { type: "withdrawApprove", withdrawal }
      : { type: "withdrawReject", withdrawal };
  }
  if (k < 95) return { type: "financing", toPool: amount * 5n, toSubsidy: amount };
  if (k < 96) return { type: "order", member, amount: amount * 50n };
  // Till sales funded from a merchant's prepaid balance, and their same-day voids.
  if (k < 97) return { type: "prepaidCredit", merchant, amount: amount * 10n };
  if (k < 98) return { type: "tillSale", member, amount, merchant };
  if (k < 99) return { type: "tillSaleVoid", merchant, position };
  return { type: "listing", sharesPerPoint: 10_000_000n };
}

function balanceOf(engine: Engine, subject: string, account: "cash" | "points" | "prepaid"): bigint {
  if (subject.startsWith("member:")) return memberBalances(engine.view, subject.slice(7))[account];
  if (account === "prepaid") return engine.view.merchantPrepaid(subject.slice(9)).balance;
  const merchant = engine.merchantBalance(subject.slice(9));
  if (merchant === undefined) return 0n;
  return account === "cash" ? merchant.settlement : merchant.points;
}

describe("statements derived from the journal", () => {
  it("add up to every balance after every command, line by line", () => {
    fc.assert(
      fc.property(rulesArb, fc.array(stepArb, { minLength: 1, maxLength: 60 }), (rules, steps) => {
        const engine = new Engine(loadRuleSet(rules));
        const projector = new StatementProjector(new Engine(loadRuleSet(rules)));
        const lines: StatementEntry[] = [];
        for (const step of steps) {
          const command = commandOf(engine, step);
          const expected = engine.apply(command);
          const { result, entries } = projector.apply(command, { tillSale: false });
          expect(result.ok).toBe(expected.ok);
          lines.push(...entries);
          const subjects = [
            ...MEMBERS.map((m) => `member:${m}`),
            ...[...MERCHANTS, "store"].map((m) => `merchant:${m}`),
          ];
          for (const subject of subjects) {
            for (const account of ["cash", "points", "prepaid"] as const) {
              const mine = lines.filter((l) => l.subject === subject && l.account === account);
              const sum = mine.reduce((total, l) => total + l.amount, 0n);
              expect(sum, `${subject} ${account} after ${command.type}`).toBe(
                balanceOf(engine, subject, account),
              );
              let running = 0n;
              for (const line of mine) {
                running += line.amount;
                expect(line.balance).toBe(running);
              }
            }
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it("answers the same lines when resumed from a snapshot as when replayed from the start", () => {
    fc.assert(
      fc.property(
        rulesArb,
        fc.array(stepArb, { minLength: 2, maxLength: 60 }),
        fc.nat(),
        (rules, steps, cut) => {
          const engine = new Engine(loadRuleSet(rules));
          const commands = steps.map((step) => {
            const command = commandOf(engine, step);
            engine.apply(command);
            return command;
          });
          const at = 1 + (cut % (commands.length - 1));
          const full = new StatementProjector(new Engine(loadRuleSet(rules)));
          const head = new Engine(loadRuleSet(rules));
          for (const command of commands.slice(0, at)) {
            full.apply(command, { tillSale: false });
            head.apply(command);
          }
          const resumed = StatementProjector.resume(engineFromSnapshot(engineSnapshot(head)));
          for (const command of commands.slice(at)) {
            expect(resumed.apply(command, { tillSale: false }).entries).toEqual(
              full.apply(command, { tillSale: false }).entries,
            );
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it("names each movement: order, release, sell, withdrawal and its outcome", () => {
    const rules = loadRuleSet({
      refundWindowDays: 0,
      release: { mode: "percentOfRemaining", tiers: [{ minHealth: "0", rate: "0.5" }] },
    });
    const projector = new StatementProjector(new Engine(rules));
    const kinds = (command: Command, tillSale = false) =>
      projector
        .apply(command, { tillSale })
        .entries.map((e) => `${e.subject} ${e.account} ${e.kind} ${e.amount} ${String(e.detail)}`);
    expect(kinds({ type: "order", member: "a", amount: 10_000n, merchant: "shop" }, true)).toEqual([
      "member:a points points_issued 2100000000 null",
      "merchant:shop cash till_sale 3000 null",
    ]);
    expect(kinds({ type: "advance", days: 1 })).toEqual(["member:a points release 0 1050000000"]);
    expect(kinds({ type: "sell", member: "a", position: 1, points: 1_000_000_000n })).toEqual([
      "member:a cash sell 1142 null",
      "member:a points sell -1000000000 null",
    ]);
    expect(kinds({ type: "withdraw", member: "a", amount: 1000n })).toEqual([
      "member:a cash withdrawal_requested -1000 null",
    ]);
    expect(kinds({ type: "withdrawApprove", withdrawal: 1 })).toEqual([
      "member:a cash withdrawal_paid 0 1000",
    ]);
  });

  it("names a till sale paid from the prepaid balance, its void and the credit that funded it", () => {
    const projector = new StatementProjector(new Engine(loadRuleSet({ refundWindowDays: 0 })));
    const lines = (command: Command) =>
      projector
        .apply(command, { tillSale: false })
        .entries.map((e) => `${e.subject} ${e.account} ${e.kind} ${e.amount >= 0n ? "+" : "-"}`);
    expect(lines({ type: "prepaidCredit", merchant: "shop", amount: 100_000n })).toEqual([
      "merchant:shop prepaid prepaid_credit +",
    ]);
    const sale = projector.apply(
      { type: "tillSale", member: "a", amount: 10_000n, merchant: "shop" },
      {
        tillSale: false,
      },
    );
    expect(sale.result.ok).toBe(true);
    expect(
      sale.entries.map((e) => `${e.subject} ${e.account} ${e.kind} ${e.amount >= 0n ? "+" : "-"}`),
    ).toEqual(["member:a points points_issued +", "merchant:shop prepaid till_sale -"]);
    const position = sale.result.ok ? Number(sale.result.position) : 0;
    expect(lines({ type: "tillSaleVoid", merchant: "shop", position })).toEqual(
      expect.arrayContaining(["member:a points sale_voided -", "merchant:shop prepaid sale_voided +"]),
    );
  });
});

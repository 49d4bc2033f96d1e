// Every EngineView read leaves the state exactly as it was: the snapshot text, and below it the raw
// columns that lazy release would write (locked, lockDay) and the member and merchant maps.
import { describe, expect, it } from "vitest";
import { type Engine, type EngineView, engineSnapshot, engineToJson, formatPoints } from "@zengzhi/engine";
import { coreOf } from "./internal.js";
import { scenario } from "./test-helpers.js";

function busyEngine(): Engine {
  const { engine, ok } = scenario({
    release: { mode: "percentOfRemaining", tiers: [{ minHealth: "0", rate: "0.1" }] },
    healthPerYuan: "0.01",
  });
  ok({ type: "order", member: "a", amount: "1000", merchant: "shop" });
  ok({ type: "order", member: "b", amount: "500" });
  ok({ type: "advance", days: 3 });
  ok({ type: "order", member: "a", amount: "200" });
  ok({ type: "sell", member: "a", position: 1, points: "10" });
  ok({ type: "withdraw", member: "a", amount: "1" });
  ok({ type: "tipBuy", merchant: "shop", amount: "10" });
  ok({ type: "advance", days: 5 });
  return engine;
}

/** The raw state lazy release would write, and the maps a careless read could grow. */
function raw(engine: Engine): string {
  const core = coreOf(engine);
  const t = core.table;
  return JSON.stringify({
    locked: [...t.locked.subarray(0, t.length)].map(String),
    lockDay: [...t.lockDay.subarray(0, t.length)],
    lockedPositions: core.memberList.map((m) => m.lockedPositions),
    members: core.members.size,
    merchants: core.merchants.size,
    day: core.day,
  });
}

const reads: [string, (view: EngineView) => unknown][] = [
  ["rules", (v) => v.rules],
  ["day, period, listed, pool, supply", (v) => [v.day, v.period, v.listed, v.pool, v.supply]],
  ["price", (v) => v.price()],
  ["priceUnits", (v) => v.priceUnits()],
  ["supplyValue", (v) => v.supplyValue()],
  ["positionCount, openPositionCount", (v) => [v.positionCount, v.openPositionCount()]],
  ["memberCount, merchantCount", (v) => [v.memberCount, v.merchantCount]],
  ["accounts, coins", (v) => [v.accounts, v.coins]],
  ["hasMember", (v) => [v.hasMember("a"), v.hasMember("nobody")]],
  ["member", (v) => [v.member("a"), v.member("nobody")]],
  ["members", (v) => [v.members({ limit: 1 }), v.members({ after: 0, limit: 10 })]],
  ["memberPositions", (v) => [v.memberPositions("a"), v.memberPositions("nobody")]],
  ["position", (v) => [v.position(1), v.position(2), v.position(3), v.position(99)]],
  ["positionValue", (v) => [v.positionValue(1), v.positionValue(99)]],
  ["exitThreshold", (v) => [v.exitThreshold(1), v.exitThreshold(99)]],
  ["withdrawal", (v) => [v.withdrawal(1), v.withdrawal(2)]],
  ["withdrawals", (v) => v.withdrawals({ limit: 10, member: "a", status: "pending", newestFirst: true })],
  ["withdrawalCount", (v) => [v.withdrawalCount(), v.withdrawalCount("pending")]],
  ["merchantBalance", (v) => [v.merchantBalance("shop"), v.merchantBalance("never-named")]],
  ["previewSell", (v) => [v.previewSell("a", 3, 1n), v.previewSell("a", 3, 10n ** 12n)]],
  [
    "previewCoinImport",
    (v) => [
      v.previewCoinImport([{ member: "a", coins: 100n }]),
      v.previewCoinImport([
        { member: "nobody", coins: 1n },
        { member: "a", coins: 0n },
        { member: "a", coins: 1n },
      ]),
    ],
  ],
  ["releaseSchedule", (v) => v.releaseSchedule(3, [0, 1, 7, 30])],
  ["releaseRate", (v) => [v.releaseRate("a"), v.releaseRate("nobody")]],
  ["custody", (v) => v.custody()],
  ["queueMeter", (v) => v.queueMeter()],
  ["liabilities", (v) => v.liabilities()],
];

describe("EngineView: no read changes the state", () => {
  it.each(reads)("%s leaves the raw state and engineSnapshot identical", (_, read) => {
    const engine = busyEngine();
    const before = raw(engine);
    read(engine.view);
    read(engine);
    expect(raw(engine)).toBe(before);
    const snapshot = engineSnapshot(engine);
    read(engine.view);
    expect(engineSnapshot(engine)).toBe(snapshot);
  });

  it("previews a coin import with the rows and codes coinImport refuses with", () => {
    const engine = busyEngine();
    const rows = [
      { member: "nobody", coins: 1n },
      { member: "a", coins: 0n },
      { member: "a", coins: 1n },
    ];
    const preview = engine.view.previewCoinImport(rows);
    expect(preview.map((p) => [p.row, p.field, p.code])).toEqual([
      [0, "member", "unknown_member"],
      [1, "coins", "amount_not_positive"],
      [2, "member", "duplicate_member"],
    ]);
    const applied = engine.apply({ type: "coinImport", rows });
    expect(applied.ok ? [] : applied.rejection.rows).toEqual(preview);
    expect(engine.view.previewCoinImport([{ member: "a", coins: 1n }])).toEqual([]);
  });

  it("gives the locked points lazy release would write, without writing them", () => {
    const engine = busyEngine();
    const read = engine.view.position(3)!;
    const json = engineToJson(engine);
    expect(json.positions[2]!.locked).toBe(formatPoints(read.locked));
    expect(read.locked).toBeLessThan(read.points);
    // The preview and the sale agree once the sale writes the same release.
    const preview = engine.view.previewSell("a", 3, read.points - read.locked);
    expect(
      engine.apply({ type: "sell", member: "a", position: 3, points: read.points - read.locked }),
    ).toEqual(preview);
  });

  it("custody is pool + wallets + pending withdrawals", () => {
    const c = busyEngine().view.custody();
    expect(c.total).toBe(c.pool + c.wallets + c.withdrawalsPending);
    expect(c.withdrawalsPending).toBe(100n);
  });

  it("a reader cannot reach apply", () => {
    const view = busyEngine().view;
    expect("apply" in view).toBe(false);
  });

  it("pages members in creation order and withdrawals either way", () => {
    const engine = busyEngine();
    expect(engine.view.members({ limit: 1 }).map((m) => m.id)).toEqual(["a"]);
    expect(engine.view.members({ after: 0, limit: 5 }).map((m) => m.id)).toEqual(["b"]);
    expect(engine.view.members({ after: 1, limit: 5 })).toEqual([]);
    expect(() => engine.view.members({ limit: 0 })).toThrow(RangeError);
    expect(
      engine.view.withdrawals({ limit: 5, newestFirst: true, after: Number.MAX_SAFE_INTEGER }),
    ).toHaveLength(1);
    expect(engine.view.withdrawals({ limit: 5, after: 1 })).toEqual([]);
  });

  it("values a position at points × price, floored to the fen", () => {
    const engine = busyEngine();
    const [n, d] = engine.view.price();
    const p = engine.view.position(2)!;
    expect(engine.view.positionValue(2)).toBe((p.points * n) / d);
  });

  it("values the supply at supply × price, floored, and at zero once no points are left", () => {
    const engine = busyEngine();
    const [n, d] = engine.view.price();
    expect(engine.view.supplyValue()).toBe((engine.view.supply * n) / d);
    expect(engine.view.supplyValue()).toBeLessThanOrEqual(engine.view.pool);
    expect(scenario().engine.view.supplyValue()).toBe(0n);
  });
});

describe("debug mode", () => {
  it("checks the invariants after every apply and throws on a broken one", async () => {
    const { Engine: DebugEngine, loadRuleSet } = await import("@zengzhi/engine");
    const engine = new DebugEngine(loadRuleSet({}), { debugInvariants: true });
    expect(engine.apply({ type: "order", member: "a", amount: 1000n }).ok).toBe(true);
    coreOf(engine).accounts.pool += 1n;
    expect(() => engine.apply({ type: "order", member: "a", amount: 1000n })).toThrow(/cash not conserved/);
    const plain = new DebugEngine(loadRuleSet({}));
    plain.apply({ type: "order", member: "a", amount: 1000n });
    coreOf(plain).accounts.pool += 1n;
    expect(plain.apply({ type: "order", member: "a", amount: 1000n }).ok).toBe(true);
  });
});

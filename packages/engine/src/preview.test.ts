import {
  type Command,
  type Engine,
  checkInvariants,
  commandToJson,
  engineFromSnapshot,
  engineSnapshot,
  formatMoney,
  parseCommand,
} from "@zengzhi/engine";
import { describe, expect, it } from "vitest";
import { coreOf } from "./internal.js";
import { scenario } from "./test-helpers.js";

const command = (json: Record<string, unknown>): Command => parseCommand(json);

/** The issue's sequence: four members' orders leave ¥718.66 in the pool, then ¥100,000 of financing. */
function smallPool() {
  const s = scenario({});
  for (const [member, amount] of [
    ["m1", "1000.00"],
    ["m2", "800.00"],
    ["m3", "500.00"],
    ["m4", "95.51"],
  ] as const) {
    s.ok({ type: "order", member, amount });
  }
  return s;
}

/**
 * Freezes every object a fork shares with the live engine (members and their lists of locked
 * positions, merchants, withdrawals, online orders, the accounts): a write that skips the fork's copy
 * then throws. The typed columns cannot be frozen; the snapshot comparison covers them.
 */
function freezeShared(engine: Engine): number {
  const core = coreOf(engine);
  const shared: object[] = [core.accounts, core.coins, ...core.withdrawals, ...core.merchants.values()];
  for (const member of core.memberList) shared.push(member, member.lockedPositions);
  for (const order of core.onlineOrders.values()) shared.push(order);
  for (const object of shared) Object.freeze(object);
  return shared.length;
}

describe("previews from the live state", () => {
  it("show the issue's financing before it happens: every position force-exited, cash into four wallets", () => {
    const { engine } = smallPool();
    expect(formatMoney(engine.pool)).toBe("718.66");
    const before = engineSnapshot(engine);
    const preview = engine.view.previewCommands([command({ type: "financing", toPool: "100000.00" })]);
    expect(engineSnapshot(engine)).toBe(before);
    expect(preview.refused).toBeNull();
    expect(preview.before.pool).toBe(71866n);
    expect(preview.before.openPositions).toBe(4);
    expect(preview.after.openPositions).toBe(0);
    expect(preview.exits.count).toBe(4);
    expect(preview.exits.owners).toBe(4);
    expect(preview.credits.members).toBe(4);
    expect(preview.credits.top.map((c) => c.member).sort()).toEqual(["m1", "m2", "m3", "m4"]);

    const result = engine.apply(
      command({ type: "financing", toPool: "100000.00", expect: preview.stateHash }),
    );
    expect(result.ok && result.exits).toEqual([1, 2, 3, 4]);
    expect(engine.accounts.wallets).toBe(preview.credits.cash);
    expect(engine.pool).toBe(preview.after.pool);
    expect(engine.supply).toBe(preview.after.supply);
    for (const credit of preview.credits.top) expect(engine.member(credit.member)!.wallet).toBe(credit.cash);
    expect(checkInvariants(engine)).toEqual([]);
  });

  it("refuse a previewed command once the state has moved (preview_stale), and take it after a new preview", () => {
    const { engine, ok, rejected } = smallPool();
    const financing = { type: "financing", toPool: "100000.00" };
    const stale = engine.view.previewCommands([command(financing)]).stateHash;
    ok({ type: "order", member: "m5", amount: "10.00" });
    const before = engineSnapshot(engine);
    expect(rejected({ ...financing, expect: stale })).toBe("preview_stale");
    expect(engineSnapshot(engine)).toBe(before);
    const fresh = engine.view.previewCommands([command(financing)]);
    expect(fresh.stateHash).not.toBe(stale);
    expect(fresh.exits.count).toBe(5);
    ok({ ...financing, expect: fresh.stateHash });
  });

  it("never write the live state, whatever the action (snapshot equal before and after)", () => {
    const s = scenario({
      refundWindowDays: 2,
      subsidyRate: "0.1",
      release: { mode: "percentOfRemaining", tiers: [{ minHealth: "0", rate: "0.1" }] },
      healthPerYuan: "1",
      withdrawalMaxPerRequest: null,
    } as never);
    s.ok({ type: "financing", toSubsidy: "50.00" });
    s.ok({ type: "order", member: "a", amount: "300.00" });
    s.ok({ type: "order", member: "b", amount: "200.00" });
    s.ok({ type: "orderPaid", order: 1, member: "c", amount: "150.00" });
    s.ok({ type: "advance", days: 30 });
    s.ok({ type: "sell", member: "a", position: 1, points: "1.00000000" });
    s.ok({ type: "withdraw", member: "a", amount: "0.50" });
    s.ok({ type: "withdraw", member: "a", amount: "0.20" });
    s.ok({ type: "orderPaid", order: 2, member: "d", amount: "40.00" });
    const { engine } = s;
    const live = engineSnapshot(engine);
    expect(freezeShared(engine)).toBeGreaterThan(10);
    const actions: Command[][] = [
      [command({ type: "financing", toPool: "5000.00", toSubsidy: "10.00" })],
      [command({ type: "advance", days: 3 })],
      [command({ type: "rules", rules: { exitMultiple: "1.5", release: null } })],
      [
        command({ type: "withdrawApprove", withdrawal: 1 }),
        command({ type: "withdrawReject", withdrawal: 2 }),
      ],
      [command({ type: "listing", sharesPerPoint: "1" })],
    ];
    for (const commands of actions) {
      const preview = engine.view.previewCommands(commands);
      expect(engineSnapshot(engine)).toBe(live);
      expect(preview.refused).toBeNull();
      // The preview's "after" is what applying the commands to a restored copy gives.
      const copy = engineFromSnapshot(live);
      for (const c of commands) expect(copy.apply(c).ok).toBe(true);
      expect(checkInvariants(copy)).toEqual([]);
      expect(preview.after.pool).toBe(copy.pool);
      expect(preview.after.supply).toBe(copy.supply);
      expect(preview.after.wallets).toBe(copy.accounts.wallets);
      expect(preview.after.openPositions).toBe(copy.openPositionCount());
    }
  });

  it("answer what listing closes, and which command a batch would refuse", () => {
    const { engine } = smallPool();
    const listing = engine.view.previewCommands([command({ type: "listing", sharesPerPoint: "1" })]);
    expect(listing.closed).toBe(4);
    expect(listing.after.listed).toBe(true);
    const batch = engine.view.previewCommands([
      command({ type: "advance", days: 1 }),
      command({ type: "withdrawApprove", withdrawal: 9 }),
    ]);
    expect(batch.refused).toMatchObject({ index: 1, rejection: { code: "unknown_withdrawal" } });
  });

  it("carry expect through the JSON form, and refuse a malformed one", () => {
    const hash = "ab".repeat(32);
    const c = command({ type: "advance", days: 1, expect: hash });
    expect(commandToJson(c)).toEqual({ type: "advance", days: 1, expect: hash });
    expect(parseCommand(commandToJson(c))).toEqual(c);
    expect(() => parseCommand({ type: "advance", days: 1, expect: "nope" })).toThrow(/stateHash/);
    expect(() => parseCommand({ type: "order", member: "m", amount: "1", expect: hash })).toThrow();
  });
});

import { describe, expect, it } from "vitest";
import { loadRuleSet, RuleSetError, ruleSetToJson, DEFAULT_RULES_INPUT } from "@zengzhi/engine";

function refusal(input: unknown): { code: string; path: string } {
  try {
    loadRuleSet(input);
  } catch (error) {
    expect(error).toBeInstanceOf(RuleSetError);
    const e = error as RuleSetError;
    expect(e.reason.length).toBeGreaterThan(0);
    return { code: e.code, path: e.path };
  }
  throw new Error("expected the rule set to be refused");
}

describe("rule sets are data, validated when loaded", () => {
  it("a missing field takes its default; the canonical form round-trips", () => {
    const rules = loadRuleSet({});
    expect(rules.issueRatio).toBe(700_000_000n);
    expect(rules.sellFee).toBe(200_000_000n);
    expect(rules.exitMultiple).toBe(3_000_000_000n);
    expect(rules.exitFeeApplies).toBe(true);
    expect(rules.initialPrice).toBe(100_000_000n);
    expect(rules.healthPerReferral).toBe(1000n);
    expect(loadRuleSet(ruleSetToJson(rules))).toEqual(rules);
    expect(ruleSetToJson(loadRuleSet(DEFAULT_RULES_INPUT))).toEqual(ruleSetToJson(rules));
  });

  it.each([
    [
      "split parts that do not add up to 100%",
      {
        split: {
          productCost: "0.3",
          distributionCost: "0.3",
          platformProfit: "0.1",
          poolContribution: "0.2",
        },
      },
      "split_not_one",
      "split",
    ],
    ["an exit multiple under 1.5", { exitMultiple: "1.49" }, "out_of_range", "exitMultiple"],
    ["an exit multiple over 10", { exitMultiple: "10.01" }, "out_of_range", "exitMultiple"],
    ["a second referral level", { referralLevels: 2 }, "multi_level_reward", "referralLevels"],
    ["cash for referrals", { referralCashReward: "5" }, "multi_level_reward", "referralCashReward"],
    ["points for referrals", { referralPointsReward: "1" }, "multi_level_reward", "referralPointsReward"],
    ["an unknown rule", { uplineBonus: "0.1" }, "unknown_field", "uplineBonus"],
    ["a number instead of a decimal string", { sellFee: 0.2 }, "invalid_field", "sellFee"],
    ["an over-precise fraction", { sellFee: "0.1234567891" }, "invalid_field", "sellFee"],
    ["a fee of 100%", { sellFee: "1" }, "out_of_range", "sellFee"],
    ["an issue ratio over 1 (the price would fall)", { issueRatio: "1.01" }, "out_of_range", "issueRatio"],
    ["a zero initial price", { initialPrice: "0" }, "out_of_range", "initialPrice"],
    ["a ceiling under the initial price", { priceCeiling: "0.5" }, "out_of_range", "priceCeiling"],
    [
      "a negative split part",
      {
        split: {
          productCost: "-0.1",
          distributionCost: "0.5",
          platformProfit: "0.3",
          poolContribution: "0.3",
        },
      },
      "out_of_range",
      "split.productCost",
    ],
    [
      "release tiers out of order",
      {
        release: {
          tiers: [
            { minHealth: "0", rate: "0.001" },
            { minHealth: "0", rate: "0.002" },
          ],
        },
      },
      "tiers_not_ascending",
      "release.tiers.1.minHealth",
    ],
    [
      "a first tier above 0",
      { release: { tiers: [{ minHealth: "5", rate: "0.001" }] } },
      "tiers_not_ascending",
      "release.tiers.0.minHealth",
    ],
    ["a zero withdrawal limit", { withdrawalMaxPerDay: "0" }, "out_of_range", "withdrawalMaxPerDay"],
    ["a negative health per referral", { healthPerReferral: "-1" }, "out_of_range", "healthPerReferral"],
  ])("refuses %s", (_what, input, code, path) => {
    expect(refusal(input)).toEqual({ code, path });
  });

  it("accepts the edges of the allowed ranges", () => {
    expect(loadRuleSet({ exitMultiple: "1.5" }).exitMultiple).toBe(1_500_000_000n);
    expect(loadRuleSet({ exitMultiple: "10" }).exitMultiple).toBe(10_000_000_000n);
    expect(loadRuleSet({ referralLevels: 1, referralCashReward: "0" }).healthPerReferral).toBe(1000n);
  });
});

import { describe, expect, it } from "vitest";
import { ruleChanges } from "../src/lib/rule-diff.js";

describe("ruleChanges", () => {
  it("lists nothing for equal rule sets", () => {
    const rules = { exitMultiple: "3", split: { poolContribution: "0.3" }, release: null };
    expect(ruleChanges(rules, structuredClone(rules))).toEqual([]);
  });

  it("names every changed leaf with its value before and after", () => {
    const v1 = {
      exitMultiple: "3",
      split: { poolContribution: "0.3", platformProfit: "0.2" },
      release: { mode: "fixed", tiers: [{ minHealth: "0", rate: "0.01" }] },
      priceCeiling: null,
    };
    const v2 = {
      exitMultiple: "2.5",
      split: { poolContribution: "0.3", platformProfit: "0.25" },
      release: {
        mode: "fixed",
        tiers: [
          { minHealth: "0", rate: "0.02" },
          { minHealth: "10", rate: "0.03" },
        ],
      },
      priceCeiling: "9",
    };
    expect(ruleChanges(v1, v2)).toEqual([
      { path: "exitMultiple", before: "3", after: "2.5" },
      { path: "split.platformProfit", before: "0.2", after: "0.25" },
      { path: "release.tiers[0].rate", before: "0.01", after: "0.02" },
      { path: "release.tiers[1].minHealth", before: undefined, after: "10" },
      { path: "release.tiers[1].rate", before: undefined, after: "0.03" },
      { path: "priceCeiling", before: null, after: "9" },
    ]);
  });

  it("reports a field switched off (an object replaced by null) as each leaf removed", () => {
    expect(ruleChanges({ release: { mode: "fixed" } }, { release: null })).toEqual([
      { path: "release", before: undefined, after: null },
      { path: "release.mode", before: "fixed", after: undefined },
    ]);
  });
});

// The web app's small pure helpers: exact display totals, report dates, route matching, rule-set
// draft edits (release tiers included) and which form fields a refusal marks.
import { describe, expect, it } from "vitest";
import { sumMoney, sumPoints } from "../src/lib/format.js";
import { localToday, periodSeconds, shiftDate } from "../src/lib/report-range.js";
import { matchPath } from "../src/lib/paths.js";
import {
  marks,
  releaseTiers,
  withField,
  withTierAdded,
  withTierField,
  withTierRemoved,
} from "../src/lib/rules-draft.js";

describe("display totals", () => {
  it("adds decimal strings exactly (0.1 + 0.2 is 0.30, not 0.30000000000000004)", () => {
    expect(sumMoney(["0.10", "0.20"])).toBe("0.30");
    expect(sumMoney(["9007199254740993.01", "0.99"])).toBe("9007199254740994.00");
    expect(sumPoints(["210.00000000", "147.00000001"])).toBe("357.00000001");
    expect(sumMoney([])).toBe("0.00");
    expect(sumMoney(["5"])).toBe("5.00");
  });
});

describe("report dates", () => {
  it("shifts dates across months and years, counts today in the tenant's zone", () => {
    expect(shiftDate("2026-03-01", -1)).toBe("2026-02-28");
    expect(shiftDate("2024-03-01", -1)).toBe("2024-02-29");
    expect(shiftDate("2026-12-31", 1)).toBe("2027-01-01");
    expect(shiftDate("2026-12-03", -29)).toBe("2026-11-04");
    // 16:30 UTC is already the next day in Shanghai, still the same day in UTC.
    const at = new Date("2026-03-01T16:30:00Z");
    expect(localToday("Asia/Shanghai", at)).toBe("2026-03-02");
    expect(localToday("UTC", at)).toBe("2026-03-01");
  });

  it("places a bucket at noon UTC of its first date", () => {
    expect(periodSeconds("1970-01-02")).toBe(86_400 + 43_200);
  });
});

describe("matchPath", () => {
  it.each([
    ["/positions/:id", "/positions/12", { id: "12" }],
    ["/positions/:id", "/positions/12/", { id: "12" }],
    ["/positions/:id", "/positions", null],
    ["/positions/:id", "/wallet/12", null],
    ["/a/:x/b/:y", "/a/%E4%B8%AD/b/2", { x: "中", y: "2" }],
  ])("%s against %s", (pattern, path, expected) => {
    expect(matchPath(pattern, path)).toEqual(expected);
  });
});

describe("withField", () => {
  it("sets top-level and nested rule fields without changing the draft it was given", () => {
    const draft = { sellFee: "0.2", split: { productCost: "0.3", poolContribution: "0.3" } };
    const fee = withField(draft, "sellFee", "0.15");
    const pool = withField(draft, "split.poolContribution", "0.4");
    expect(fee).toEqual({ ...draft, sellFee: "0.15" });
    expect(pool.split).toEqual({ productCost: "0.3", poolContribution: "0.4" });
    expect(draft).toEqual({ sellFee: "0.2", split: { productCost: "0.3", poolContribution: "0.3" } });
    expect(withField({}, "split.poolContribution", "1")).toEqual({ split: { poolContribution: "1" } });
  });
});

describe("release tier edits", () => {
  const draft = {
    sellFee: "0.2",
    release: {
      mode: "percentOfOriginal",
      tiers: [
        { minHealth: "0", rate: "0.001" },
        { minHealth: "100", rate: "0.002" },
      ],
    },
  };
  const before = structuredClone(draft);

  it("adds an empty tier after the last, sets one value, removes one, keeping the order and the draft", () => {
    const added = withTierAdded(draft);
    expect(releaseTiers(added)).toEqual([...draft.release.tiers, { minHealth: "", rate: "" }]);
    expect(added.release?.mode).toBe("percentOfOriginal");
    const edited = withTierField(added, 2, "minHealth", "500");
    expect(releaseTiers(edited)[2]).toEqual({ minHealth: "500", rate: "" });
    expect(releaseTiers(withTierField(edited, 2, "rate", "0.003"))[2]).toEqual({
      minHealth: "500",
      rate: "0.003",
    });
    // Removing the first tier leaves the next one first: the form does not re-check what the engine
    // checks (the first tier starts at 0), the server names it.
    expect(releaseTiers(withTierRemoved(draft, 0))).toEqual([{ minHealth: "100", rate: "0.002" }]);
    expect(draft).toEqual(before);
    expect(added.sellFee).toBe("0.2");
  });

  it("reads no tiers when release is off or the JSON holds no list", () => {
    expect(releaseTiers({ release: null })).toEqual([]);
    expect(releaseTiers({})).toEqual([]);
    expect(releaseTiers({ release: { mode: "percentOfRemaining" } })).toEqual([]);
    expect(releaseTiers(withTierAdded({ release: {} }))).toEqual([{ minHealth: "", rate: "" }]);
  });
});

describe("marks", () => {
  it.each([
    ["release.tiers.1.rate", "release.tiers.1.rate", true],
    ["release.tiers.1", "release.tiers.1.rate", true],
    ["release", "release.tiers.0.minHealth", true],
    ["split", "split.poolContribution", true],
    ["release.tiers.1.rate", "release.tiers.1.minHealth", false],
    ["release.tiers.1", "release.tiers.10.rate", false],
    ["sellFee", "sellFeeX", false],
    [undefined, "sellFee", false],
  ])("refused %s marks %s: %s", (errorField, path, expected) => {
    expect(marks(errorField, path)).toBe(expected);
  });
});

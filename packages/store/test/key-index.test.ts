import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { KeyIndex } from "../src/key-index.js";

describe("KeyIndex", () => {
  it("answers what a Map answers for any keys, repeats and overwrites included", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.string({ maxLength: 12 }), fc.nat())), (pairs) => {
        const index = new KeyIndex();
        const map = new Map<string, number>();
        for (const [key, seq] of pairs) {
          index.set(key, seq);
          map.set(key, seq);
        }
        expect(index.size).toBe(map.size);
        for (const [key] of pairs) expect(index.get(key)).toBe(map.get(key));
        expect(index.get("\u0000never-set")).toBe(map.get("\u0000never-set"));
      }),
    );
  });

  it("spreads keys that differ only in a counter over its shards, so no single Map grows large", () => {
    const index = new KeyIndex();
    const count = 200_000;
    for (let i = 0; i < count; i++) index.set(`sales|session-${i % 7}|r2-15000-${i}`, i + 1);
    expect(index.size).toBe(count);
    // 1,024 shards: about 195 keys each; a poor spread would put thousands in one.
    expect(index.largestShard()).toBeLessThan((count / 1024) * 1.5);
    expect(index.get(`sales|session-${199_998 % 7}|r2-15000-199998`)).toBe(199_999);
    expect(index.get("sales|session-3|r2-15000-199998")).toBeUndefined();
  });
});

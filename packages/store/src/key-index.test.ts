import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { KeyIndex, keyHash } from "./key-index.js";

describe("KeyIndex", () => {
  it("never forgets a key: every key set has a candidate, the latest seq under its hash", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.string({ maxLength: 12 }), fc.integer({ min: 1, max: 2 ** 40 }))),
        (pairs) => {
          const index = new KeyIndex();
          const map = new Map<string, number>();
          for (const [key, seq] of pairs) {
            index.set(key, seq);
            map.set(key, seq);
          }
          // With 64 bits of hash these few keys do not collide, so the index answers like a Map.
          expect(index.size).toBe(map.size);
          for (const [key, seq] of map) expect(index.candidate(key)).toBe(seq);
          if (!map.has("\u0000never-set")) expect(index.candidate("\u0000never-set")).toBeUndefined();
        },
      ),
    );
  });

  it("with a hash that collides, gives the latest seq under the hash (the writer confirms in the journal)", () => {
    const index = new KeyIndex(() => [3, 3]);
    expect(index.candidate("a")).toBeUndefined();
    index.set("a", 5);
    index.set("b", 9);
    expect(index.candidate("a")).toBe(9);
    expect(index.candidate("zzz")).toBe(9);
    expect(index.size).toBe(1);
    expect(() => index.set("c", 0)).toThrow(RangeError);
  });

  it("spreads keys that differ only in a counter over its shards and grows past a million", () => {
    const index = new KeyIndex();
    const count = 1_200_000;
    for (let i = 0; i < count; i++) index.set(`sales|session-${i % 7}|r2-15000-${i}`, i + 1);
    expect(index.size).toBe(count);
    // 1,024 shards: about 1,170 keys each; a poor spread would put far more in one.
    expect(index.largestShard()).toBeLessThan((count / 1024) * 1.3);
    expect(index.candidate(`sales|session-${199_998 % 7}|r2-15000-199998`)).toBe(199_999);
    expect(index.candidate("sales|session-3|r2-15000-199998")).toBeUndefined();
  });

  it("hashes to two unsigned 32-bit halves that differ between near keys", () => {
    const [a, b] = keyHash("k1");
    const [c, d] = keyHash("k2");
    for (const half of [a, b, c, d]) expect(half >>> 0).toBe(half);
    expect([a, b]).not.toEqual([c, d]);
  });
});

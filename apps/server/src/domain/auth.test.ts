/** Passwords hash and verify with scrypt; the login limiter counts per user and per address. */
import { describe, expect, it } from "vitest";
import { LoginLimiter, hashPassword, verifyPassword } from "./auth.js";

describe("passwords", () => {
  it("hash with scrypt and a salt; verify only the right password", async () => {
    const a = await hashPassword("correct horse");
    const b = await hashPassword("correct horse");
    expect(a).toMatch(/^scrypt\$16384\$/);
    expect(a).not.toBe(b);
    expect(await verifyPassword("correct horse", a)).toBe(true);
    expect(await verifyPassword("correct horsf", a)).toBe(false);
    expect(await verifyPassword("anything", "md5$nope")).toBe(false);
  });
});

describe("login limiter", () => {
  it("blocks a user after 5 failures in the window and an address after 30 attempts a minute", () => {
    const limiter = new LoginLimiter();
    for (let i = 0; i < 5; i++) {
      limiter.check("1.1.1.1", "demo/u", 1000 + i);
      limiter.fail("demo/u", 1000 + i);
    }
    expect(() => limiter.check("2.2.2.2", "demo/u", 2000)).toThrow(/too many/);
    expect(() => limiter.check("2.2.2.2", "demo/u", 1000 + 10 * 60 * 1000 + 10)).not.toThrow();
    const byAddress = new LoginLimiter();
    for (let i = 0; i < 30; i++) byAddress.check("3.3.3.3", `demo/u${i}`, 5000);
    expect(() => byAddress.check("3.3.3.3", "demo/other", 5000)).toThrow(/too many/);
    expect(() => byAddress.check("3.3.3.3", "demo/other", 5000 + 60_001)).not.toThrow();
  });
});

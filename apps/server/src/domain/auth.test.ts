/** Passwords hash and verify with scrypt. */
import { describe, expect, it } from "vitest";
import { hashPassword, verifyPassword } from "./auth.js";

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

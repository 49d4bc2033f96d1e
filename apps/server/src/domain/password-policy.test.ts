/** The password policy refuses the commonest passwords (zxcvbn-ts's lists) and ones made of the account's names. */
import { describe, expect, it } from "vitest";
import { LIMITS } from "../limits.js";
import { passwordScore, requireStrongPassword } from "./password-policy.js";

describe("password policy", () => {
  it.each(["password", "password1", "12345678", "qwertyuiop", "iloveyou", "11111111", "abc12345"])(
    "refuses the common password %s",
    (password) => {
      expect(() => requireStrongPassword(password, { names: ["bob", "demo"], field: "password" })).toThrow(
        expect.objectContaining({ status: 400, code: "password_too_weak", field: "password" }),
      );
    },
  );

  it("judges a long password by its start: a weak start is refused whatever follows", () => {
    const tail = "x7#Lq9!vR2@mZ4$w".repeat(6);
    expect(passwordScore(tail, [])).toBeGreaterThanOrEqual(LIMITS.passwordScoreMin);
    expect(passwordScore("a".repeat(LIMITS.passwordJudgedLengthMax) + tail, [])).toBeLessThan(
      LIMITS.passwordScoreMin,
    );
  });

  it("counts the account's own names as guessable", () => {
    expect(passwordScore("zhangwei88", [])).toBeGreaterThanOrEqual(LIMITS.passwordScoreMin);
    expect(passwordScore("zhangwei88", ["zhangwei", "demo"])).toBeLessThan(LIMITS.passwordScoreMin);
    expect(passwordScore("teahouse2024", ["teahouse", "demo"])).toBeLessThan(LIMITS.passwordScoreMin);
  });

  it.each([
    ["operator-demo", ["operator", "demo"]],
    ["merchant-demo", ["teahouse", "demo"]],
    ["member-demo", ["alice", "demo"]],
    ["correct horse battery", ["bob", "demo"]],
  ])("accepts %s (the demo seed's passwords among them)", (password, names) => {
    expect(() => requireStrongPassword(password, { names, field: "newPassword" })).not.toThrow();
  });
});

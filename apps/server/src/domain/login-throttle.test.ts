/**
 * The login throttle: failures count per (account, address) with doubling waits past the free ones,
 * the same account stays open from another address, each address has a ceiling of attempts a minute
 * and of registrations an hour, and every 429 says how long to wait.
 */
import { describe, expect, it } from "vitest";
import { LIMITS } from "../limits.js";
import type { ApiError } from "./errors.js";
import { delayAfterFailures, LoginThrottle } from "./login-throttle.js";

/** The error `run` throws (undefined when it does not). */
function thrown(run: () => void): ApiError | undefined {
  try {
    run();
    return undefined;
  } catch (error) {
    return error as ApiError;
  }
}

/** Fails `n` logins of the account from the address, waiting out each delay. */
function failTimes(
  throttle: LoginThrottle,
  input: { account: string; address: string; n: number; at: number },
) {
  let now = input.at;
  for (let i = 0; i < input.n; i++) {
    now += delayAfterFailures(i) + 1;
    throttle.check(input.account, input.address, now);
    throttle.fail(input.account, input.address, now);
  }
  return now;
}

describe("delays after failures", () => {
  it.each([
    [0, 0],
    [LIMITS.loginFailuresFreeMax, 0],
    [LIMITS.loginFailuresFreeMax + 1, 1000],
    [LIMITS.loginFailuresFreeMax + 2, 2000],
    [LIMITS.loginFailuresFreeMax + 5, 16_000],
    [LIMITS.loginFailuresFreeMax + 11, LIMITS.loginDelayMaxMs],
    [1000, LIMITS.loginDelayMaxMs],
  ])("after %i failures: %i ms", (failures, delay) => {
    expect(delayAfterFailures(failures)).toBe(delay);
  });
});

describe("login throttle", () => {
  it("makes a pair wait longer after each failure past the free ones, with the wait in the answer", () => {
    const throttle = new LoginThrottle(20);
    const now = failTimes(throttle, { account: "demo/u", address: "1.1.1.1", n: 5, at: 0 });
    // 5 failures: the pair waits 2 s after the last one.
    const error = thrown(() => throttle.check("demo/u", "1.1.1.1", now + 1000));
    expect(error).toMatchObject({ status: 429, code: "too_many_attempts", extra: { retryAfterSeconds: 1 } });
    expect(thrown(() => throttle.check("demo/u", "1.1.1.1", now + 2000))).toBeUndefined();
  });

  it("never locks the account: its owner logs in from another address, a stranger's failures notwithstanding", () => {
    const throttle = new LoginThrottle(20);
    const now = failTimes(throttle, { account: "demo/operator", address: "6.6.6.6", n: 20, at: 0 });
    expect(thrown(() => throttle.check("demo/operator", "6.6.6.6", now + 1))?.code).toBe("too_many_attempts");
    expect(thrown(() => throttle.check("demo/operator", "7.7.7.7", now + 1))).toBeUndefined();
    throttle.succeed("demo/operator", "7.7.7.7");
    // The stranger's address still waits, up to the cap.
    const error = thrown(() => throttle.check("demo/operator", "6.6.6.6", now + 2));
    expect(error?.extra.retryAfterSeconds).toBe(LIMITS.loginDelayMaxMs / 1000);
  });

  it("starts a pair afresh after a success, and forgets its failures after a day", () => {
    const throttle = new LoginThrottle(20);
    let now = failTimes(throttle, { account: "demo/u", address: "1.1.1.1", n: 8, at: 0 });
    throttle.succeed("demo/u", "1.1.1.1");
    expect(thrown(() => throttle.check("demo/u", "1.1.1.1", now + 1))).toBeUndefined();
    now = failTimes(throttle, { account: "demo/u", address: "1.1.1.1", n: 8, at: now + 10 });
    expect(thrown(() => throttle.check("demo/u", "1.1.1.1", now + 1))?.code).toBe("too_many_attempts");
    expect(
      thrown(() => throttle.check("demo/u", "1.1.1.1", now + LIMITS.loginFailureMemoryMs)),
    ).toBeUndefined();
  });

  it("keeps a ceiling of attempts per address a minute over every account", () => {
    const throttle = new LoginThrottle(20);
    for (let i = 0; i < LIMITS.loginAttemptsPerAddressPerMinuteMax; i++)
      throttle.check(`demo/u${i}`, "3.3.3.3", 5000);
    const error = thrown(() => throttle.check("demo/other", "3.3.3.3", 5000));
    expect(error).toMatchObject({ status: 429, code: "too_many_requests", extra: { retryAfterSeconds: 60 } });
    expect(thrown(() => throttle.check("demo/other", "4.4.4.4", 5000))).toBeUndefined();
    expect(thrown(() => throttle.check("demo/other", "3.3.3.3", 65_000))).toBeUndefined();
  });

  it("limits registrations per address an hour", () => {
    const throttle = new LoginThrottle(3);
    for (let i = 0; i < 3; i++) throttle.checkRegistration("5.5.5.5", 1000 * i);
    const error = thrown(() => throttle.checkRegistration("5.5.5.5", 3000));
    expect(error).toMatchObject({
      status: 429,
      code: "too_many_requests",
      extra: { retryAfterSeconds: 3597 },
    });
    expect(thrown(() => throttle.checkRegistration("8.8.8.8", 3000))).toBeUndefined();
    expect(thrown(() => throttle.checkRegistration("5.5.5.5", 3_600_000))).toBeUndefined();
  });
});

/**
 * Login throttling that a stranger cannot turn into a lock-out: failures are counted per (account,
 * client address), and past a few free ones that pair waits, twice as long after each failure. The
 * account itself is never locked, so its owner logs in from another address. Each address also has
 * a ceiling of login attempts a minute (any account) and of registrations an hour.
 */
import { LIMITS } from "../limits.js";
import { ApiError } from "./errors.js";

interface PairFailures {
  failures: number;
  lastFailureAt: number;
  /** The pair may try again from this time on. */
  waitUntil: number;
}

/** Sets a key as the newest entry of a bounded map, dropping the oldest beyond the bound. */
function remember<V>(map: Map<string, V>, key: string, value: V): void {
  map.delete(key);
  map.set(key, value);
  if (map.size > LIMITS.throttleEntriesMax) map.delete(map.keys().next().value!);
}

/** A 429 answer with the seconds to wait, which the HTTP edge also sends as Retry-After. */
export function throttled(code: "too_many_attempts" | "too_many_requests", waitMs: number): ApiError {
  const seconds = Math.max(1, Math.ceil(waitMs / 1000));
  const message =
    code === "too_many_attempts"
      ? `too many failed logins for this account from this address; retry in ${seconds} s`
      : `too many requests from this address; retry in ${seconds} s`;
  return new ApiError(429, code, message, undefined, { retryAfterSeconds: seconds });
}

/** Events per key over a sliding window; `take` counts one or says how long to wait. */
export class SlidingWindow {
  private readonly events = new Map<string, number[]>();

  constructor(
    private readonly windowMs: number,
    private readonly max: () => number,
  ) {}

  /** 0 after counting the event, or the milliseconds until the key may act again. */
  take(key: string, now: number): number {
    const recent = (this.events.get(key) ?? []).filter((t) => now - t < this.windowMs);
    if (recent.length >= this.max()) {
      remember(this.events, key, recent);
      return recent[0]! + this.windowMs - now;
    }
    recent.push(now);
    remember(this.events, key, recent);
    return 0;
  }
}

/** The delay after a pair's n-th failure: none for the free ones, then doubling to the cap. */
export function delayAfterFailures(failures: number): number {
  const beyond = failures - LIMITS.loginFailuresFreeMax;
  if (beyond <= 0) return 0;
  if (beyond > 30) return LIMITS.loginDelayMaxMs;
  return Math.min(LIMITS.loginDelayFirstMs * 2 ** (beyond - 1), LIMITS.loginDelayMaxMs);
}

export class LoginThrottle {
  private readonly pairs = new Map<string, PairFailures>();
  private readonly attempts = new SlidingWindow(60_000, () => LIMITS.loginAttemptsPerAddressPerMinuteMax);
  private readonly registrations: SlidingWindow;

  constructor(registrationsPerHourMax: number) {
    this.registrations = new SlidingWindow(60 * 60_000, () => registrationsPerHourMax);
  }

  private static pairKey(account: string, address: string): string {
    return `${address}\n${account}`;
  }

  private current(key: string, now: number): PairFailures | undefined {
    const state = this.pairs.get(key);
    if (state !== undefined && now - state.lastFailureAt >= LIMITS.loginFailureMemoryMs) {
      this.pairs.delete(key);
      return undefined;
    }
    return state;
  }

  /**
   * Before a password is checked: throws 429 too_many_attempts while this pair must wait, and 429
   * too_many_requests when the address has used its attempts of the minute; else counts the attempt.
   */
  check(account: string, address: string, now: number): void {
    const state = this.current(LoginThrottle.pairKey(account, address), now);
    if (state !== undefined && state.waitUntil > now)
      throw throttled("too_many_attempts", state.waitUntil - now);
    const wait = this.attempts.take(address, now);
    if (wait > 0) throw throttled("too_many_requests", wait);
  }

  /** A wrong password from this address: the pair's count grows and so does its wait. */
  fail(account: string, address: string, now: number): void {
    const key = LoginThrottle.pairKey(account, address);
    const failures = (this.current(key, now)?.failures ?? 0) + 1;
    remember(this.pairs, key, {
      failures,
      lastFailureAt: now,
      waitUntil: now + delayAfterFailures(failures),
    });
  }

  /** The right password: this pair starts afresh (other addresses keep their counts). */
  succeed(account: string, address: string): void {
    this.pairs.delete(LoginThrottle.pairKey(account, address));
  }

  /** Before a registration: throws 429 too_many_requests past the address's hourly ceiling. */
  checkRegistration(address: string, now: number): void {
    const wait = this.registrations.take(address, now);
    if (wait > 0) throw throttled("too_many_requests", wait);
  }
}

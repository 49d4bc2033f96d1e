/**
 * Accounts and sessions: scrypt password hashes (node:crypto), random session tokens stored as SHA-256
 * hashes, a small in-memory session cache, role checks, and the login rate limiter.
 */
import { createHash, randomBytes, scrypt, timingSafeEqual } from "node:crypto";
import type { Sql } from "@zengzhi/store";
import { deleteSession, insertSession, selectSessionUser, type UserRow } from "../db/users.js";
import { ApiError, forbidden } from "./errors.js";
import { LIMITS } from "../limits.js";

export type Role = "operator" | "merchant" | "member";

export interface User {
  id: string;
  tenant: string;
  username: string;
  role: Role;
  memberId: string | null;
  merchantId: string | null;
}

export interface Session extends User {
  tokenHash: string;
  expiresAt: number;
}

const SCRYPT = { N: 16384, r: 8, p: 1, keyLength: 32 } as const;

function scryptAsync(password: string, salt: Buffer, keyLength: number, N: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(
      password,
      salt,
      keyLength,
      { N, r: SCRYPT.r, p: SCRYPT.p, maxmem: 64 * 1024 * 1024 },
      (error, key) => (error === null ? resolve(key) : reject(error)),
    );
  });
}

/** `scrypt$N$salt$hash` (base64); the parameters travel with the hash so they can be raised later. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scryptAsync(password, salt, SCRYPT.keyLength, SCRYPT.N);
  return `scrypt$${SCRYPT.N}$${salt.toString("base64")}$${key.toString("base64")}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [kind, n, salt, hash] = stored.split("$");
  if (kind !== "scrypt" || n === undefined || salt === undefined || hash === undefined) return false;
  const expected = Buffer.from(hash, "base64");
  const key = await scryptAsync(password, Buffer.from(salt, "base64"), expected.length, Number(n));
  return timingSafeEqual(key, expected);
}

export const newToken = (): string => randomBytes(32).toString("base64url");
export const hashToken = (token: string): string => createHash("sha256").update(token).digest("hex");

export const userFromRow = (row: UserRow): User => ({
  id: row.user_id,
  tenant: row.tenant_id,
  username: row.username,
  role: row.role,
  memberId: row.member_id,
  merchantId: row.merchant_id,
});

/** Sessions in the database, with a bounded cache so a bearer token costs no query per request. */
export class SessionStore {
  private readonly cache = new Map<string, { session: Session; cachedAt: number }>();

  constructor(private readonly sql: Sql) {}

  async create(user: User): Promise<string> {
    const token = newToken();
    const expiresAt = Date.now() + LIMITS.sessionLifetimeMs;
    await insertSession(this.sql, {
      tenant: user.tenant,
      tokenHash: hashToken(token),
      userId: user.id,
      expiresAt,
    });
    return token;
  }

  /** The session of a token from the cache alone, when it is there and fresh. */
  cached(token: string): Session | undefined {
    const cached = this.cache.get(token);
    const now = Date.now();
    if (
      cached === undefined ||
      now - cached.cachedAt >= LIMITS.sessionCacheMs ||
      cached.session.expiresAt <= now
    ) {
      return undefined;
    }
    return cached.session;
  }

  async find(token: string): Promise<Session | null> {
    // The cache is keyed by the token itself (it lives only in this process's memory), so a cached
    // session costs no hashing; the database holds only the hash.
    const cached = this.cache.get(token);
    const now = Date.now();
    if (
      cached !== undefined &&
      now - cached.cachedAt < LIMITS.sessionCacheMs &&
      cached.session.expiresAt > now
    ) {
      return cached.session;
    }
    const tokenHash = hashToken(token);
    const row = await selectSessionUser(this.sql, tokenHash);
    if (row === undefined) {
      this.cache.delete(token);
      return null;
    }
    const session: Session = {
      ...userFromRow(row),
      tokenHash,
      expiresAt: new Date(row.expires_at).getTime(),
    };
    if (this.cache.size >= LIMITS.sessionCacheEntriesMax) this.cache.clear();
    this.cache.set(token, { session, cachedAt: now });
    return session;
  }

  async revoke(session: Session): Promise<void> {
    for (const [token, cached] of this.cache)
      if (cached.session.tokenHash === session.tokenHash) this.cache.delete(token);
    await deleteSession(this.sql, session.tenant, session.tokenHash);
  }
}

/** Checks the caller's role; throws 401 without a session and 403 for any other role. */
export function requireRole(session: Session | null, ...roles: Role[]): Session {
  if (session === null)
    throw new ApiError(401, "unauthenticated", "log in first (cookie zz_session or Bearer token)");
  if (roles.length > 0 && !roles.includes(session.role)) {
    throw forbidden(`this route is open to ${roles.join(", ")} only`);
  }
  return session;
}

/** Counts login failures per user and attempts per client address over sliding windows. */
export class LoginLimiter {
  private readonly failures = new Map<string, number[]>();
  private readonly attempts = new Map<string, number[]>();

  private recent(map: Map<string, number[]>, key: string, windowMs: number, now: number): number[] {
    const list = (map.get(key) ?? []).filter((t) => now - t < windowMs);
    if (map.size > 100_000) map.clear();
    map.set(key, list);
    return list;
  }

  /** Throws 429 when this address or this user has tried too often; records the attempt. */
  check(address: string, userKey: string, now = Date.now()): void {
    const byAddress = this.recent(this.attempts, address, 60_000, now);
    const byUser = this.recent(this.failures, userKey, LIMITS.loginFailureWindowMs, now);
    if (
      byAddress.length >= LIMITS.loginAttemptsPerAddressPerMinuteMax ||
      byUser.length >= LIMITS.loginFailuresPerUserMax
    ) {
      throw new ApiError(
        429,
        "too_many_attempts",
        "too many login attempts; wait a few minutes and try again",
      );
    }
    byAddress.push(now);
  }

  fail(userKey: string, now = Date.now()): void {
    this.recent(this.failures, userKey, LIMITS.loginFailureWindowMs, now).push(now);
  }

  succeed(userKey: string): void {
    this.failures.delete(userKey);
  }
}

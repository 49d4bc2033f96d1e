/**
 * Accounts and sessions: scrypt password hashes (node:crypto), random session tokens stored as SHA-256
 * hashes, sessions with an idle timeout and an absolute end, a small in-memory session cache, and
 * role checks. Login throttling is in login-throttle.ts.
 */
import { createHash, randomBytes, randomUUID, scrypt, timingSafeEqual } from "node:crypto";
import type { Sql } from "@zengzhi/store";
import {
  deleteExpiredSessions,
  deleteSession,
  insertSession,
  selectSessionUser,
  touchSession,
  type UserRow,
} from "../db/users.js";
import { LIMITS } from "../limits.js";
import { ApiError, forbidden } from "./errors.js";

export type Role = UserRow["role"];

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
  /** The public id the user sees in the list of sessions (never the token or its hash). */
  sessionId: string;
  /** The absolute end (login + the maximum age), in milliseconds. */
  expiresAt: number;
  /** Last activity recorded (to within LIMITS.sessionTouchMs), in milliseconds. */
  lastSeenAt: number;
}

/** Where a session was opened from, shown in the user's list of sessions. */
export interface SessionOrigin {
  address: string;
  userAgent: string;
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

const toMs = (value: string | Date) => new Date(value).getTime();

/**
 * Sessions in the database, with a bounded cache so a bearer token costs no query per request. A
 * session ends at its absolute end (`maxAgeMs` after login) or after `idleMs` without a request; its
 * activity is written at most once per LIMITS.sessionTouchMs, when the cache is refreshed.
 */
export class SessionStore {
  private readonly cache = new Map<string, { session: Session; cachedAt: number }>();

  constructor(
    private readonly sql: Sql,
    private readonly options: { now: () => number; idleMs: number; maxAgeMs: number },
  ) {}

  get maxAgeMs(): number {
    return this.options.maxAgeMs;
  }

  get idleMs(): number {
    return this.options.idleMs;
  }

  private live(session: Session, now: number): boolean {
    return session.expiresAt > now && session.lastSeenAt + this.options.idleMs > now;
  }

  async create(user: User, origin: SessionOrigin): Promise<string> {
    const token = newToken();
    const now = this.options.now();
    // The user's ended sessions go as a new one starts, so the table holds live sessions mostly.
    await deleteExpiredSessions(this.sql, {
      tenant: user.tenant,
      userId: user.id,
      now,
      idleSince: now - this.options.idleMs,
    });
    await insertSession(this.sql, {
      tenant: user.tenant,
      tokenHash: hashToken(token),
      sessionId: randomUUID(),
      userId: user.id,
      createdAt: now,
      expiresAt: now + this.options.maxAgeMs,
      address: origin.address.slice(0, LIMITS.sessionOriginLengthMax),
      userAgent: origin.userAgent.slice(0, LIMITS.sessionOriginLengthMax),
    });
    return token;
  }

  /** The session of a token from the cache alone, when it is there and fresh. */
  cached(token: string): Session | undefined {
    const cached = this.cache.get(token);
    const now = this.options.now();
    if (
      cached === undefined ||
      now - cached.cachedAt >= LIMITS.sessionCacheMs ||
      !this.live(cached.session, now)
    )
      return undefined;
    return cached.session;
  }

  async find(token: string): Promise<Session | null> {
    // The cache is keyed by the token itself (it lives only in this process's memory), so a cached
    // session costs no hashing; the database holds only the hash.
    const cached = this.cached(token);
    if (cached !== undefined) return cached;
    const now = this.options.now();
    const tokenHash = hashToken(token);
    const row = await selectSessionUser(this.sql, { tokenHash, now, idleSince: now - this.options.idleMs });
    if (row === undefined) {
      this.cache.delete(token);
      return null;
    }
    let lastSeenAt = toMs(row.last_seen_at);
    if (now - lastSeenAt >= LIMITS.sessionTouchMs) {
      await touchSession(this.sql, row.tenant_id, tokenHash, now);
      lastSeenAt = now;
    }
    const session: Session = {
      ...userFromRow(row),
      tokenHash,
      sessionId: row.session_id,
      expiresAt: toMs(row.expires_at),
      lastSeenAt,
    };
    if (this.cache.size >= LIMITS.sessionCacheEntriesMax) this.cache.clear();
    this.cache.set(token, { session, cachedAt: now });
    return session;
  }

  /** Forgets the cached sessions of these token hashes (after their rows were deleted). */
  forget(tokenHashes: readonly string[]): void {
    if (tokenHashes.length === 0) return;
    const hashes = new Set(tokenHashes);
    for (const [token, cached] of this.cache)
      if (hashes.has(cached.session.tokenHash)) this.cache.delete(token);
  }

  async revoke(session: Session): Promise<void> {
    this.forget([session.tokenHash]);
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

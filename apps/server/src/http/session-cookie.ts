/**
 * The session at the HTTP edge: the token of a request (Bearer header or the zz_session cookie) and
 * the cookie a login or registration sets.
 */
import type { FastifyReply, FastifyRequest } from "fastify";
import { LIMITS } from "../limits.js";

export const SESSION_COOKIE = "zz_session";

/** The session token of a request: `Authorization: Bearer …` first, then the zz_session cookie. */
export function requestToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (header !== undefined && header.startsWith("Bearer ")) return header.slice(7).trim();
  const cookie = (request as FastifyRequest & { cookies?: Record<string, string | undefined> }).cookies;
  return cookie?.[SESSION_COOKIE];
}

/** Sets the HttpOnly session cookie (Secure when the request came over HTTPS). */
export function setSessionCookie(request: FastifyRequest, reply: FastifyReply, token: string): void {
  reply.setCookie(SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: "lax",
    path: "/",
    secure: request.protocol === "https",
    maxAge: LIMITS.sessionLifetimeMs / 1000,
  });
}

export function clearSessionCookie(reply: FastifyReply): void {
  reply.clearCookie(SESSION_COOKIE, { path: "/" });
}

/**
 * The session at the HTTP edge: the token of a request (Bearer header or the zz_session cookie) and
 * the cookie a login or registration sets.
 */
import type {} from "@fastify/cookie";
import type { FastifyReply, FastifyRequest } from "fastify";
// The cookie plugin's augmentation of FastifyReply (setCookie, clearCookie), named so this file
// type-checks whatever order tsc reads the program in.
import type {} from "@fastify/cookie";

export const SESSION_COOKIE = "zz_session";

/** The session token of a request: `Authorization: Bearer …` first, then the zz_session cookie. */
export function requestToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (header !== undefined && header.startsWith("Bearer ")) return header.slice(7).trim();
  const cookie = (request as FastifyRequest & { cookies?: Record<string, string | undefined> }).cookies;
  return cookie?.[SESSION_COOKIE];
}

/**
 * Whether the request came over HTTPS: directly (TLS on this server) or, when `trustProxy` is set
 * (ZENGZHI_TRUST_PROXY), through a trusted proxy that says so in X-Forwarded-Proto. Fastify's
 * `request.protocol` applies exactly that rule.
 */
export const overHttps = (request: FastifyRequest): boolean => request.protocol === "https";

/** Sets the HttpOnly session cookie, Secure whenever the request came over HTTPS; it lives as long as the session may. */
export function setSessionCookie(
  request: FastifyRequest,
  reply: FastifyReply,
  token: string,
  maxAgeMs: number,
): void {
  reply.setCookie(SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: "lax",
    path: "/",
    secure: overHttps(request),
    maxAge: Math.floor(maxAgeMs / 1000),
  });
}

export function clearSessionCookie(request: FastifyRequest, reply: FastifyReply): void {
  reply.clearCookie(SESSION_COOKIE, {
    path: "/",
    httpOnly: true,
    sameSite: "lax",
    secure: overHttps(request),
  });
}

/** The HttpOnly cookie a WeChat authorization's state is bound to (CSRF: only this browser can finish it). */
export const WECHAT_BROWSER_COOKIE = "zz_wechat";

export function setBrowserTokenCookie(
  request: FastifyRequest,
  reply: FastifyReply,
  token: string,
  maxAgeMs: number,
): void {
  reply.setCookie(WECHAT_BROWSER_COOKIE, token, {
    httpOnly: true,
    sameSite: "lax",
    path: "/api/",
    secure: overHttps(request),
    maxAge: Math.floor(maxAgeMs / 1000),
  });
}

export function browserTokenOf(request: FastifyRequest): string | undefined {
  const cookie = (request as FastifyRequest & { cookies?: Record<string, string | undefined> }).cookies;
  return cookie?.[WECHAT_BROWSER_COOKIE];
}

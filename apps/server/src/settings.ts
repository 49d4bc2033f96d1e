/**
 * The security settings an operator chooses per deployment (docs/SECURITY.md), with their defaults,
 * and how they are read from the environment (`zengzhi start`). Fixed limits live in limits.ts.
 */

/** Fastify's `trustProxy`: off, on (every hop), a hop count, or the proxies' addresses / CIDRs. */
export type TrustProxy = boolean | number | string;

export interface SecuritySettings {
  /** Whether X-Forwarded-For / X-Forwarded-Proto are believed (and from whom). Default: false. */
  trustProxy: TrustProxy;
  /** A session unused this long ends. Default: 24 hours. */
  sessionIdleMs: number;
  /** A session ends this long after login, used or not. Default: 7 days. */
  sessionMaxAgeMs: number;
  /** Registrations per client address per hour. Default: 20. */
  registrationsPerAddressPerHourMax: number;
}

const MINUTE = 60 * 1000;

export const DEFAULT_SECURITY: SecuritySettings = {
  trustProxy: false,
  sessionIdleMs: 24 * 60 * MINUTE,
  sessionMaxAgeMs: 7 * 24 * 60 * MINUTE,
  registrationsPerAddressPerHourMax: 20,
};

/** The names of the environment variables, for messages and docs. */
export const SECURITY_ENV = {
  trustProxy: "ZENGZHI_TRUST_PROXY",
  sessionIdleMinutes: "ZENGZHI_SESSION_IDLE_MINUTES",
  sessionMaxAgeHours: "ZENGZHI_SESSION_MAX_AGE_HOURS",
  registrationsPerHour: "ZENGZHI_REGISTRATIONS_PER_ADDRESS_PER_HOUR",
} as const;

export class SettingError extends Error {
  override name = "SettingError";
}

/** `true`/`false`, a hop count, or a comma-separated list of proxy addresses and CIDRs. */
export function parseTrustProxy(text: string): TrustProxy {
  const value = text.trim();
  if (value === "" || value === "false") return false;
  if (value === "true") return true;
  if (/^\d{1,2}$/.test(value)) return Number(value);
  if (/^[0-9A-Fa-f.:/,\s]+$/.test(value)) return value.replace(/\s+/g, "");
  throw new SettingError(
    `${SECURITY_ENV.trustProxy} must be true, false, a hop count or proxy addresses/CIDRs, got "${text}"`,
  );
}

function positiveInteger(name: string, text: string, max: number): number {
  const n = Number(text);
  if (!/^\d{1,9}$/.test(text) || n < 1 || n > max)
    throw new SettingError(`${name} must be a whole number from 1 to ${max}, got "${text}"`);
  return n;
}

/** The settings named in `env`, over the defaults; throws SettingError naming a malformed one. */
export function securityFromEnv(env: NodeJS.ProcessEnv): SecuritySettings {
  const settings = { ...DEFAULT_SECURITY };
  const read = (name: string) => (env[name] === undefined || env[name] === "" ? undefined : env[name]);
  const trust = read(SECURITY_ENV.trustProxy);
  if (trust !== undefined) settings.trustProxy = parseTrustProxy(trust);
  const idle = read(SECURITY_ENV.sessionIdleMinutes);
  if (idle !== undefined)
    settings.sessionIdleMs = positiveInteger(SECURITY_ENV.sessionIdleMinutes, idle, 525_600) * MINUTE;
  const maxAge = read(SECURITY_ENV.sessionMaxAgeHours);
  if (maxAge !== undefined)
    settings.sessionMaxAgeMs = positiveInteger(SECURITY_ENV.sessionMaxAgeHours, maxAge, 8760) * 60 * MINUTE;
  const registrations = read(SECURITY_ENV.registrationsPerHour);
  if (registrations !== undefined)
    settings.registrationsPerAddressPerHourMax = positiveInteger(
      SECURITY_ENV.registrationsPerHour,
      registrations,
      1_000_000,
    );
  return settings;
}

/** Webhook delivery (docs/OPERATIONS.md, webhooks). */
export interface WebhookSettings {
  /** Whether endpoints may name private, loopback or link-local addresses. Default: false. */
  allowPrivateTargets: boolean;
  /** Attempts before a delivery is marked failed. Default: 10. */
  attemptsMax: number;
  /** The wait after the first failed attempt; it doubles each time, with jitter. Default: 30 s. */
  retryBaseMs: number;
  /** The longest wait between two attempts. Default: 6 hours. */
  retryCapMs: number;
  /** An attempt without a complete answer in this time fails. Default: 10 s. */
  timeoutMs: number;
}

export const DEFAULT_WEBHOOKS: WebhookSettings = {
  allowPrivateTargets: false,
  attemptsMax: 10,
  retryBaseMs: 30_000,
  retryCapMs: 6 * 60 * MINUTE,
  timeoutMs: 10_000,
};

export const WEBHOOK_ENV = { allowPrivateTargets: "ZENGZHI_WEBHOOK_ALLOW_PRIVATE" } as const;

/** The webhook settings named in `env` over the defaults (`ZENGZHI_WEBHOOK_ALLOW_PRIVATE=1` allows private targets). */
export function webhookSettingsFromEnv(env: Record<string, string | undefined>): WebhookSettings {
  const allow = env[WEBHOOK_ENV.allowPrivateTargets];
  if (allow !== undefined && allow !== "0" && allow !== "1")
    throw new SettingError(`${WEBHOOK_ENV.allowPrivateTargets} must be 0 or 1, got "${allow}"`);
  return { ...DEFAULT_WEBHOOKS, allowPrivateTargets: allow === "1" };
}

/** The calendar's switches (docs/OPERATIONS.md). */
export const CALENDAR_ENV = {
  manualClose: "ZENGZHI_MANUAL_CLOSE",
  checkSeconds: "ZENGZHI_CALENDAR_CHECK_SECONDS",
} as const;

/** The operator's manual close: off unless ZENGZHI_MANUAL_CLOSE is `on` (tests and demos). */
export function manualCloseFromEnv(env: NodeJS.ProcessEnv): boolean {
  const value = (env[CALENDAR_ENV.manualClose] ?? "").trim();
  if (value === "" || value === "off") return false;
  if (value === "on") return true;
  throw new SettingError(`${CALENDAR_ENV.manualClose} must be on or off, got "${value}"`);
}

/** How often the calendar looks for dates to close: ZENGZHI_CALENDAR_CHECK_SECONDS, default 30. */
export function calendarCheckMsFromEnv(env: NodeJS.ProcessEnv): number {
  const value = env[CALENDAR_ENV.checkSeconds];
  if (value === undefined || value === "") return 30_000;
  return positiveInteger(CALENDAR_ENV.checkSeconds, value, 3600) * 1000;
}

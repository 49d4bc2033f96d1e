/**
 * The operator's sign-in settings: the tenant's own domain (members on it never type the tenant:
 * the server resolves Host to it) and the WeChat apps members sign in with, the official account
 * for the H5 and the mini program, each app secret sealed like the payment credentials.
 */
import {
  deleteTenantDomain,
  deleteWechatApp,
  selectTenantDomain,
  selectTenantOfDomain,
  selectWechatApps,
  upsertTenantDomain,
  upsertWechatApp,
  type WechatAppKind,
} from "../db/sign-in.js";
import type { Session } from "./auth.js";
import { ApiError } from "./errors.js";
import { ringOf } from "./payment-settings.js";
import { openSecret, resealSecret, sealSecret, type KeyRing } from "./secrets.js";
import type { Services } from "./services.js";
import type { Sql } from "@zengzhi/store";

/** A host name as browsers send it, lower-cased, without the port. */
const HOST_NAME =
  /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/;
/** How long a node trusts its answer to "which tenant is this host". */
const DOMAIN_CACHE_MS = 60_000;
const domainCache = new WeakMap<Services, Map<string, { tenant: string | undefined; at: number }>>();

export function hostNameOf(host: string | undefined): string | undefined {
  const name = (host ?? "").trim().toLowerCase().replace(/:\d+$/, "").replace(/\.$/, "");
  return HOST_NAME.test(name) ? name : undefined;
}

/** The tenant whose domain is `host` (from the Host header), cached per node for a minute. */
export async function tenantOfHost(
  services: Services,
  host: string | undefined,
): Promise<string | undefined> {
  const name = hostNameOf(host);
  if (name === undefined) return undefined;
  let cache = domainCache.get(services);
  if (cache === undefined) domainCache.set(services, (cache = new Map()));
  const cached = cache.get(name);
  const now = services.now();
  if (cached !== undefined && now - cached.at < DOMAIN_CACHE_MS) return cached.tenant;
  const tenant = await selectTenantOfDomain(services.sql, name);
  if (cache.size >= 1000) cache.clear();
  cache.set(name, { tenant, at: now });
  return tenant;
}

export interface WechatAppInput {
  appid: string;
  secret: string;
}

export interface SignInSettingsInput {
  /** The tenant's own host name; null removes it. */
  domain?: string | null | undefined;
  official?: WechatAppInput | null | undefined;
  mini?: WechatAppInput | null | undefined;
}

const secretContext = (tenant: string, app: WechatAppKind) => `${tenant}/wechat-sign-in/${app}`;

export async function getSignInSettings(services: Services, tenant: string) {
  const [domain, apps] = await Promise.all([
    selectTenantDomain(services.sql, tenant),
    selectWechatApps(services.sql, tenant),
  ]);
  const appView = (kind: WechatAppKind) => {
    const row = apps.find((candidate) => candidate.app === kind);
    return row === undefined ? null : { appid: row.appid, updatedAt: new Date(row.updated_at).toISOString() };
  };
  return {
    secretsKeyConfigured: typeof services.secrets !== "string",
    domain,
    official: appView("official"),
    mini: appView("mini"),
  };
}

async function setDomain(services: Services, tenant: string, domain: string | null): Promise<void> {
  if (domain === null) return deleteTenantDomain(services.sql, tenant);
  const name = hostNameOf(domain);
  if (name === undefined)
    throw new ApiError(400, "invalid_field", "not a host name (e.g. m.example.com)", "domain");
  if (!(await upsertTenantDomain(services.sql, tenant, name)))
    throw new ApiError(409, "domain_taken", "another scheme uses this domain", "domain");
  domainCache.get(services)?.clear();
}

async function setApp(services: Services, tenant: string, app: WechatAppKind, input: WechatAppInput | null) {
  if (input === null) return deleteWechatApp(services.sql, tenant, app);
  const sealedSecret = sealSecret(ringOf(services), input.secret, secretContext(tenant, app));
  await upsertWechatApp(services.sql, tenant, { app, appid: input.appid, sealedSecret });
}

/** Sets the fields given (null removes one), audited; the secrets are never answered back. */
export async function setSignInSettings(services: Services, session: Session, input: SignInSettingsInput) {
  const tenant = session.tenant;
  if (input.official || input.mini) ringOf(services);
  if (input.domain !== undefined) await setDomain(services, tenant, input.domain);
  if (input.official !== undefined) await setApp(services, tenant, "official", input.official);
  if (input.mini !== undefined) await setApp(services, tenant, "mini", input.mini);
  await services.audit.recordBy(session, {
    action: "sign-in-settings",
    detail: {
      domain: input.domain === undefined ? "unchanged" : (input.domain ?? "removed"),
      official: input.official === undefined ? "unchanged" : input.official === null ? "removed" : "set",
      mini: input.mini === undefined ? "unchanged" : input.mini === null ? "removed" : "set",
    },
  });
  return getSignInSettings(services, tenant);
}

/** The app id and the opened secret of a tenant's WeChat app, or undefined when none is set. */
export async function wechatAppOf(
  services: Services,
  tenant: string,
  app: WechatAppKind,
): Promise<{ appid: string; secret: string } | undefined> {
  const row = (await selectWechatApps(services.sql, tenant)).find((candidate) => candidate.app === app);
  if (row === undefined || typeof services.secrets === "string") return undefined;
  const opened = openSecret(services.secrets, row.sealed_secret, secretContext(tenant, app));
  if (!opened.ok) throw new Error(`WeChat ${app} secret of ${tenant}: ${opened.problem}`);
  return { appid: row.appid, secret: opened.plaintext };
}

/**
 * The tenant of a page's address: the one its /t/<tenant>/ path names (when it exists), else the
 * tenant whose domain the Host is; and whether that tenant offers WeChat sign-in for the H5.
 */
export async function getSignInOptions(
  services: Services,
  input: { tenant: string | undefined; host: string | undefined },
) {
  const tenant =
    input.tenant !== undefined
      ? (await services.tenantExists(input.tenant))
        ? input.tenant
        : undefined
      : await tenantOfHost(services, input.host);
  if (tenant === undefined) return { tenant: null, wechat: false };
  const apps = await selectWechatApps(services.sql, tenant);
  return { tenant, wechat: apps.some((row) => row.app === "official") };
}

/** After a key rotation: re-seals the tenant's WeChat app secrets under the current key; how many moved. */
export async function resealWechatApps(sql: Sql, ring: KeyRing, tenant: string): Promise<number> {
  let moved = 0;
  for (const row of await selectWechatApps(sql, tenant)) {
    const next = resealSecret(ring, row.sealed_secret, secretContext(tenant, row.app));
    if (next === undefined) continue;
    await upsertWechatApp(sql, tenant, { app: row.app, appid: row.appid, sealedSecret: next });
    moved += 1;
  }
  return moved;
}

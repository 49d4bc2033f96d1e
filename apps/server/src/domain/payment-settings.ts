/**
 * The operator's payment credentials: checked (every key must parse and fit its provider), sealed
 * field by field with the server's key ring, never answered back (only the last 4 characters of
 * the merchant or app id and the date), and opened only to build a provider for a payment.
 */
import type { Sql } from "@zengzhi/store";
import { createPrivateKey, createPublicKey, type KeyObject } from "node:crypto";
import { AlipayProvider, WechatPayProvider, type PaymentProvider } from "@zengzhi/payments";
import {
  selectPaymentSettings,
  updateSealed,
  upsertPaymentSettings,
  type PaymentSettingsRow,
} from "../db/payment-settings.js";
import type { Session } from "./auth.js";
import { ApiError } from "./errors.js";
import { openSecret, resealSecret, sealSecret, type KeyRing } from "./secrets.js";
import type { Services } from "./services.js";

export type ProviderName = "wechat" | "alipay";
const PROVIDERS: readonly ProviderName[] = ["wechat", "alipay"];

/** The providers' production endpoints; tests point them at the local fakes. */
export const PRODUCTION_ENDPOINTS = {
  wechat: "https://api.mch.weixin.qq.com",
  alipay: "https://openapi.alipay.com/gateway.do",
} as const;

export interface WechatPaySettingsInput {
  mchid: string;
  appid: string;
  merchantSerial: string;
  merchantPrivateKey: string;
  apiV3Key: string;
  platformKeyId: string;
  platformPublicKey: string;
}

export interface AlipaySettingsInput {
  appId: string;
  appPrivateKey: string;
  alipayPublicKey: string;
  sellerId?: string | undefined;
}

const invalid = (field: string, what: string) =>
  new ApiError(400, "payment_credentials_invalid", `${field}: ${what}`, field);

/** An RSA key of at least 2048 bits, private or public, or a 400 naming the field. */
function rsaKey(field: string, text: string, kind: "private" | "public"): KeyObject {
  let key: KeyObject;
  try {
    const pem =
      kind === "public" && !text.includes("-----BEGIN")
        ? `-----BEGIN PUBLIC KEY-----\n${text}\n-----END PUBLIC KEY-----`
        : text;
    key = kind === "private" ? createPrivateKey(pem) : createPublicKey(pem);
  } catch {
    throw invalid(field, `not a PEM ${kind} key`);
  }
  const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
  if (key.asymmetricKeyType !== "rsa" || bits < 2048)
    throw invalid(field, "not an RSA key of 2048 bits or more");
  return key;
}

export function ringOf(services: Services): KeyRing {
  if (typeof services.secrets === "string") {
    throw new ApiError(
      409,
      "secrets_key_not_configured",
      "set ZENGZHI_SECRETS_KEY on the server first (docs/PAYMENTS.md)",
    );
  }
  return services.secrets;
}

const contextOf = (tenant: string, provider: ProviderName, field: string) => `${tenant}/${provider}/${field}`;

function sealAll(ring: KeyRing, tenant: string, provider: ProviderName, fields: Record<string, string>) {
  return Object.fromEntries(
    Object.entries(fields).map(([name, value]) => [
      name,
      sealSecret(ring, value, contextOf(tenant, provider, name)),
    ]),
  );
}

export async function getPaymentSettings(services: Services, session: Session) {
  const rows = await selectPaymentSettings(services.sql, session.tenant);
  return viewOf(services, rows);
}

function viewOf(services: Services, rows: PaymentSettingsRow[]) {
  return {
    secretsKeyConfigured: typeof services.secrets !== "string",
    providers: PROVIDERS.map((provider) => {
      const row = rows.find((candidate) => candidate.provider === provider);
      return {
        provider,
        configured: row !== undefined,
        accountHint: row === undefined ? null : row.account_hint,
        updatedAt: row === undefined ? null : new Date(row.updated_at).toISOString(),
      };
    }),
  };
}

export async function setWechatPaySettings(
  services: Services,
  session: Session,
  input: WechatPaySettingsInput,
) {
  const ring = ringOf(services);
  const merchantKey = rsaKey("merchantPrivateKey", input.merchantPrivateKey, "private");
  rsaKey("platformPublicKey", input.platformPublicKey, "public");
  if (
    createPublicKey(merchantKey)
      .export({ format: "der", type: "spki" })
      .equals(createPublicKey(input.platformPublicKey).export({ format: "der", type: "spki" }))
  ) {
    throw invalid("platformPublicKey", "this is the merchant's own key, not WeChat Pay's");
  }
  const sealed = sealAll(ring, session.tenant, "wechat", { ...input });
  await upsertPaymentSettings(services.sql, session.tenant, {
    provider: "wechat",
    account_hint: input.mchid.slice(-4),
    sealed,
  });
  await services.audit.recordBy(session, { action: "payment-settings", target: "wechat" });
  return getPaymentSettings(services, session);
}

export async function setAlipaySettings(services: Services, session: Session, input: AlipaySettingsInput) {
  const ring = ringOf(services);
  rsaKey("appPrivateKey", input.appPrivateKey, "private");
  rsaKey("alipayPublicKey", input.alipayPublicKey, "public");
  const fields: Record<string, string> = {
    appId: input.appId,
    appPrivateKey: input.appPrivateKey,
    alipayPublicKey: input.alipayPublicKey,
  };
  if (input.sellerId !== undefined) fields["sellerId"] = input.sellerId;
  const sealed = sealAll(ring, session.tenant, "alipay", fields);
  await upsertPaymentSettings(services.sql, session.tenant, {
    provider: "alipay",
    account_hint: input.appId.slice(-4),
    sealed,
  });
  await services.audit.recordBy(session, { action: "payment-settings", target: "alipay" });
  return getPaymentSettings(services, session);
}

/** The opened fields of one provider's row; throws (an operating error) when a field cannot open. */
function openAll(ring: KeyRing, tenant: string, row: PaymentSettingsRow): Record<string, string> {
  return Object.fromEntries(
    Object.entries(row.sealed).map(([name, sealed]) => {
      const opened = openSecret(ring, sealed, contextOf(tenant, row.provider, name));
      if (!opened.ok) throw new Error(`payment settings of ${tenant}/${row.provider}: ${opened.problem}`);
      return [name, opened.plaintext];
    }),
  );
}

/** The tenant's configured provider, ready to call; undefined when it has no credentials for it. */
export async function loadPaymentProvider(
  services: Services,
  tenant: string,
  options: { provider: ProviderName; endpoint?: string },
): Promise<PaymentProvider | undefined> {
  const row = (await selectPaymentSettings(services.sql, tenant)).find(
    (candidate) => candidate.provider === options.provider,
  );
  if (row === undefined) return undefined;
  const fields = openAll(ringOf(services), tenant, row);
  const text = (name: string) => fields[name] ?? "";
  if (row.provider === "wechat") {
    return new WechatPayProvider({
      baseUrl: options.endpoint ?? PRODUCTION_ENDPOINTS.wechat,
      mchid: text("mchid"),
      appid: text("appid"),
      merchantSerial: text("merchantSerial"),
      merchantPrivateKey: text("merchantPrivateKey"),
      apiV3Key: text("apiV3Key"),
      platformKeys: { [text("platformKeyId")]: text("platformPublicKey") },
    });
  }
  return new AlipayProvider({
    gateway: options.endpoint ?? PRODUCTION_ENDPOINTS.alipay,
    appId: text("appId"),
    appPrivateKey: text("appPrivateKey"),
    alipayPublicKey: text("alipayPublicKey"),
    ...(fields["sellerId"] ? { sellerId: text("sellerId") } : {}),
  });
}

/**
 * After a key rotation (a new key first in ZENGZHI_SECRETS_KEY, the old ones after it): re-seals
 * every field of `tenant` under the current key; returns how many fields moved. Safe to repeat.
 */
export async function resealPaymentSettings(sql: Sql, ring: KeyRing, tenant: string): Promise<number> {
  let moved = 0;
  for (const row of await selectPaymentSettings(sql, tenant)) {
    const sealed = { ...row.sealed };
    for (const [name, value] of Object.entries(row.sealed)) {
      const next = resealSecret(ring, value, contextOf(tenant, row.provider, name));
      if (next !== undefined) {
        sealed[name] = next;
        moved += 1;
      }
    }
    await updateSealed(sql, tenant, row.provider, sealed);
  }
  return moved;
}

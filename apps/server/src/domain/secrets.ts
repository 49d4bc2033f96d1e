/**
 * Provider credentials at rest: AES-256-GCM under a key ring read from ZENGZHI_SECRETS_KEY. Each
 * sealed value names the key that sealed it, so keys rotate without downtime: the first key of the
 * ring seals, every key of the ring opens, and `resealSecret` moves a value onto the current key.
 */
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";

/** `v1.<keyId>.<iv>.<ciphertext ‖ tag>`, the last two in base64url. */
const SEALED = /^v1\.([A-Za-z0-9_-]{1,32})\.([A-Za-z0-9_-]{16})\.([A-Za-z0-9_-]{22,})$/;
const KEY_ENTRY = /^([A-Za-z0-9_-]{1,32}):([A-Za-z0-9+/_-]{43}=?)$/;
const TAG_BYTES = 16;

export interface KeyRing {
  /** The id of the key that seals new values. */
  currentKeyId: string;
  keys: ReadonlyMap<string, Buffer>;
}

export type KeyRingProblem = "secrets_key_missing" | "secrets_key_malformed";

/**
 * Parses `id:base64key[,id:base64key…]` (32-byte keys; the first one is current). Generate one
 * with `node -e "console.log('k1:' + crypto.randomBytes(32).toString('base64'))"`.
 */
export function parseKeyRing(value: string | undefined): KeyRing | KeyRingProblem {
  if (value === undefined || value.trim() === "") return "secrets_key_missing";
  const keys = new Map<string, Buffer>();
  let currentKeyId: string | undefined;
  for (const entry of value.split(",").map((part) => part.trim())) {
    const match = KEY_ENTRY.exec(entry);
    const key = match?.[2] === undefined ? undefined : Buffer.from(match[2], "base64");
    if (match?.[1] === undefined || key?.length !== 32 || keys.has(match[1])) return "secrets_key_malformed";
    keys.set(match[1], key);
    currentKeyId ??= match[1];
  }
  return currentKeyId === undefined ? "secrets_key_missing" : { currentKeyId, keys };
}

/**
 * Seals `plaintext` under the current key. `context` (e.g. `tenant/wechat/apiV3Key`) is bound as
 * associated data: a value copied to another tenant's row or field does not open.
 */
export function sealSecret(ring: KeyRing, plaintext: string, context: string): string {
  const key = ring.keys.get(ring.currentKeyId);
  if (key === undefined) throw new Error("the key ring has no current key");
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  cipher.setAAD(Buffer.from(`${ring.currentKeyId}\n${context}`, "utf8"));
  const data = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final(), cipher.getAuthTag()]);
  return `v1.${ring.currentKeyId}.${iv.toString("base64url")}.${data.toString("base64url")}`;
}

export type OpenedSecret =
  { ok: true; plaintext: string } | { ok: false; problem: "secret_key_unknown" | "secret_corrupt" };

export function openSecret(ring: KeyRing, sealed: string, context: string): OpenedSecret {
  const match = SEALED.exec(sealed);
  if (match?.[1] === undefined || match[2] === undefined || match[3] === undefined) {
    return { ok: false, problem: "secret_corrupt" };
  }
  const key = ring.keys.get(match[1]);
  if (key === undefined) return { ok: false, problem: "secret_key_unknown" };
  const data = Buffer.from(match[3], "base64url");
  try {
    const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(match[2], "base64url"));
    decipher.setAAD(Buffer.from(`${match[1]}\n${context}`, "utf8"));
    decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
    const plain = Buffer.concat([
      decipher.update(data.subarray(0, data.length - TAG_BYTES)),
      decipher.final(),
    ]);
    return { ok: true, plaintext: plain.toString("utf8") };
  } catch {
    return { ok: false, problem: "secret_corrupt" };
  }
}

/** The key id a sealed value names, or undefined when it is not a sealed value. */
export function sealedKeyId(sealed: string): string | undefined {
  return SEALED.exec(sealed)?.[1];
}

/** The value re-sealed under the current key, or undefined when it already is (or cannot open). */
export function resealSecret(ring: KeyRing, sealed: string, context: string): string | undefined {
  if (sealedKeyId(sealed) === ring.currentKeyId) return undefined;
  const opened = openSecret(ring, sealed, context);
  return opened.ok ? sealSecret(ring, opened.plaintext, context) : undefined;
}

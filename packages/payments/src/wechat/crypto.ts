// The WeChat Pay API v3 cryptography, from the published specification (docs/PAYMENTS.md lists
// what was checked): the request signature and its Authorization header, the answer/notification
// signature check, the AEAD_AES_256_GCM resource encryption, and the JSAPI paySign.
import {
  createCipheriv,
  createDecipheriv,
  createPrivateKey,
  createPublicKey,
  createSign,
  createVerify,
  randomBytes,
  type KeyObject,
} from "node:crypto";

export const AUTHORIZATION_SCHEME = "WECHATPAY2-SHA256-RSA2048";
/** The clock skew the SDKs allow between a signed timestamp and now, in seconds. */
export const CLOCK_SKEW_SECONDS_MAX = 300;
const TAG_BYTES = 16;
const NONCE_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/** A private key from PEM (PKCS#1 or PKCS#8); WeChat's sample files sometimes carry other labels. */
export function privateKeyOf(pem: string | KeyObject): KeyObject {
  return typeof pem === "string" ? createPrivateKey(pem) : pem;
}

/** A public key from a PEM public key or certificate. */
export function publicKeyOf(pem: string | KeyObject): KeyObject {
  return typeof pem === "string" ? createPublicKey(pem) : pem;
}

/** 32 random base62 characters, as the SDKs send. */
export function nonceOf(length = 32): string {
  const bytes = randomBytes(length);
  let text = "";
  for (const byte of bytes) text += NONCE_ALPHABET[byte % NONCE_ALPHABET.length];
  return text;
}

/** Every line ends in LF, the last one too (even when a value itself ends in LF). */
export function messageOf(lines: readonly string[]): string {
  return lines.map((line) => `${line}\n`).join("");
}

export function signSha256Rsa(message: string, key: string | KeyObject): string {
  return createSign("sha256WithRSAEncryption").update(message, "utf8").sign(privateKeyOf(key), "base64");
}

export function verifySha256Rsa(message: string, signatureBase64: string, key: string | KeyObject): boolean {
  try {
    return createVerify("sha256WithRSAEncryption")
      .update(message, "utf8")
      .verify(publicKeyOf(key), signatureBase64, "base64");
  } catch {
    return false;
  }
}

export interface RequestSignature {
  mchid: string;
  serialNo: string;
  privateKey: string | KeyObject;
  method: string;
  /** Path and query of the final URL, e.g. `/v3/pay/transactions/out-trade-no/X?mchid=Y`. */
  canonicalUrl: string;
  body: string;
  timestamp: number;
  nonce: string;
}

/** The value of the `Authorization` header for one request. */
export function authorizationOf(request: RequestSignature): string {
  const message = messageOf([
    request.method.toUpperCase(),
    request.canonicalUrl,
    String(request.timestamp),
    request.nonce,
    request.body,
  ]);
  const signature = signSha256Rsa(message, request.privateKey);
  const pairs = [
    ["mchid", request.mchid],
    ["nonce_str", request.nonce],
    ["timestamp", String(request.timestamp)],
    ["serial_no", request.serialNo],
    ["signature", signature],
  ];
  return `${AUTHORIZATION_SCHEME} ${pairs.map(([key, value]) => `${key}="${value}"`).join(",")}`;
}

/** The pairs of an `Authorization` header, or undefined when it is not WeChat Pay's scheme. */
export function parseAuthorization(header: string): Record<string, string> | undefined {
  const prefix = `${AUTHORIZATION_SCHEME} `;
  if (!header.startsWith(prefix)) return undefined;
  const pairs: Record<string, string> = {};
  for (const part of header.slice(prefix.length).split(",")) {
    const match = /^([a-z_]+)="([^"]*)"$/.exec(part);
    if (match === null || match[1] === undefined || match[2] === undefined) return undefined;
    pairs[match[1]] = match[2];
  }
  return pairs;
}

export interface SignedMessageHeaders {
  timestamp: string;
  nonce: string;
  signature: string;
  serial: string;
}

export type SignatureCheck = "ok" | "unknown_serial" | "invalid" | "stale";

/**
 * Checks an answer or a notification from WeChat Pay: the signature over `ts\nnonce\nbody\n` with
 * the platform key named by the serial, then the timestamp within the allowed skew. Probe traffic
 * (`WECHATPAY/SIGNTEST/…`) is simply an invalid signature.
 */
export function checkSignedMessage(
  headers: SignedMessageHeaders,
  body: string,
  options: { platformKeys: ReadonlyMap<string, KeyObject>; nowSeconds: number },
): SignatureCheck {
  const key = options.platformKeys.get(headers.serial);
  if (key === undefined) return "unknown_serial";
  if (!/^[0-9]{1,12}$/.test(headers.timestamp)) return "invalid";
  const message = messageOf([headers.timestamp, headers.nonce, body]);
  if (!verifySha256Rsa(message, headers.signature, key)) return "invalid";
  const skew = Math.abs(options.nowSeconds - Number(headers.timestamp));
  return skew > CLOCK_SKEW_SECONDS_MAX ? "stale" : "ok";
}

export interface EncryptedResource {
  algorithm: string;
  ciphertext: string;
  associated_data?: string;
  nonce: string;
  original_type?: string;
}

/** AEAD_AES_256_GCM: key = the APIv3 key's bytes, IV = the nonce's bytes, tag = last 16 bytes. */
export function decryptResource(resource: EncryptedResource, apiV3Key: string): string {
  const key = Buffer.from(apiV3Key, "utf8");
  const data = Buffer.from(resource.ciphertext, "base64");
  if (data.length < TAG_BYTES) throw new Error("ciphertext shorter than its tag");
  const algorithm = key.length === 16 ? "aes-128-gcm" : "aes-256-gcm";
  const decipher = createDecipheriv(algorithm, key, Buffer.from(resource.nonce, "utf8"));
  decipher.setAAD(Buffer.from(resource.associated_data ?? "", "utf8"));
  decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
  const plain = Buffer.concat([decipher.update(data.subarray(0, data.length - TAG_BYTES)), decipher.final()]);
  return plain.toString("utf8");
}

/** The inverse of decryptResource, used by the fake provider; returns Base64 of data ‖ tag. */
export function encryptResource(
  plaintext: string,
  options: { apiV3Key: string; nonce: string; associatedData: string },
): string {
  const key = Buffer.from(options.apiV3Key, "utf8");
  const algorithm = key.length === 16 ? "aes-128-gcm" : "aes-256-gcm";
  const cipher = createCipheriv(algorithm, key, Buffer.from(options.nonce, "utf8"));
  cipher.setAAD(Buffer.from(options.associatedData, "utf8"));
  const data = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return Buffer.concat([data, cipher.getAuthTag()]).toString("base64");
}

/** paySign for the JSAPI cashier: appId, timeStamp, nonceStr, package, one per line. */
export function paySignOf(
  fields: { appId: string; timeStamp: string; nonceStr: string; package: string },
  privateKey: string | KeyObject,
): string {
  return signSha256Rsa(
    messageOf([fields.appId, fields.timeStamp, fields.nonceStr, fields.package]),
    privateKey,
  );
}

// A signed HTTP client for WeChat Pay API v3: every request carries the SHA256-RSA2048
// Authorization header; every answer but the bill file must carry a valid platform signature.
import { type KeyObject } from "node:crypto";
import { ProviderError } from "../provider.js";
import { authorizationOf, checkSignedMessage, nonceOf, privateKeyOf, publicKeyOf } from "./crypto.js";

export interface WechatPayCredentials {
  /** The API host; https://api.mch.weixin.qq.com in production, the fake's address in tests. */
  baseUrl: string;
  mchid: string;
  appid: string;
  /** Serial number of the merchant API certificate (apiclient_cert.pem). */
  merchantSerial: string;
  /** The merchant API private key (apiclient_key.pem). */
  merchantPrivateKey: string;
  /** The APIv3 key: 32 ASCII characters set in the merchant platform. */
  apiV3Key: string;
  /** WeChat Pay's verification keys by serial: a `PUB_KEY_ID_…` public key and/or platform certificates. */
  platformKeys: Readonly<Record<string, string>>;
}

export interface WechatAnswer {
  status: number;
  body: string;
  /** The body's exact bytes (a bill's hash covers them, its BOM included). */
  bytes: Buffer;
}

export class WechatPayClient {
  readonly privateKey: KeyObject;
  readonly platformKeys: ReadonlyMap<string, KeyObject>;

  constructor(
    readonly credentials: WechatPayCredentials,
    private readonly clock: () => Date = () => new Date(),
  ) {
    this.privateKey = privateKeyOf(credentials.merchantPrivateKey);
    this.platformKeys = new Map(
      Object.entries(credentials.platformKeys).map(([serial, pem]) => [serial, publicKeyOf(pem)]),
    );
  }

  /** Sends a signed request; `signed: false` only for the bill file, which WeChat does not sign. */
  async request(
    method: "GET" | "POST",
    pathAndQuery: string,
    options: { body?: unknown; signed?: boolean } = {},
  ): Promise<WechatAnswer> {
    const url = new URL(pathAndQuery, this.credentials.baseUrl);
    const body = options.body === undefined ? "" : JSON.stringify(options.body);
    const authorization = authorizationOf({
      mchid: this.credentials.mchid,
      serialNo: this.credentials.merchantSerial,
      privateKey: this.privateKey,
      method,
      canonicalUrl: url.pathname + url.search,
      body,
      timestamp: Math.floor(this.clock().getTime() / 1000),
      nonce: nonceOf(),
    });
    const headers: Record<string, string> = { Accept: "application/json", Authorization: authorization };
    if (body !== "") headers["Content-Type"] = "application/json";
    const response = await fetch(url, { method, headers, ...(body === "" ? {} : { body }) });
    const bytes = Buffer.from(await response.arrayBuffer());
    const text = bytes.toString("utf8");
    if (options.signed !== false) this.checkAnswer(response, text);
    return { status: response.status, body: text, bytes };
  }

  /** A 2xx answer without a valid signature is treated as forged. */
  private checkAnswer(response: Response, text: string): void {
    if (response.status >= 300) return;
    const header = (name: string) => response.headers.get(name) ?? "";
    const check = checkSignedMessage(
      {
        timestamp: header("Wechatpay-Timestamp"),
        nonce: header("Wechatpay-Nonce"),
        signature: header("Wechatpay-Signature"),
        serial: header("Wechatpay-Serial"),
      },
      text,
      { platformKeys: this.platformKeys, nowSeconds: Math.floor(this.clock().getTime() / 1000) },
    );
    if (check !== "ok") throw new ProviderError("wechat", "answer_signature_" + check, "refused an answer");
  }

  /** Parses a JSON answer of the expected status, or throws the provider's error code. */
  async json(method: "GET" | "POST", pathAndQuery: string, body?: unknown): Promise<Record<string, unknown>> {
    const answer = await this.request(method, pathAndQuery, body === undefined ? {} : { body });
    const parsed = answer.body === "" ? {} : (JSON.parse(answer.body) as Record<string, unknown>);
    if (answer.status >= 300) {
      const code = typeof parsed["code"] === "string" ? parsed["code"] : `http_${answer.status}`;
      const message = typeof parsed["message"] === "string" ? parsed["message"] : "";
      throw new ProviderError("wechat", code, message);
    }
    return parsed;
  }
}

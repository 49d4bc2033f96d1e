// A local fake of WeChat Pay API v3 for tests: checks the merchant's Authorization signature,
// signs every answer and notification with its own platform key, encrypts notification resources
// with the APIv3 key (AES-256-GCM), and can "pay" an order, finish a refund or a transfer.
import { createHash, generateKeyPairSync, randomBytes, type KeyObject } from "node:crypto";
import {
  CLOCK_SKEW_SECONDS_MAX,
  encryptResource,
  nonceOf,
  parseAuthorization,
  messageOf,
  signSha256Rsa,
  verifySha256Rsa,
} from "../wechat/crypto.js";
import { TRADE_BILL_HEADER } from "../wechat/bill.js";
import type { WechatPayCredentials } from "../wechat/client.js";
import { deliver, serve, type FakeAnswer, type FakeRequest, type RunningServer } from "./http.js";

const pem = (key: KeyObject, type: "pkcs8" | "spki") => key.export({ format: "pem", type }).toString();

export interface FakeOrder {
  out_trade_no: string;
  transaction_id?: string;
  trade_type: "JSAPI" | "NATIVE" | "MWEB";
  trade_state: "NOTPAY" | "SUCCESS" | "CLOSED" | "REFUND";
  total: number;
  notify_url: string;
  description: string;
  openid?: string;
  success_time?: string;
}

export interface FakeRefund {
  out_refund_no: string;
  refund_id: string;
  out_trade_no: string;
  transaction_id: string;
  status: "PROCESSING" | "SUCCESS" | "CLOSED";
  refund: number;
  total: number;
  notify_url?: string;
}

export interface FakeTransfer {
  out_bill_no: string;
  transfer_bill_no: string;
  state: "WAIT_USER_CONFIRM" | "SUCCESS" | "FAIL";
  transfer_amount: number;
  openid: string;
  notify_url?: string;
}

export interface WechatFakeOptions {
  mchid?: string;
  appid?: string;
  port?: number;
  clock?: () => Date;
}

export class WechatPayFake {
  readonly mchid: string;
  readonly appid: string;
  readonly apiV3Key = randomBytes(16).toString("hex");
  readonly platformSerial =
    "PUB_KEY_ID_0116" + randomBytes(14).toString("hex").slice(0, 28).replace(/[a-f]/g, "7");
  readonly merchantSerial = randomBytes(20).toString("hex").toUpperCase();
  private readonly platform = generateKeyPairSync("rsa", { modulusLength: 2048 });
  private readonly merchant = generateKeyPairSync("rsa", { modulusLength: 2048 });
  readonly orders = new Map<string, FakeOrder>();
  readonly refunds = new Map<string, FakeRefund>();
  readonly transfers = new Map<string, FakeTransfer>();
  /** Every request the fake refused, with its reason (tests assert on it). */
  readonly refused: string[] = [];
  private server: RunningServer | undefined;
  private sequence = 0;
  private readonly clock: () => Date;

  constructor(private readonly options: WechatFakeOptions = {}) {
    this.mchid = options.mchid ?? "1900000109";
    this.appid = options.appid ?? "wxd678efh567hg6787";
    this.clock = options.clock ?? (() => new Date());
  }

  async start(): Promise<this> {
    this.server = await serve((request) => this.handle(request), this.options.port ?? 0);
    return this;
  }

  async stop(): Promise<void> {
    await this.server?.close();
  }

  get baseUrl(): string {
    if (this.server === undefined) throw new Error("the fake is not started");
    return this.server.baseUrl;
  }

  /** What the merchant configures to talk to this fake. */
  credentials(): WechatPayCredentials {
    return {
      baseUrl: this.baseUrl,
      mchid: this.mchid,
      appid: this.appid,
      merchantSerial: this.merchantSerial,
      merchantPrivateKey: pem(this.merchant.privateKey, "pkcs8"),
      apiV3Key: this.apiV3Key,
      platformKeys: { [this.platformSerial]: pem(this.platform.publicKey, "spki") },
    };
  }

  /** The platform's private key, for tests that sign like WeChat Pay would. */
  get platformPrivateKey(): KeyObject {
    return this.platform.privateKey;
  }

  private nextId(prefix: string): string {
    this.sequence += 1;
    return `${prefix}${Date.now()}${String(this.sequence).padStart(6, "0")}`;
  }

  private nowSeconds(): number {
    return Math.floor(this.clock().getTime() / 1000);
  }

  /** Signature headers over `ts\nnonce\nbody\n`, as WeChat Pay sends them. */
  signedHeaders(body: string, options: { timestamp?: number; nonce?: string } = {}): Record<string, string> {
    const timestamp = String(options.timestamp ?? this.nowSeconds());
    const nonce = options.nonce ?? nonceOf();
    return {
      "Wechatpay-Timestamp": timestamp,
      "Wechatpay-Nonce": nonce,
      "Wechatpay-Signature": signSha256Rsa(messageOf([timestamp, nonce, body]), this.platform.privateKey),
      "Wechatpay-Serial": this.platformSerial,
      "Wechatpay-Signature-Type": "WECHATPAY2-SHA256-RSA2048",
      "Request-ID": randomBytes(16).toString("hex"),
    };
  }

  private answer(status: number, value?: unknown): FakeAnswer {
    const body = value === undefined ? "" : JSON.stringify(value);
    const headers = { ...this.signedHeaders(body), ...(body ? { "Content-Type": "application/json" } : {}) };
    return { status, headers, body };
  }

  private error(status: number, code: string, message: string): FakeAnswer {
    return this.answer(status, { code, message });
  }

  /** The Authorization check of every request: scheme, mchid, serial, timestamp window, signature. */
  private authorizationError(request: FakeRequest): string | undefined {
    const pairs = parseAuthorization(String(request.headers["authorization"] ?? ""));
    if (pairs === undefined) return "no WECHATPAY2-SHA256-RSA2048 Authorization";
    if (pairs["mchid"] !== this.mchid || pairs["serial_no"] !== this.merchantSerial)
      return "wrong mchid or serial_no";
    const timestamp = Number(pairs["timestamp"]);
    if (
      !/^\d{10}$/.test(pairs["timestamp"] ?? "") ||
      Math.abs(this.nowSeconds() - timestamp) > CLOCK_SKEW_SECONDS_MAX
    ) {
      return "Http头Authorization中的timestamp与发起请求的时间不得超过5分钟";
    }
    const message = messageOf([
      request.method,
      request.url,
      pairs["timestamp"] ?? "",
      pairs["nonce_str"] ?? "",
      request.body,
    ]);
    return verifySha256Rsa(message, pairs["signature"] ?? "", this.merchant.publicKey)
      ? undefined
      : "signature does not verify";
  }

  private handle(request: FakeRequest): FakeAnswer {
    const refusal = this.authorizationError(request);
    if (refusal !== undefined) {
      this.refused.push(refusal);
      return this.error(401, "SIGN_ERROR", refusal);
    }
    const url = new URL(request.url, "http://fake");
    const body = request.body === "" ? {} : (JSON.parse(request.body) as Record<string, unknown>);
    const route = `${request.method} ${url.pathname}`;
    const prepay = /^POST \/v3\/pay\/transactions\/(jsapi|h5|native)$/.exec(route);
    if (prepay) return this.prepay(prepay[1] as "jsapi" | "h5" | "native", body);
    const query = /^GET \/v3\/pay\/transactions\/out-trade-no\/([^/]+)$/.exec(route);
    if (query) return this.queryOrder(decodeURIComponent(query[1] ?? ""));
    const close = /^POST \/v3\/pay\/transactions\/out-trade-no\/([^/]+)\/close$/.exec(route);
    if (close) return this.closeOrder(decodeURIComponent(close[1] ?? ""));
    if (route === "POST /v3/refund/domestic/refunds") return this.createRefund(body);
    const refund = /^GET \/v3\/refund\/domestic\/refunds\/([^/]+)$/.exec(route);
    if (refund) return this.queryRefund(decodeURIComponent(refund[1] ?? ""));
    if (route === "POST /v3/fund-app/mch-transfer/transfer-bills") return this.createTransfer(request, body);
    const bill = /^GET \/v3\/fund-app\/mch-transfer\/transfer-bills\/out-bill-no\/([^/]+)$/.exec(route);
    if (bill) return this.queryTransfer(decodeURIComponent(bill[1] ?? ""));
    if (route === "GET /v3/bill/tradebill") return this.tradeBill(url.searchParams.get("bill_date") ?? "");
    if (route === "GET /v3/billdownload/file") return this.billFile(url.searchParams.get("token") ?? "");
    return this.error(404, "NOT_FOUND", "no such endpoint");
  }

  private prepay(kind: "jsapi" | "h5" | "native", body: Record<string, unknown>): FakeAnswer {
    const amount = body["amount"] as { total?: unknown } | undefined;
    const reference = body["out_trade_no"];
    if (body["mchid"] !== this.mchid || body["appid"] !== this.appid)
      return this.error(400, "PARAM_ERROR", "mchid/appid");
    if (
      typeof reference !== "string" ||
      typeof amount?.total !== "number" ||
      typeof body["notify_url"] !== "string"
    ) {
      return this.error(400, "PARAM_ERROR", "out_trade_no, amount.total and notify_url are required");
    }
    if (this.orders.has(reference)) return this.error(400, "OUT_TRADE_NO_USED", "商户订单号重复");
    const openid = (body["payer"] as { openid?: string } | undefined)?.openid;
    if (kind === "jsapi" && !openid) return this.error(400, "PARAM_ERROR", "payer.openid is required");
    const tradeType = kind === "jsapi" ? "JSAPI" : kind === "h5" ? "MWEB" : "NATIVE";
    this.orders.set(reference, {
      out_trade_no: reference,
      trade_type: tradeType,
      trade_state: "NOTPAY",
      total: amount.total,
      notify_url: body["notify_url"],
      description: String(body["description"] ?? ""),
      ...(openid ? { openid } : {}),
    });
    const token = Buffer.from(reference).toString("base64url");
    if (kind === "jsapi") return this.answer(200, { prepay_id: `wx${token}` });
    if (kind === "h5") return this.answer(200, { h5_url: `${this.baseUrl}/h5pay?prepay_id=wx${token}` });
    return this.answer(200, { code_url: `weixin://wxpay/bizpayurl?pr=${token}` });
  }

  private transactionOf(order: FakeOrder): Record<string, unknown> {
    return {
      appid: this.appid,
      mchid: this.mchid,
      out_trade_no: order.out_trade_no,
      ...(order.transaction_id ? { transaction_id: order.transaction_id } : {}),
      trade_type: order.trade_type,
      trade_state: order.trade_state,
      trade_state_desc: order.trade_state === "SUCCESS" ? "支付成功" : "",
      bank_type: "OTHERS",
      attach: "",
      ...(order.success_time ? { success_time: order.success_time } : {}),
      payer: { openid: order.openid ?? "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o" },
      amount: { total: order.total, payer_total: order.total, currency: "CNY", payer_currency: "CNY" },
    };
  }

  private queryOrder(reference: string): FakeAnswer {
    const order = this.orders.get(reference);
    return order
      ? this.answer(200, this.transactionOf(order))
      : this.error(404, "ORDER_NOT_EXIST", "订单不存在");
  }

  private closeOrder(reference: string): FakeAnswer {
    const order = this.orders.get(reference);
    if (!order) return this.error(404, "ORDER_NOT_EXIST", "订单不存在");
    if (order.trade_state === "SUCCESS") return this.error(400, "ORDERPAID", "订单已支付");
    order.trade_state = "CLOSED";
    return this.answer(204);
  }

  private createRefund(body: Record<string, unknown>): FakeAnswer {
    const order = this.orders.get(String(body["out_trade_no"] ?? ""));
    const amount = body["amount"] as { refund?: unknown; total?: unknown } | undefined;
    const reference = String(body["out_refund_no"] ?? "");
    if (!order || !order.transaction_id) return this.error(404, "RESOURCE_NOT_EXISTS", "订单不存在");
    const existing = this.refunds.get(reference);
    if (existing) return this.answer(200, this.refundOf(existing));
    if (typeof amount?.refund !== "number" || amount.total !== order.total || amount.refund > order.total) {
      return this.error(400, "PARAM_ERROR", "amount");
    }
    const refund: FakeRefund = {
      out_refund_no: reference,
      refund_id: this.nextId("50300"),
      out_trade_no: order.out_trade_no,
      transaction_id: order.transaction_id,
      status: "PROCESSING",
      refund: amount.refund,
      total: order.total,
      ...(typeof body["notify_url"] === "string" ? { notify_url: body["notify_url"] } : {}),
    };
    this.refunds.set(reference, refund);
    return this.answer(200, this.refundOf(refund));
  }

  private refundOf(refund: FakeRefund): Record<string, unknown> {
    return {
      refund_id: refund.refund_id,
      out_refund_no: refund.out_refund_no,
      transaction_id: refund.transaction_id,
      out_trade_no: refund.out_trade_no,
      channel: "ORIGINAL",
      user_received_account: "支付用户零钱",
      create_time: this.clock().toISOString(),
      status: refund.status,
      amount: {
        total: refund.total,
        refund: refund.refund,
        payer_total: refund.total,
        payer_refund: refund.refund,
        currency: "CNY",
      },
    };
  }

  private queryRefund(reference: string): FakeAnswer {
    const refund = this.refunds.get(reference);
    return refund
      ? this.answer(200, this.refundOf(refund))
      : this.error(404, "RESOURCE_NOT_EXISTS", "退款单不存在");
  }

  private createTransfer(request: FakeRequest, body: Record<string, unknown>): FakeAnswer {
    const reference = String(body["out_bill_no"] ?? "");
    if (
      body["appid"] !== this.appid ||
      typeof body["transfer_amount"] !== "number" ||
      typeof body["openid"] !== "string"
    ) {
      return this.error(400, "PARAM_ERROR", "appid, openid and transfer_amount are required");
    }
    const existing = this.transfers.get(reference);
    if (existing) return this.answer(200, this.transferOf(existing));
    void request;
    const transfer: FakeTransfer = {
      out_bill_no: reference,
      transfer_bill_no: this.nextId("1330000"),
      state: "WAIT_USER_CONFIRM",
      transfer_amount: body["transfer_amount"],
      openid: body["openid"],
      ...(typeof body["notify_url"] === "string" ? { notify_url: body["notify_url"] } : {}),
    };
    this.transfers.set(reference, transfer);
    return this.answer(200, this.transferOf(transfer));
  }

  private transferOf(transfer: FakeTransfer): Record<string, unknown> {
    return {
      mchid: this.mchid,
      out_bill_no: transfer.out_bill_no,
      transfer_bill_no: transfer.transfer_bill_no,
      appid: this.appid,
      state: transfer.state,
      transfer_amount: transfer.transfer_amount,
      openid: transfer.openid,
      create_time: this.clock().toISOString(),
      ...(transfer.state === "WAIT_USER_CONFIRM"
        ? { package_info: `affffddafdfafddffda==${transfer.transfer_bill_no}` }
        : {}),
      ...(transfer.state === "FAIL" ? { fail_reason: "PAYEE_ACCOUNT_ABNORMAL" } : {}),
    };
  }

  private queryTransfer(reference: string): FakeAnswer {
    const transfer = this.transfers.get(reference);
    return transfer
      ? this.answer(200, this.transferOf(transfer))
      : this.error(404, "NOT_FOUND", "记录不存在");
  }

  /** The ALL trade bill of the fake's history (every day: the fake keeps one). */
  billText(): string {
    const cell = (value: string | number) => `\`${value}`;
    const yuan = (fen: number) => (fen / 100).toFixed(2);
    const rows: string[] = [];
    for (const order of this.orders.values()) {
      if (!order.transaction_id) continue;
      rows.push(
        [
          order.success_time ?? "",
          this.appid,
          this.mchid,
          "",
          "",
          order.transaction_id,
          order.out_trade_no,
          order.openid ?? "",
          order.trade_type,
          "SUCCESS",
          "OTHERS",
          "CNY",
          yuan(order.total),
          "0.00",
          "0",
          "0",
          "0.00",
          "0.00",
          "",
          "",
          order.description,
          "",
          "0.00",
          "0.60%",
          yuan(order.total),
          "0.00",
          "",
        ]
          .map(cell)
          .join(","),
      );
    }
    for (const refund of this.refunds.values()) {
      if (refund.status !== "SUCCESS") continue;
      rows.push(
        [
          "",
          this.appid,
          this.mchid,
          "",
          "",
          refund.transaction_id,
          refund.out_trade_no,
          "",
          "",
          "REFUND",
          "OTHERS",
          "CNY",
          "0.00",
          "0.00",
          refund.refund_id,
          refund.out_refund_no,
          yuan(refund.refund),
          "0.00",
          "ORIGINAL",
          "SUCCESS",
          "",
          "",
          "0.00",
          "0.60%",
          "0.00",
          yuan(refund.refund),
          "",
        ]
          .map(cell)
          .join(","),
      );
    }
    const summary =
      "总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额";
    return `\uFEFF${[TRADE_BILL_HEADER.join(","), ...rows, summary, [rows.length, "0.00", "0.00", "0.00", "0.00", "0.00", "0.00"].map(cell).join(",")].join("\r\n")}\r\n`;
  }

  private tradeBill(date: string): FakeAnswer {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) return this.error(400, "PARAM_ERROR", "bill_date");
    const token = Buffer.from(date).toString("base64url");
    const hash = createHash("sha1").update(this.billText(), "utf8").digest("hex");
    return this.answer(200, {
      hash_type: "SHA1",
      hash_value: hash,
      download_url: `${this.baseUrl}/v3/billdownload/file?token=${token}`,
    });
  }

  /** The bill file: not signed, as WeChat Pay serves it. */
  private billFile(token: string): FakeAnswer {
    void token;
    return { status: 200, headers: { "Content-Type": "text/plain; charset=utf-8" }, body: this.billText() };
  }

  /** The encrypted notification envelope of one resource; options let tests forge variants. */
  notificationOf(
    eventType: string,
    resource: Record<string, unknown>,
    options: { originalType: string; apiV3Key?: string; id?: string },
  ): string {
    const nonce = nonceOf(12);
    const associatedData = options.originalType;
    const ciphertext = encryptResource(JSON.stringify(resource), {
      apiV3Key: options.apiV3Key ?? this.apiV3Key,
      nonce,
      associatedData,
    });
    return JSON.stringify({
      id: options.id ?? `EV-${this.nextId("")}`,
      create_time: this.clock()
        .toISOString()
        .replace(/\.\d{3}Z$/, "+00:00"),
      resource_type: "encrypt-resource",
      event_type: eventType,
      summary:
        eventType === "TRANSACTION.SUCCESS"
          ? "支付成功"
          : eventType.startsWith("REFUND")
            ? "退款成功"
            : "转账完成",
      resource: {
        original_type: options.originalType,
        algorithm: "AEAD_AES_256_GCM",
        ciphertext,
        associated_data: associatedData,
        nonce,
      },
    });
  }

  /** Posts a signed notification body to a URL; answers the receiver's status. */
  async send(url: string, body: string, headers?: Record<string, string>): Promise<number> {
    const answer = await deliver(url, {
      headers: { "Content-Type": "application/json", ...(headers ?? this.signedHeaders(body)) },
      body,
    });
    return answer.status;
  }

  /** The member pays: the order turns SUCCESS and the TRANSACTION.SUCCESS notification is sent. */
  async pay(reference: string): Promise<{ status: number; body: string }> {
    const order = this.orders.get(reference);
    if (!order || order.trade_state !== "NOTPAY") throw new Error(`order ${reference} cannot be paid`);
    order.trade_state = "SUCCESS";
    order.transaction_id = this.nextId("42000");
    order.success_time = this.clock()
      .toISOString()
      .replace(/\.\d{3}Z$/, "+00:00");
    const body = this.notificationOf("TRANSACTION.SUCCESS", this.transactionOf(order), {
      originalType: "transaction",
    });
    return { status: await this.send(order.notify_url, body), body };
  }

  /** Finishes a refund and sends REFUND.SUCCESS (or REFUND.CLOSED). */
  async finishRefund(reference: string, outcome: "SUCCESS" | "CLOSED" = "SUCCESS"): Promise<number> {
    const refund = this.refunds.get(reference);
    if (!refund) throw new Error(`refund ${reference} unknown`);
    refund.status = outcome;
    const order = this.orders.get(refund.out_trade_no);
    if (order && outcome === "SUCCESS" && refund.refund === refund.total) order.trade_state = "REFUND";
    const resource = {
      mchid: this.mchid,
      out_trade_no: refund.out_trade_no,
      transaction_id: refund.transaction_id,
      out_refund_no: refund.out_refund_no,
      refund_id: refund.refund_id,
      refund_status: outcome,
      ...(outcome === "SUCCESS" ? { success_time: this.clock().toISOString() } : {}),
      user_received_account: "支付用户零钱",
      amount: {
        total: refund.total,
        refund: refund.refund,
        payer_total: refund.total,
        payer_refund: refund.refund,
      },
    };
    const body = this.notificationOf(`REFUND.${outcome}`, resource, { originalType: "refund" });
    return refund.notify_url ? this.send(refund.notify_url, body) : 0;
  }

  /** The payee confirms (or the transfer fails): MCHTRANSFER.BILL.FINISHED is sent. */
  async finishTransfer(reference: string, outcome: "SUCCESS" | "FAIL"): Promise<number> {
    const transfer = this.transfers.get(reference);
    if (!transfer) throw new Error(`transfer ${reference} unknown`);
    transfer.state = outcome;
    const resource = { ...this.transferOf(transfer), update_time: this.clock().toISOString() };
    const body = this.notificationOf("MCHTRANSFER.BILL.FINISHED", resource, { originalType: "mch_payment" });
    return transfer.notify_url ? this.send(transfer.notify_url, body) : 0;
  }
}

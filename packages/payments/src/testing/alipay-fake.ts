// A local fake of the Alipay open-platform gateway for tests: checks the RSA2 signature of every
// request (sorted parameters, sign excluded, sign_type included), answers
// `{"<method>_response":{…},"sign":"…"}` signed over the raw inner object, serves a cashier page
// for wap/page pay, and posts form-encoded notifications signed without sign and sign_type.
import { generateKeyPairSync, randomBytes, type KeyObject } from "node:crypto";
import { signSha256Rsa, verifySha256Rsa } from "../wechat/crypto.js";
import type { AlipayCredentials } from "../alipay/provider.js";
import { deliver, serve, type FakeAnswer, type FakeRequest, type RunningServer } from "./http.js";

const pem = (key: KeyObject, type: "pkcs8" | "spki") => key.export({ format: "pem", type }).toString();

/** key=value pairs of the non-empty parameters, sorted by key, joined with & (values raw). */
export function alipaySignContent(
  params: Readonly<Record<string, string>>,
  exclude: readonly string[],
): string {
  return Object.keys(params)
    .filter((key) => !exclude.includes(key) && params[key] !== undefined && params[key] !== "")
    .sort()
    .map((key) => `${key}=${params[key]}`)
    .join("&");
}

/** Beijing time as `yyyy-MM-dd HH:mm:ss`. */
export function beijingTimeOf(date: Date): string {
  return new Date(date.getTime() + 8 * 3600_000).toISOString().slice(0, 19).replace("T", " ");
}

export interface AlipayFakeOrder {
  out_trade_no: string;
  trade_no?: string;
  total_amount: string;
  subject: string;
  trade_status: "WAIT_BUYER_PAY" | "TRADE_SUCCESS" | "TRADE_CLOSED";
  notify_url: string;
  return_url?: string;
  refunded: Map<string, string>;
  gmt_payment?: string;
}

export interface AlipayFakeTransfer {
  out_biz_no: string;
  order_id: string;
  trans_amount: string;
  status: "SUCCESS" | "FAIL";
}

export class AlipayFake {
  readonly appId: string;
  readonly sellerId: string;
  private readonly gatewayKeys = generateKeyPairSync("rsa", { modulusLength: 2048 });
  private readonly appKeys = generateKeyPairSync("rsa", { modulusLength: 2048 });
  readonly orders = new Map<string, AlipayFakeOrder>();
  readonly transfers = new Map<string, AlipayFakeTransfer>();
  /** The out_biz_no of every transfer request received, re-sends included. */
  readonly transferRequests: string[] = [];
  readonly refused: string[] = [];
  /** Transfers to this identity fail (to test the failure path). */
  failingPayee = "fail@example.com";
  /**
   * The next this-many transfers are made, but their answer is lost (a 504 from the gateway, as when
   * the connection times out): the caller cannot know the outcome and must query.
   */
  loseTransferAnswers = 0;
  private server: RunningServer | undefined;
  private sequence = 0;

  constructor(
    private readonly options: { appId?: string; sellerId?: string; port?: number; clock?: () => Date } = {},
  ) {
    this.appId = options.appId ?? "2021000000000001";
    this.sellerId = options.sellerId ?? "2088000000000001";
  }

  private now(): Date {
    return this.options.clock?.() ?? new Date();
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

  credentials(): AlipayCredentials {
    return {
      gateway: `${this.baseUrl}/gateway.do`,
      appId: this.appId,
      appPrivateKey: pem(this.appKeys.privateKey, "pkcs8"),
      alipayPublicKey: pem(this.gatewayKeys.publicKey, "spki"),
      sellerId: this.sellerId,
    };
  }

  get gatewayPrivateKey(): KeyObject {
    return this.gatewayKeys.privateKey;
  }

  private nextId(prefix: string): string {
    this.sequence += 1;
    return `${prefix}${Date.now()}${String(this.sequence).padStart(6, "0")}`;
  }

  /** The request's parameters: URL query and form body together, as the gateway reads them. */
  private paramsOf(request: FakeRequest): Record<string, string> {
    const url = new URL(request.url, "http://fake");
    return {
      ...Object.fromEntries(url.searchParams),
      ...Object.fromEntries(new URLSearchParams(request.body)),
    };
  }

  private signatureError(params: Record<string, string>): string | undefined {
    if (params["app_id"] !== this.appId) return "app_id";
    if (params["sign_type"] !== "RSA2" || !params["sign"]) return "sign_type";
    const content = alipaySignContent(params, ["sign"]);
    return verifySha256Rsa(content, params["sign"], this.appKeys.publicKey)
      ? undefined
      : "isv.invalid-signature";
  }

  /** `{"<method>_response":{…},"sign":"…"}`, the signature over the inner object's exact text. */
  private answer(method: string, response: Record<string, unknown>): FakeAnswer {
    const inner = JSON.stringify(response);
    const key = `${method.replaceAll(".", "_")}_response`;
    const sign = signSha256Rsa(inner, this.gatewayKeys.privateKey);
    return {
      status: 200,
      headers: { "Content-Type": "application/json;charset=utf-8" },
      body: `{"${key}":${inner},"sign":"${sign}"}`,
    };
  }

  private failure(method: string, subCode: string, subMsg: string): FakeAnswer {
    return this.answer(method, { code: "40004", msg: "Business Failed", sub_code: subCode, sub_msg: subMsg });
  }

  private handle(request: FakeRequest): FakeAnswer | Promise<FakeAnswer> {
    const url = new URL(request.url, "http://fake");
    if (request.method === "POST" && url.pathname === "/cashier/pay") {
      return this.cashierPay(new URLSearchParams(request.body).get("out_trade_no") ?? "");
    }
    if (url.pathname !== "/gateway.do") return { status: 404, body: "not found" };
    const params = this.paramsOf(request);
    const method = params["method"] ?? "";
    const refusal = this.signatureError(params);
    if (refusal !== undefined) {
      this.refused.push(refusal);
      return this.answer(method, {
        code: "40002",
        msg: "Invalid Arguments",
        sub_code: refusal,
        sub_msg: "验签出错",
      });
    }
    const biz = JSON.parse(params["biz_content"] ?? "{}") as Record<string, unknown>;
    if (request.method === "GET") return this.cashierPage(params, biz);
    return this.dispatch(method, params, biz);
  }

  private dispatch(method: string, params: Record<string, string>, biz: Record<string, unknown>): FakeAnswer {
    const str = (key: string) => String(biz[key] ?? "");
    switch (method) {
      case "alipay.trade.precreate": {
        const created = this.createOrder(params, biz);
        if (typeof created === "string") return this.failure(method, "ACQ.TRADE_HAS_SUCCESS", created);
        return this.answer(method, {
          code: "10000",
          msg: "Success",
          out_trade_no: created.out_trade_no,
          qr_code: `https://qr.alipay.com/${created.out_trade_no}`,
        });
      }
      case "alipay.trade.query": {
        const order = this.orders.get(str("out_trade_no"));
        if (!order) return this.failure(method, "ACQ.TRADE_NOT_EXIST", "交易不存在");
        return this.answer(method, {
          code: "10000",
          msg: "Success",
          trade_no: order.trade_no ?? "",
          out_trade_no: order.out_trade_no,
          trade_status: order.trade_status,
          total_amount: order.total_amount,
        });
      }
      case "alipay.trade.refund":
        return this.refund(method, biz);
      case "alipay.trade.fastpay.refund.query": {
        const amount = this.orders.get(str("out_trade_no"))?.refunded.get(str("out_request_no"));
        if (amount === undefined) return this.answer(method, { code: "10000", msg: "Success" });
        return this.answer(method, {
          code: "10000",
          msg: "Success",
          out_trade_no: str("out_trade_no"),
          out_request_no: str("out_request_no"),
          refund_amount: amount,
          refund_status: "REFUND_SUCCESS",
        });
      }
      case "alipay.fund.trans.uni.transfer": {
        const answer = this.transfer(method, biz);
        if (this.loseTransferAnswers <= 0) return answer;
        this.loseTransferAnswers -= 1;
        return { status: 504, body: "Gateway Timeout" };
      }
      case "alipay.fund.trans.common.query": {
        const transfer = this.transfers.get(str("out_biz_no"));
        if (!transfer) return this.failure(method, "ORDER_NOT_EXIST", "转账订单不存在");
        return this.answer(method, { code: "10000", msg: "Success", ...transfer });
      }
      case "alipay.data.dataservice.bill.downloadurl.query":
        return this.answer(method, {
          code: "10000",
          msg: "Success",
          bill_download_url: `${this.baseUrl}/bill/${str("bill_date")}.csv.zip`,
        });
      default:
        return this.answer(method, {
          code: "40004",
          msg: "Business Failed",
          sub_code: "isv.invalid-method",
          sub_msg: "不存在的方法名",
        });
    }
  }

  private createOrder(
    params: Record<string, string>,
    biz: Record<string, unknown>,
  ): AlipayFakeOrder | string {
    const reference = String(biz["out_trade_no"] ?? "");
    const existing = this.orders.get(reference);
    if (existing) return existing.trade_status === "WAIT_BUYER_PAY" ? existing : "交易已经支付";
    const order: AlipayFakeOrder = {
      out_trade_no: reference,
      total_amount: String(biz["total_amount"] ?? ""),
      subject: String(biz["subject"] ?? ""),
      trade_status: "WAIT_BUYER_PAY",
      notify_url: params["notify_url"] ?? "",
      ...(params["return_url"] ? { return_url: params["return_url"] } : {}),
      refunded: new Map(),
    };
    this.orders.set(reference, order);
    return order;
  }

  private refund(method: string, biz: Record<string, unknown>): FakeAnswer {
    const order = this.orders.get(String(biz["out_trade_no"] ?? ""));
    if (!order || order.trade_status !== "TRADE_SUCCESS")
      return this.failure(method, "ACQ.TRADE_STATUS_ERROR", "交易状态不合法");
    const requestNo = String(biz["out_request_no"] ?? order.out_trade_no);
    const fresh = !order.refunded.has(requestNo);
    if (fresh) order.refunded.set(requestNo, String(biz["refund_amount"] ?? ""));
    const refundFee = [...order.refunded.values()].reduce(
      (sum, value) => sum + Math.round(Number(value) * 100),
      0,
    );
    return this.answer(method, {
      code: "10000",
      msg: "Success",
      trade_no: order.trade_no,
      out_trade_no: order.out_trade_no,
      buyer_logon_id: "159****5620",
      fund_change: fresh ? "Y" : "N",
      refund_fee: (refundFee / 100).toFixed(2),
      gmt_refund_pay: beijingTimeOf(this.now()),
    });
  }

  private transfer(method: string, biz: Record<string, unknown>): FakeAnswer {
    const reference = String(biz["out_biz_no"] ?? "");
    this.transferRequests.push(reference);
    const existing = this.transfers.get(reference);
    if (existing)
      return this.answer(method, {
        code: "10000",
        msg: "Success",
        ...existing,
        trans_date: beijingTimeOf(this.now()),
      });
    const payee = (biz["payee_info"] ?? {}) as Record<string, unknown>;
    const status = payee["identity"] === this.failingPayee ? "FAIL" : "SUCCESS";
    const transfer: AlipayFakeTransfer = {
      out_biz_no: reference,
      order_id: this.nextId("20251203"),
      trans_amount: String(biz["trans_amount"] ?? ""),
      status,
    };
    this.transfers.set(reference, transfer);
    return this.answer(method, {
      code: "10000",
      msg: "Success",
      ...transfer,
      pay_fund_order_id: transfer.order_id,
      trans_date: beijingTimeOf(this.now()),
    });
  }

  /** wap/page pay: the signed GET lands on a cashier page with a pay button. */
  private cashierPage(params: Record<string, string>, biz: Record<string, unknown>): FakeAnswer {
    const created = this.createOrder(params, biz);
    if (typeof created === "string") return { status: 400, body: created };
    const body = `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>支付宝（测试收银台）</title></head><body><h1>支付宝测试收银台</h1><p data-testid="fake-cashier-amount">¥${created.total_amount}</p><form method="post" action="/cashier/pay"><input type="hidden" name="out_trade_no" value="${created.out_trade_no}"><button type="submit" data-testid="fake-cashier-pay">确认付款</button></form></body></html>`;
    return { status: 200, headers: { "Content-Type": "text/html; charset=utf-8" }, body };
  }

  private async cashierPay(reference: string): Promise<FakeAnswer> {
    const order = this.orders.get(reference);
    await this.pay(reference);
    return order?.return_url
      ? { status: 302, headers: { Location: order.return_url }, body: "" }
      : { status: 200, body: "paid" };
  }

  /** The form fields of a trade notification, signed over everything but sign and sign_type. */
  notificationOf(order: AlipayFakeOrder, overrides: Record<string, string> = {}): Record<string, string> {
    const now = beijingTimeOf(this.now());
    const fields: Record<string, string> = {
      gmt_create: now,
      charset: "utf-8",
      seller_email: "merchant@example.com",
      subject: order.subject,
      buyer_id: "2088102534368455",
      invoice_amount: order.total_amount,
      notify_id: randomBytes(17).toString("hex"),
      fund_bill_list: `[{"amount":"${order.total_amount}","fundChannel":"ALIPAYACCOUNT"}]`,
      notify_type: "trade_status_sync",
      trade_status: order.trade_status,
      receipt_amount: order.total_amount,
      buyer_pay_amount: order.total_amount,
      app_id: this.appId,
      seller_id: this.sellerId,
      gmt_payment: order.gmt_payment ?? now,
      notify_time: now,
      version: "1.0",
      out_trade_no: order.out_trade_no,
      total_amount: order.total_amount,
      trade_no: order.trade_no ?? "",
      auth_app_id: this.appId,
      buyer_logon_id: "xud***@126.com",
      point_amount: "0.00",
      ...overrides,
    };
    const sign = signSha256Rsa(alipaySignContent(fields, ["sign", "sign_type"]), this.gatewayKeys.privateKey);
    return { ...fields, sign, sign_type: "RSA2" };
  }

  /** Posts notification fields (form-encoded) to the order's notify_url; answers status and body. */
  async send(url: string, fields: Record<string, string>): Promise<{ status: number; body: string }> {
    return deliver(url, {
      headers: { "Content-Type": "application/x-www-form-urlencoded; charset=utf-8" },
      body: new URLSearchParams(fields).toString(),
    });
  }

  /** The buyer pays: TRADE_SUCCESS and its notification. */
  async pay(reference: string): Promise<{ status: number; body: string; fields: Record<string, string> }> {
    const order = this.orders.get(reference);
    if (!order || order.trade_status !== "WAIT_BUYER_PAY")
      throw new Error(`order ${reference} cannot be paid`);
    order.trade_status = "TRADE_SUCCESS";
    order.trade_no = this.nextId("2025120322001");
    order.gmt_payment = beijingTimeOf(this.now());
    const fields = this.notificationOf(order);
    return { ...(await this.send(order.notify_url, fields)), fields };
  }
}

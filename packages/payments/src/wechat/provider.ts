// WeChat Pay API v3 behind PaymentProvider: JSAPI, H5 and Native orders, query, refund, 商家转账
// (transfer bills) and the trade bill, over the signed client in client.ts.
import { createHash } from "node:crypto";
import { fenOfWire, wireFen } from "../amount.js";
import {
  ProviderError,
  type Acknowledgement,
  type Bill,
  type ClientAction,
  type CreatePaymentInput,
  type IncomingNotification,
  type JsapiParameters,
  type NotificationResult,
  type PaymentMethod,
  type PaymentProvider,
  type PaymentState,
  type PaymentStatus,
  type RefundInput,
  type RefundState,
  type RefundStatus,
  type TransferInput,
  type TransferState,
  type TransferStatus,
} from "../provider.js";
import { parseTradeBill } from "./bill.js";
import { WechatPayClient, type WechatPayCredentials } from "./client.js";
import { nonceOf, paySignOf } from "./crypto.js";
import { verifyWechatNotification } from "./notification.js";

const TRADE_STATES: Record<string, PaymentState> = {
  SUCCESS: "paid",
  REFUND: "refunded",
  NOTPAY: "pending",
  USERPAYING: "pending",
  ACCEPT: "pending",
  CLOSED: "closed",
  REVOKED: "closed",
  PAYERROR: "failed",
};
const REFUND_STATES: Record<string, RefundState> = {
  SUCCESS: "succeeded",
  PROCESSING: "pending",
  ABNORMAL: "pending",
  CLOSED: "failed",
};
const TRANSFER_STATES: Record<string, TransferState> = {
  ACCEPTED: "pending",
  PROCESSING: "pending",
  TRANSFERING: "pending",
  CANCELING: "pending",
  WAIT_USER_CONFIRM: "waiting_for_payee",
  SUCCESS: "succeeded",
  FAIL: "failed",
  CANCELLED: "failed",
};

export interface WechatPayOptions extends WechatPayCredentials {
  /** The 商家转账 scene id granted to the merchant (e.g. `1000` 现金营销). */
  transferSceneId?: string;
  clock?: () => Date;
}

const text = (value: unknown) => (typeof value === "string" ? value : "");

function amountOf(value: unknown, field: string): bigint {
  const record = (value ?? {}) as Record<string, unknown>;
  const amount = fenOfWire(record[field]);
  if (amount === undefined) throw new ProviderError("wechat", "bad_answer", `no amount.${field}`);
  return amount;
}

export class WechatPayProvider implements PaymentProvider {
  readonly name = "wechat" as const;
  readonly methods: readonly PaymentMethod[] = ["wechat_jsapi", "wechat_h5", "wechat_native"];
  readonly client: WechatPayClient;

  constructor(private readonly options: WechatPayOptions) {
    this.client = new WechatPayClient(options, options.clock);
  }

  async createPayment(input: CreatePaymentInput, now: Date): Promise<ClientAction> {
    const { appid, mchid } = this.options;
    const order: Record<string, unknown> = {
      appid,
      mchid,
      description: input.description,
      out_trade_no: input.reference,
      notify_url: input.notifyUrl,
      amount: { total: wireFen(input.amountFen), currency: "CNY" },
      ...(input.expiresAt
        ? { time_expire: input.expiresAt.toISOString().replace(/\.\d{3}Z$/, "+00:00") }
        : {}),
    };
    switch (input.method) {
      case "wechat_jsapi": {
        if (!input.payerOpenid) throw new RangeError("wechat_jsapi needs the payer's openid");
        const answer = await this.client.json("POST", "/v3/pay/transactions/jsapi", {
          ...order,
          payer: { openid: input.payerOpenid },
        });
        return { kind: "jsapi", parameters: this.jsapiParameters(text(answer["prepay_id"]), now) };
      }
      case "wechat_h5": {
        if (!input.payerClientIp) throw new RangeError("wechat_h5 needs the payer's IP address");
        const answer = await this.client.json("POST", "/v3/pay/transactions/h5", {
          ...order,
          scene_info: { payer_client_ip: input.payerClientIp, h5_info: { type: "Wap" } },
        });
        const url = new URL(text(answer["h5_url"]));
        if (input.returnUrl) url.searchParams.set("redirect_url", input.returnUrl);
        return { kind: "redirect", url: url.toString() };
      }
      case "wechat_native": {
        const answer = await this.client.json("POST", "/v3/pay/transactions/native", order);
        return { kind: "qr", codeUrl: text(answer["code_url"]) };
      }
      default:
        throw new RangeError(`WeChat Pay does not take ${input.method}`);
    }
  }

  /** The parameters for getBrandWCPayRequest, signed with the merchant key. */
  jsapiParameters(prepayId: string, now: Date): JsapiParameters {
    const fields = {
      appId: this.options.appid,
      timeStamp: String(Math.floor(now.getTime() / 1000)),
      nonceStr: nonceOf(),
      package: `prepay_id=${prepayId}`,
    };
    return { ...fields, signType: "RSA", paySign: paySignOf(fields, this.client.privateKey) };
  }

  verifyNotification(incoming: IncomingNotification, now: Date): NotificationResult {
    return verifyWechatNotification(this.client, incoming, now);
  }

  /** 204 when received; otherwise 4xx with the FAIL body so that WeChat Pay re-sends. */
  acknowledge(received: boolean): Acknowledgement {
    return received
      ? { status: 204, body: "" }
      : { status: 400, contentType: "application/json", body: '{"code":"FAIL","message":"失败"}' };
  }

  async queryPayment(reference: string): Promise<PaymentStatus> {
    const path = `/v3/pay/transactions/out-trade-no/${encodeURIComponent(reference)}?mchid=${this.options.mchid}`;
    const answer = await this.client.json("GET", path);
    const state = TRADE_STATES[text(answer["trade_state"])];
    if (state === undefined) throw new ProviderError("wechat", "bad_answer", "unknown trade_state");
    return {
      reference,
      state,
      amountFen: amountOf(answer["amount"], "total"),
      ...(answer["transaction_id"] ? { providerReference: text(answer["transaction_id"]) } : {}),
    };
  }

  async refund(input: RefundInput): Promise<RefundStatus> {
    const answer = await this.client.json("POST", "/v3/refund/domestic/refunds", {
      out_trade_no: input.reference,
      out_refund_no: input.refundReference,
      ...(input.reason ? { reason: input.reason } : {}),
      ...(input.notifyUrl ? { notify_url: input.notifyUrl } : {}),
      amount: { refund: wireFen(input.amountFen), total: wireFen(input.totalFen), currency: "CNY" },
    });
    return this.refundStatusOf(answer);
  }

  async queryRefund(refundReference: string): Promise<RefundStatus> {
    const path = `/v3/refund/domestic/refunds/${encodeURIComponent(refundReference)}`;
    return this.refundStatusOf(await this.client.json("GET", path));
  }

  private refundStatusOf(answer: Record<string, unknown>): RefundStatus {
    const state = REFUND_STATES[text(answer["status"])];
    if (state === undefined) throw new ProviderError("wechat", "bad_answer", "unknown refund status");
    return {
      refundReference: text(answer["out_refund_no"]),
      state,
      amountFen: amountOf(answer["amount"], "refund"),
      providerReference: text(answer["refund_id"]),
    };
  }

  async transfer(input: TransferInput): Promise<TransferStatus> {
    if (input.payee.kind !== "wechat_openid") throw new RangeError("WeChat Pay pays an openid only");
    const answer = await this.client.json("POST", "/v3/fund-app/mch-transfer/transfer-bills", {
      appid: this.options.appid,
      out_bill_no: input.transferReference,
      transfer_scene_id: this.options.transferSceneId ?? "1000",
      openid: input.payee.openid,
      transfer_amount: wireFen(input.amountFen),
      transfer_remark: input.remark,
      ...(input.notifyUrl ? { notify_url: input.notifyUrl } : {}),
      transfer_scene_report_infos: [
        { info_type: "活动名称", info_content: "提现" },
        { info_type: "奖励说明", info_content: input.remark },
      ],
    });
    return this.transferStatusOf(answer, input.amountFen);
  }

  async queryTransfer(transferReference: string): Promise<TransferStatus> {
    const path = `/v3/fund-app/mch-transfer/transfer-bills/out-bill-no/${encodeURIComponent(transferReference)}`;
    const answer = await this.client.json("GET", path);
    return this.transferStatusOf(answer, fenOfWire(answer["transfer_amount"]) ?? 0n);
  }

  private transferStatusOf(answer: Record<string, unknown>, amountFen: bigint): TransferStatus {
    const state = TRANSFER_STATES[text(answer["state"])];
    if (state === undefined) throw new ProviderError("wechat", "bad_answer", "unknown transfer state");
    return {
      transferReference: text(answer["out_bill_no"]),
      state,
      amountFen,
      providerReference: text(answer["transfer_bill_no"]),
      ...(answer["package_info"] ? { confirmationPackage: text(answer["package_info"]) } : {}),
      ...(answer["fail_reason"] ? { failureReason: text(answer["fail_reason"]) } : {}),
    };
  }

  /** The ALL trade bill of one day: ask for its URL, fetch the (unsigned) file, check its SHA1. */
  async downloadBill(date: string): Promise<Bill> {
    const answer = await this.client.json("GET", `/v3/bill/tradebill?bill_date=${date}&bill_type=ALL`);
    const url = new URL(text(answer["download_url"]));
    const file = await this.client.request("GET", url.pathname + url.search, { signed: false });
    if (file.status !== 200) throw new ProviderError("wechat", `http_${file.status}`, "bill file");
    const digest = createHash("sha1").update(file.bytes).digest("hex");
    if (text(answer["hash_type"]) !== "SHA1" || digest !== text(answer["hash_value"]).toLowerCase()) {
      throw new ProviderError("wechat", "bill_hash_mismatch", "the bill file does not match its hash");
    }
    return { kind: "lines", date, lines: parseTradeBill(file.body) };
  }
}

// Alipay (open platform gateway, RSA2) behind PaymentProvider through the official alipay-sdk:
// wap/page pay and precreate (QR), notification verification, query, refund, single transfer
// (alipay.fund.trans.uni.transfer) and the bill download URL.
import { AlipaySdk, type AlipaySdkCommonResult } from "alipay-sdk";
import { fenOfYuan, yuanOf } from "../amount.js";
import {
  ProviderError,
  type Acknowledgement,
  type Bill,
  type ClientAction,
  type CreatePaymentInput,
  type IncomingNotification,
  type PaymentMethod,
  type PaymentProvider,
  type PaymentState,
  type PaymentStatus,
  type RefundInput,
  type RefundStatus,
  type TransferInput,
  type TransferState,
  type TransferStatus,
  type NotificationResult,
} from "../provider.js";
import { verifyAlipayNotification } from "./notification.js";

export interface AlipayCredentials {
  /** https://openapi.alipay.com/gateway.do in production, the fake's address in tests. */
  gateway: string;
  appId: string;
  /** The application private key (RSA2), PKCS#1 or PKCS#8 PEM. */
  appPrivateKey: string;
  /** Alipay's public key (支付宝公钥), PEM or bare Base64 SPKI. */
  alipayPublicKey: string;
  /** The merchant's Alipay user id (2088…): notifications for another seller are refused. */
  sellerId?: string;
}

const TRADE_STATES: Record<string, PaymentState> = {
  WAIT_BUYER_PAY: "pending",
  TRADE_SUCCESS: "paid",
  TRADE_FINISHED: "paid",
  TRADE_CLOSED: "closed",
};
const TRANSFER_STATES: Record<string, TransferState> = {
  SUCCESS: "succeeded",
  DEALING: "pending",
  WAIT_PAY: "pending",
  FAIL: "failed",
  REFUND: "failed",
  CLOSED: "failed",
};

const text = (value: unknown) => (typeof value === "string" ? value : "");

function fenOf(value: unknown): bigint {
  const amount = fenOfYuan(text(value));
  if (amount === undefined) throw new ProviderError("alipay", "bad_answer", "bad amount");
  return amount;
}

function succeeded(result: AlipaySdkCommonResult): AlipaySdkCommonResult {
  if (result.code !== "10000") {
    throw new ProviderError("alipay", result.sub_code ?? result.code, result.sub_msg ?? result.msg);
  }
  return result;
}

export class AlipayProvider implements PaymentProvider {
  readonly name = "alipay" as const;
  readonly methods: readonly PaymentMethod[] = ["alipay_wap", "alipay_page", "alipay_qr"];
  readonly sdk: AlipaySdk;

  constructor(readonly credentials: AlipayCredentials) {
    this.sdk = new AlipaySdk({
      appId: credentials.appId,
      privateKey: credentials.appPrivateKey,
      alipayPublicKey: credentials.alipayPublicKey,
      gateway: credentials.gateway,
      keyType: credentials.appPrivateKey.includes("BEGIN RSA PRIVATE KEY") ? "PKCS1" : "PKCS8",
      signType: "RSA2",
      camelcase: false,
    });
  }

  private async exec(
    method: string,
    bizContent: Record<string, unknown>,
    extra: Record<string, string> = {},
  ) {
    const result = await this.sdk.exec(method, { bizContent, ...extra }, { validateSign: true });
    return succeeded(result);
  }

  async createPayment(input: CreatePaymentInput): Promise<ClientAction> {
    const order = {
      out_trade_no: input.reference,
      total_amount: yuanOf(input.amountFen),
      subject: input.description.replace(/[/=&]/g, " "),
    };
    const urls = { notify_url: input.notifyUrl, ...(input.returnUrl ? { return_url: input.returnUrl } : {}) };
    switch (input.method) {
      case "alipay_wap":
      case "alipay_page": {
        const wap = input.method === "alipay_wap";
        const url = this.sdk.pageExecute(wap ? "alipay.trade.wap.pay" : "alipay.trade.page.pay", "GET", {
          bizContent: { ...order, product_code: wap ? "QUICK_WAP_WAY" : "FAST_INSTANT_TRADE_PAY" },
          ...urls,
        });
        return { kind: "redirect", url };
      }
      case "alipay_qr": {
        const answer = await this.exec("alipay.trade.precreate", order, { notify_url: input.notifyUrl });
        return { kind: "qr", codeUrl: text(answer["qr_code"]) };
      }
      default:
        throw new RangeError(`Alipay does not take ${input.method}`);
    }
  }

  verifyNotification(incoming: IncomingNotification, now: Date): NotificationResult {
    return verifyAlipayNotification(this, incoming, now);
  }

  /** Alipay stops re-sending only on the exact text `success`. */
  acknowledge(received: boolean): Acknowledgement {
    return received
      ? { status: 200, contentType: "text/plain", body: "success" }
      : { status: 400, contentType: "text/plain", body: "fail" };
  }

  async queryPayment(reference: string): Promise<PaymentStatus> {
    const answer = await this.exec("alipay.trade.query", { out_trade_no: reference });
    const state = TRADE_STATES[text(answer["trade_status"])];
    if (state === undefined) throw new ProviderError("alipay", "bad_answer", "unknown trade_status");
    return {
      reference,
      state,
      amountFen: fenOf(answer["total_amount"]),
      providerReference: text(answer["trade_no"]),
    };
  }

  /** Alipay refunds synchronously: fund_change Y means the money moved now. */
  async refund(input: RefundInput): Promise<RefundStatus> {
    const answer = await this.exec("alipay.trade.refund", {
      out_trade_no: input.reference,
      refund_amount: yuanOf(input.amountFen),
      out_request_no: input.refundReference,
      ...(input.reason ? { refund_reason: input.reason } : {}),
    });
    return {
      refundReference: input.refundReference,
      state: answer["fund_change"] === "Y" ? "succeeded" : "pending",
      amountFen: input.amountFen,
      providerReference: text(answer["trade_no"]),
    };
  }

  async queryRefund(refundReference: string, reference: string): Promise<RefundStatus> {
    const answer = await this.exec("alipay.trade.fastpay.refund.query", {
      out_trade_no: reference,
      out_request_no: refundReference,
    });
    return {
      refundReference,
      state: answer["refund_status"] === "REFUND_SUCCESS" ? "succeeded" : "pending",
      amountFen: fenOf(answer["refund_amount"]),
      providerReference: text(answer["trade_no"]),
    };
  }

  async transfer(input: TransferInput): Promise<TransferStatus> {
    const payee =
      input.payee.kind === "alipay_user_id"
        ? { identity: input.payee.userId, identity_type: "ALIPAY_USER_ID" }
        : input.payee.kind === "alipay_logon_id"
          ? { identity: input.payee.logonId, identity_type: "ALIPAY_LOGON_ID", name: input.payee.name }
          : undefined;
    if (payee === undefined) throw new RangeError("Alipay pays an Alipay account only");
    const answer = await this.exec("alipay.fund.trans.uni.transfer", {
      out_biz_no: input.transferReference,
      trans_amount: yuanOf(input.amountFen),
      product_code: "TRANS_ACCOUNT_NO_PWD",
      biz_scene: "DIRECT_TRANSFER",
      order_title: input.remark,
      payee_info: payee,
    });
    return this.transferStatusOf(input.transferReference, answer, input.amountFen);
  }

  async queryTransfer(transferReference: string): Promise<TransferStatus> {
    const answer = await this.exec("alipay.fund.trans.common.query", {
      out_biz_no: transferReference,
      product_code: "TRANS_ACCOUNT_NO_PWD",
      biz_scene: "DIRECT_TRANSFER",
    });
    return this.transferStatusOf(transferReference, answer, fenOf(answer["trans_amount"]));
  }

  private transferStatusOf(
    reference: string,
    answer: AlipaySdkCommonResult,
    amountFen: bigint,
  ): TransferStatus {
    const state = TRANSFER_STATES[text(answer["status"])];
    if (state === undefined) throw new ProviderError("alipay", "bad_answer", "unknown transfer status");
    return {
      transferReference: reference,
      state,
      amountFen,
      providerReference: text(answer["order_id"]),
      ...(answer["fail_reason"] ? { failureReason: text(answer["fail_reason"]) } : {}),
    };
  }

  async downloadBill(date: string): Promise<Bill> {
    const answer = await this.exec("alipay.data.dataservice.bill.downloadurl.query", {
      bill_type: "trade",
      bill_date: date,
    });
    return { kind: "download_url", date, url: text(answer["bill_download_url"]) };
  }
}

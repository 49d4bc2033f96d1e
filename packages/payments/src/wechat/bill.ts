// The WeChat Pay trade bill (交易账单, bill_type=ALL): UTF-8 with BOM, CRLF, 27 columns, every cell
// prefixed by a backtick, amounts in yuan; the last two lines are a summary.
import { fenOfYuan } from "../amount.js";
import type { BillLine } from "../provider.js";

export const TRADE_BILL_HEADER = [
  "交易时间",
  "公众账号ID",
  "商户号",
  "特约商户号",
  "设备号",
  "微信订单号",
  "商户订单号",
  "用户标识",
  "交易类型",
  "交易状态",
  "付款银行",
  "货币种类",
  "应结订单金额",
  "代金券金额",
  "微信退款单号",
  "商户退款单号",
  "退款金额",
  "充值券退款金额",
  "退款类型",
  "退款状态",
  "商品名称",
  "商户数据包",
  "手续费",
  "费率",
  "订单金额",
  "申请退款金额",
  "费率备注",
] as const;

const column = (name: (typeof TRADE_BILL_HEADER)[number]) => TRADE_BILL_HEADER.indexOf(name);

function cellsOf(line: string): string[] {
  return line.split(",").map((cell) => (cell.startsWith("`") ? cell.slice(1) : cell));
}

/** The payment and refund lines of an ALL trade bill; throws on a file of another shape. */
export function parseTradeBill(text: string): BillLine[] {
  const lines = text
    .replace(/^\uFEFF/, "")
    .split(/\r?\n/)
    .filter((line) => line !== "");
  const header = lines[0]?.split(",") ?? [];
  if (header.join(",") !== TRADE_BILL_HEADER.join(",")) throw new Error("not an ALL trade bill");
  const summaryAt = lines.findIndex((line) => line.startsWith("总交易单数"));
  const rows = lines.slice(1, summaryAt === -1 ? lines.length : summaryAt).map(cellsOf);
  return rows.map(lineOf);
}

function lineOf(cells: string[]): BillLine {
  const cell = (name: (typeof TRADE_BILL_HEADER)[number]) => cells[column(name)] ?? "";
  const isRefund = cell("交易状态") === "REFUND";
  const amount = fenOfYuan(isRefund ? cell("退款金额") : cell("应结订单金额"));
  if (amount === undefined) throw new Error("bad amount in the trade bill");
  return {
    kind: isRefund ? "refund" : "payment",
    reference: cell("商户订单号"),
    providerReference: isRefund ? cell("微信退款单号") : cell("微信订单号"),
    ...(isRefund ? { refundReference: cell("商户退款单号") } : {}),
    amountFen: amount,
    occurredAt: cell("交易时间"),
    state: isRefund ? cell("退款状态") : cell("交易状态"),
  };
}

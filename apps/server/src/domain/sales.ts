/**
 * In-store sales: a merchant records a sale paid at the till. The member confirms it with a payment
 * code (or, for older clients, is named by id); the engine's `tillSale` debits what the merchant owes
 * the scheme from its prepaid balance and refuses a sale the balance cannot cover or a split outside
 * the merchant's bounds. A sale of today can be voided exactly.
 */
import { formatMoney } from "@zengzhi/engine";
import type { Session } from "./auth.js";
import { ApiError, forbidden } from "./errors.js";
import type { RequestKey } from "./idempotency.js";
import { withPaymentCode } from "./payment-codes.js";
import { findProduct } from "./products.js";
import type { Services } from "./services.js";
import { noteBy } from "./audit-log.js";
import { selectSales } from "../db/sales.js";
import { decodeCursor, toPage } from "./paging.js";

interface SaleInput {
  member?: string | undefined;
  code?: string | undefined;
  amount: bigint;
  productId?: string | undefined;
}

export async function recordSale(
  services: Services,
  request: { session: Session; key: RequestKey },
  input: SaleInput,
) {
  const { session } = request;
  const tenant = session.tenant;
  await services.refuseWhenPaused(tenant);
  let split: Record<string, string> | null = null;
  if (input.productId !== undefined) {
    const product = await findProduct(services, tenant, input.productId);
    if (product.merchant_id !== session.merchantId)
      throw forbidden("this product belongs to another merchant");
    split = product.split;
  }
  if (input.code !== undefined) {
    const claim = { tenant, code: input.code, key: request.key.ledger };
    return withPaymentCode(services, claim, (member) =>
      submitSale(services, request, { member, split, amount: input.amount, productId: input.productId }),
    );
  }
  if (input.member === undefined)
    throw new ApiError(400, "invalid_field", "give the member's payment code (or member id)", "code");
  if (!(await services.memberExists(tenant, input.member)))
    throw new ApiError(404, "unknown_member", `member ${input.member} does not exist`, "member");
  return submitSale(services, request, {
    member: input.member,
    split,
    amount: input.amount,
    productId: input.productId,
  });
}

async function submitSale(
  services: Services,
  request: { session: Session; key: RequestKey },
  sale: {
    member: string;
    split: Record<string, string> | null;
    amount: bigint;
    productId?: string | undefined;
  },
) {
  const { session } = request;
  const amount = formatMoney(sale.amount);
  const merchant = session.merchantId!;
  const outcome = await services.gateway.submit(
    session.tenant,
    request.key.ledger,
    {
      type: "tillSale",
      member: sale.member,
      amount,
      merchant,
      ...(sale.split === null ? {} : { split: sale.split as never }),
    },
    noteBy(session, {
      action: "sale",
      target: sale.member,
      detail: {
        amount,
        merchant,
        // productId names the product in the merchant's list of till sales (listSales).
        ...(sale.productId === undefined ? {} : { productId: sale.productId }),
      },
    }),
  );
  const position = typeof outcome.position === "number" ? outcome.position : null;
  const debited = await services.gateway.read(session.tenant, (engine) =>
    position === null ? 0n : (engine.tillSale(position)?.owed ?? 0n),
  );
  return {
    ok: true,
    position,
    points: outcome.points ?? null,
    exits: outcome.exits ?? [],
    member: sale.member,
    amount,
    prepaidDebited: formatMoney(debited),
    prepaidBalance: String(outcome.prepaid ?? "0.00"),
  };
}

/** Voids one of the merchant's own till sales of today; the engine checks it can be undone exactly. */
export async function voidSale(
  services: Services,
  request: { session: Session; key: RequestKey },
  position: number,
) {
  const { session } = request;
  const merchant = session.merchantId;
  if (merchant === null) throw forbidden("this login belongs to no merchant");
  const outcome = await services.gateway.submit(
    session.tenant,
    request.key.ledger,
    { type: "tillSaleVoid", merchant, position },
    noteBy(session, { action: "sale.void", target: String(position), detail: { merchant } }),
  );
  return { ok: true, position, prepaidBalance: String(outcome.prepaid ?? "0.00") };
}

/**
 * The logged-in merchant's till sales, newest first, a page before the cursor (an audit number):
 * time, member, amount, product name and the points issued. Read from the sales' audit entries.
 */
export async function listSales(
  services: Services,
  session: Session,
  query: { cursor?: string | undefined; limit: number },
) {
  const cursor = decodeCursor(query.cursor);
  const before = cursor !== undefined && /^[0-9]{1,18}$/.test(cursor) ? cursor : null;
  const rows = await selectSales(services.sql, {
    tenant: session.tenant,
    merchant: session.merchantId!,
    before,
    limit: query.limit + 1,
  });
  return toPage(
    rows,
    query.limit,
    (row) => row.seq,
    (row) => ({
      id: Number(row.seq),
      at: new Date(row.at).toISOString(),
      member: row.member,
      amount: row.amount,
      productId: row.product_id,
      productName: row.product_name,
      points: row.points,
      cashier: row.cashier,
    }),
  );
}

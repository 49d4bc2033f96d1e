/**
 * In-store sales: a merchant records a sale paid at the till, straight to the engine as an order for
 * this merchant (the product's split when one is named). The busiest use case: a known member and a
 * known pause state cost no query.
 */
import { formatMoney } from "@zengzhi/engine";
import type { Session } from "./auth.js";
import { ApiError, forbidden } from "./errors.js";
import type { RequestKey } from "./idempotency.js";
import { findProduct } from "./products.js";
import type { Services } from "./services.js";
import { noteBy } from "./audit-log.js";
import { selectSales } from "../db/sales.js";
import { decodeCursor, toPage } from "./paging.js";

export async function recordSale(
  services: Services,
  request: { session: Session; key: RequestKey },
  input: { member: string; amount: bigint; productId?: string | undefined },
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
  if (!(await services.memberExists(tenant, input.member)))
    throw new ApiError(404, "unknown_member", `member ${input.member} does not exist`, "member");
  const amount = formatMoney(input.amount);
  const outcome = await services.gateway.submit(
    tenant,
    request.key.ledger,
    {
      type: "order",
      member: input.member,
      amount,
      merchant: session.merchantId!,
      ...(split === null ? {} : { split: split as never }),
    },
    noteBy(session, {
      action: "sale",
      target: input.member,
      // productId names the product in the merchant's list of till sales (listSales).
      detail: {
        amount,
        merchant: session.merchantId,
        ...(input.productId === undefined ? {} : { productId: input.productId }),
      },
    }),
  );
  return {
    ok: true,
    position: outcome.position ?? null,
    points: outcome.points ?? null,
    exits: outcome.exits ?? [],
  };
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

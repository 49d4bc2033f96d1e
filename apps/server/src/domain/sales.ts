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
      detail: { amount, merchant: session.merchantId },
    }),
  );
  return {
    ok: true,
    position: outcome.position ?? null,
    points: outcome.points ?? null,
    exits: outcome.exits ?? [],
  };
}

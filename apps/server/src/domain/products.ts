/**
 * Products: a merchant manages its own; anyone logged in lists the active ones. A product's split is
 * validated by the engine's split parser (four parts adding up to 1).
 */
import { randomUUID } from "node:crypto";
import { formatMoney, loadRuleSet, RuleSetError, ruleSetToJson } from "@zengzhi/engine";
import {
  deactivateProduct,
  insertProduct,
  selectProduct,
  selectProducts,
  updateProduct,
  type ProductRow,
} from "../db/products.js";
import type { Session } from "./auth.js";
import { ApiError, forbidden, notFound } from "./errors.js";
import { once, type RequestKey } from "./idempotency.js";
import { decodeCursor, toPage } from "./paging.js";
import { requireSplitInBounds } from "./prepaid.js";
import type { Services } from "./services.js";

export type { ProductRow };

/** A product's split as the client sends it: four decimal fractions adding up to 1. */
export interface SplitInput {
  productCost: string;
  distributionCost: string;
  platformProfit: string;
  poolContribution: string;
}

export const productView = (row: ProductRow) => ({
  id: row.product_id,
  merchant: row.merchant_id,
  name: row.name,
  price: formatMoney(BigInt(row.price_fen)),
  split: row.split,
  active: row.active,
});

/** A split checked by the engine (through its rule-set loader) and returned in canonical form. */
export function validateSplit(split: SplitInput) {
  try {
    return ruleSetToJson(loadRuleSet({ split })).split;
  } catch (error) {
    if (error instanceof RuleSetError) {
      throw new ApiError(
        400,
        error.code === "split_not_one" ? "split_not_one" : "invalid_field",
        error.reason,
        error.path,
      );
    }
    throw error;
  }
}

export async function findProduct(services: Services, tenant: string, id: string): Promise<ProductRow> {
  const product = await selectProduct(services.sql, tenant, id);
  if (product === undefined) throw notFound(`product ${id}`);
  return product;
}

async function findOwnProduct(services: Services, session: Session, id: string): Promise<ProductRow> {
  const product = await findProduct(services, session.tenant, id);
  if (session.merchantId !== product.merchant_id) throw forbidden("this product belongs to another merchant");
  return product;
}

export async function listProducts(
  services: Services,
  session: Session,
  query: { cursor?: string | undefined; limit: number; merchant?: string | undefined },
) {
  const rows = await selectProducts(services.sql, {
    tenant: session.tenant,
    after: decodeCursor(query.cursor) ?? "",
    merchant: query.merchant ?? null,
    ownMerchant: session.merchantId ?? "",
    limit: query.limit + 1,
  });
  return toPage(rows, query.limit, (r) => r.product_id, productView);
}

export async function createProduct(
  services: Services,
  request: { session: Session; key: RequestKey },
  input: { name: string; price: bigint; split?: SplitInput | null | undefined },
) {
  const { session } = request;
  const split = input.split === undefined || input.split === null ? null : validateSplit(input.split);
  if (split !== null)
    await requireSplitInBounds(services, { tenant: session.tenant, merchant: session.merchantId!, split });
  return once(services.sql, { tenant: session.tenant, key: request.key }, async () => {
    const row = await insertProduct(services.sql, {
      tenant: session.tenant,
      id: `p-${randomUUID().slice(0, 13)}`,
      merchant: session.merchantId!,
      name: input.name,
      priceFen: input.price,
      split,
    });
    const product = productView(row);
    await services.audit.recordBy(session, { action: "product.create", target: product.id });
    return { status: 201, body: product };
  });
}

export async function changeProduct(
  services: Services,
  request: { session: Session; key: RequestKey; id: string },
  input: {
    name?: string | undefined;
    price?: bigint | undefined;
    split?: SplitInput | null | undefined;
    active?: boolean | undefined;
  },
) {
  const { session } = request;
  const product = await findOwnProduct(services, session, request.id);
  const split =
    input.split === undefined ? product.split : input.split === null ? null : validateSplit(input.split);
  if (split !== null && input.split !== undefined)
    await requireSplitInBounds(services, { tenant: session.tenant, merchant: product.merchant_id, split });
  return once(services.sql, { tenant: session.tenant, key: request.key }, async () => {
    const row = await updateProduct(services.sql, {
      tenant: session.tenant,
      id: product.product_id,
      name: input.name ?? product.name,
      priceFen: input.price ?? BigInt(product.price_fen),
      split,
      active: input.active ?? product.active,
    });
    await services.audit.recordBy(session, {
      action: "product.update",
      target: product.product_id,
      detail: { ...input, price: input.price?.toString() },
    });
    return { status: 200, body: productView(row) };
  });
}

export async function deactivate(
  services: Services,
  request: { session: Session; key: RequestKey; id: string },
) {
  const { session } = request;
  const product = await findOwnProduct(services, session, request.id);
  return once(services.sql, { tenant: session.tenant, key: request.key }, async () => {
    await deactivateProduct(services.sql, session.tenant, product.product_id);
    await services.audit.recordBy(session, { action: "product.deactivate", target: product.product_id });
    return { status: 204, body: null };
  });
}

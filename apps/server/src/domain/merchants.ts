/**
 * Merchants: operators add them (with a login); a merchant's settlement is its engine balances (read,
 * never recomputed) next to the count and total of its online orders in each status.
 */
import { roleSide } from "@zengzhi/contract";
import { formatMoney } from "@zengzhi/engine";
import { insertMerchant, selectMerchant, selectMerchants, type MerchantRow } from "../db/merchants.js";
import { ORDER_STATUSES, sumOrdersByStatus, type OrderStatus } from "../db/orders.js";
import { createUser, usernameTaken } from "./accounts.js";
import type { Session } from "./auth.js";
import { ApiError, conflict, forbidden } from "./errors.js";
import { once, type RequestKey } from "./idempotency.js";
import { requireStrongPassword } from "./password-policy.js";
import { decodeCursor, toPage } from "./paging.js";
import type { Services } from "./services.js";
import { merchantBalanceView } from "./views.js";

const ID_PATTERN = /^[A-Za-z0-9_.:-]{1,64}$/;

/**
 * The merchant's row, or 404 (naming `field` when the id came from a body field): an id that is not
 * well formed is just as unknown. Every use case that names a merchant asks here.
 */
export async function findMerchant(services: Services, tenant: string, id: string, field?: string) {
  const unknown = () => new ApiError(404, "not_found", `merchant ${id} not found`, field);
  if (!ID_PATTERN.test(id)) throw unknown();
  const row = await selectMerchant(services.sql, tenant, id);
  if (row === undefined) throw unknown();
  return row;
}

export async function listMerchants(
  services: Services,
  tenant: string,
  query: { cursor?: string | undefined; limit: number },
) {
  const rows = await selectMerchants(services.sql, tenant, decodeCursor(query.cursor) ?? "", query.limit + 1);
  return toPage(
    rows,
    query.limit,
    (r) => r.merchant_id,
    (r) => ({ id: r.merchant_id, name: r.name }),
  );
}

/**
 * A merchant's settlement. In-store sales are engine commands only (the ledger's journal), so they
 * show in `settlement` but are not counted. The two reads are not one snapshot: an order settled in
 * between can show in one and not yet in the other.
 */
async function settlementView(services: Services, tenant: string, merchant: MerchantRow) {
  const id = merchant.merchant_id;
  const balances = await services.gateway.read(tenant, (engine) => merchantBalanceView(engine, id));
  const rows = await sumOrdersByStatus(services.sql, tenant, id);
  const byStatus = new Map(rows.map((row) => [row.status, row]));
  const onlineOrders = Object.fromEntries(
    ORDER_STATUSES.map((status) => {
      const row = byStatus.get(status);
      return [status, { count: Number(row?.count ?? 0), total: formatMoney(BigInt(row?.total_fen ?? 0)) }];
    }),
  ) as Record<OrderStatus, { count: number; total: string }>;
  return { merchant: id, name: merchant.name, ...balances, onlineOrders };
}

/** A merchant's settlement: operators read any merchant's, a merchant only its own. */
export async function readSettlement(services: Services, session: Session, merchantId: string | null) {
  const id = merchantId ?? session.merchantId;
  if (id === null) throw forbidden("this login belongs to no merchant");
  if (roleSide(session.role) === "merchant" && session.merchantId !== id)
    throw forbidden("a merchant reads only its own settlement");
  return settlementView(services, session.tenant, await findMerchant(services, session.tenant, id));
}

export async function createMerchant(
  services: Services,
  input: { tenant: string; id: string; name: string; username: string; password: string },
) {
  requireStrongPassword(input.password, {
    names: [input.username, input.id, input.tenant],
    field: "password",
  });
  if (await usernameTaken(services, input.tenant, input.username))
    throw conflict(`username ${input.username} is taken`);
  if (!(await insertMerchant(services.sql, input))) throw conflict(`merchant ${input.id} exists`);
  const user = await createUser(services, { ...input, role: "merchant", merchantId: input.id });
  return { id: input.id, name: input.name, user };
}

export function addMerchant(
  services: Services,
  request: { session: Session; key: RequestKey },
  input: { id: string; name: string; username: string; password: string },
) {
  const { session } = request;
  return once(services.sql, { tenant: session.tenant, key: request.key }, async () => {
    const created = await createMerchant(services, { tenant: session.tenant, ...input });
    await services.audit.recordBy(session, { action: "merchant.create", target: input.id });
    return { status: 201, body: created };
  });
}

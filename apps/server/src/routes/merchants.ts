/**
 * Merchants and their products. Operators add merchants (with a login); a merchant manages only its
 * own products. A product's split is validated by the engine's split parser (four parts adding up to 1).
 * A merchant's settlement (its engine balances and its online orders by status) is read here too.
 */
import { randomUUID } from "node:crypto";
import { formatMoney, loadRuleSet, RuleSetError, ruleSetToJson } from "@zengzhi/engine";
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { createUser, usernameTaken } from "../accounts.js";
import { ApiError, conflict, forbidden, notFound } from "../errors.js";
import {
  decodeCursor,
  idField,
  moneyField,
  nameField,
  pageQuery,
  passwordField,
  splitField,
  toPage,
  usernameField,
} from "../fields.js";
import { route } from "../http.js";
import { once, type Services } from "../services.js";
import type { Session } from "../auth.js";
import { merchantBalanceView } from "../views.js";

export interface ProductRow {
  product_id: string;
  merchant_id: string;
  name: string;
  price_fen: string;
  split: Record<string, string> | null;
  active: boolean;
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
export function validateSplit(split: z.infer<typeof splitField>) {
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

const PRODUCT_COLUMNS = "product_id, merchant_id, name, price_fen::text AS price_fen, split, active";

export async function findProduct(services: Services, tenant: string, id: string): Promise<ProductRow> {
  const { rows } = await services.sql.query<ProductRow>(
    `SELECT ${PRODUCT_COLUMNS} FROM app_products WHERE tenant_id = $1 AND product_id = $2`,
    [tenant, id],
  );
  if (rows[0] === undefined) throw notFound(`product ${id}`);
  return rows[0];
}

function ownProduct(session: Session, product: ProductRow): void {
  if (session.merchantId !== product.merchant_id) throw forbidden("this product belongs to another merchant");
}

/** The statuses of an online order (app_orders.status), in the order of its lifecycle. */
const ORDER_STATUSES = ["created", "paid", "settled", "refunded", "cancelled"] as const;
type OrderStatus = (typeof ORDER_STATUSES)[number];

/**
 * The merchant's row, or 404 (naming `field` when the id came from a body field): an id that is not
 * well formed is just as unknown. Every route that names a merchant asks here.
 */
export async function findMerchant(services: Services, tenant: string, id: string, field?: string) {
  const unknown = () => new ApiError(404, "not_found", `merchant ${id} not found`, field);
  if (!idField.safeParse(id).success) throw unknown();
  const { rows } = await services.sql.query<{ merchant_id: string; name: string }>(
    "SELECT merchant_id, name FROM app_merchants WHERE tenant_id = $1 AND merchant_id = $2",
    [tenant, id],
  );
  if (rows[0] === undefined) throw unknown();
  return rows[0];
}

/**
 * A merchant's settlement: the engine's balances (read, never recomputed) and the count and total of
 * its online orders in each status. In-store sales are engine commands only (the ledger's journal),
 * so they show in `settlement` but are not counted. The two reads are not one snapshot: an order
 * settled in between can show in one and not yet in the other.
 */
async function settlementView(
  services: Services,
  tenant: string,
  merchant: { merchant_id: string; name: string },
) {
  const id = merchant.merchant_id;
  const balances = await services.read(tenant, (engine) => merchantBalanceView(engine, id));
  const { rows } = await services.sql.query<{ status: OrderStatus; count: string; total_fen: string }>(
    `SELECT status, count(*)::text AS count, coalesce(sum(amount_fen), 0)::text AS total_fen
       FROM app_orders WHERE tenant_id = $1 AND merchant_id = $2 GROUP BY status`,
    [tenant, id],
  );
  const byStatus = new Map(rows.map((row) => [row.status, row]));
  const onlineOrders = Object.fromEntries(
    ORDER_STATUSES.map((status) => {
      const row = byStatus.get(status);
      return [status, { count: Number(row?.count ?? 0), total: formatMoney(BigInt(row?.total_fen ?? 0)) }];
    }),
  ) as Record<OrderStatus, { count: number; total: string }>;
  return { merchant: id, name: merchant.name, ...balances, onlineOrders };
}

export function merchantRoutes(app: FastifyInstance, services: Services): void {
  route(app, services, {
    method: "GET",
    url: "/api/merchants",
    summary: "List merchants",
    tags: ["merchants"],
    roles: "session",
    query: pageQuery,
    handler: async ({ session, query }) => {
      const { rows } = await services.sql.query<{ merchant_id: string; name: string }>(
        `SELECT merchant_id, name FROM app_merchants WHERE tenant_id = $1 AND merchant_id > $2 ORDER BY merchant_id LIMIT $3`,
        [session.tenant, decodeCursor(query.cursor) ?? "", query.limit + 1],
      );
      return toPage(
        rows,
        query.limit,
        (r) => r.merchant_id,
        (r) => ({ id: r.merchant_id, name: r.name }),
      );
    },
  });

  route(app, services, {
    method: "GET",
    url: "/api/merchant/settlement",
    summary: "The logged-in merchant's settlement, tip points and shares, and its online orders by status",
    tags: ["merchants"],
    roles: ["merchant"],
    handler: async ({ session }) => {
      if (session.merchantId === null) throw forbidden("this login belongs to no merchant");
      const merchant = await findMerchant(services, session.tenant, session.merchantId);
      return settlementView(services, session.tenant, merchant);
    },
  });

  route(app, services, {
    method: "GET",
    url: "/api/merchants/:id/settlement",
    summary: "A merchant's settlement (operators: any merchant; a merchant: its own only)",
    tags: ["merchants"],
    roles: ["operator", "merchant"],
    handler: async ({ session, params }) => {
      const id = params.id ?? "";
      if (session.role === "merchant" && session.merchantId !== id)
        throw forbidden("a merchant reads only its own settlement");
      const merchant = await findMerchant(services, session.tenant, id);
      return settlementView(services, session.tenant, merchant);
    },
  });

  route(app, services, {
    method: "POST",
    url: "/api/merchants",
    summary: "Add a merchant with its login",
    tags: ["merchants"],
    roles: ["operator"],
    body: z.strictObject({ id: idField, name: nameField, username: usernameField, password: passwordField }),
    handler: async ({ body, session, request, reply }) => {
      const tenant = session.tenant;
      const answer = await once(services, request, { tenant, session, scope: "merchants" }, async () => {
        const created = await createMerchant(services, { tenant, ...body });
        services.audit.record({
          tenant,
          actor: session.username,
          role: session.role,
          action: "merchant.create",
          target: body.id,
        });
        return { status: 201, body: created };
      });
      return reply.code(answer.status).send(answer.body);
    },
  });

  route(app, services, {
    method: "GET",
    url: "/api/products",
    summary: "List products (active ones; a merchant also sees its inactive ones)",
    tags: ["products"],
    roles: "session",
    query: pageQuery.extend({ merchant: idField.optional() }),
    handler: async ({ session, query }) => {
      const { rows } = await services.sql.query<ProductRow>(
        `SELECT ${PRODUCT_COLUMNS} FROM app_products
          WHERE tenant_id = $1 AND product_id > $2 AND ($3::text IS NULL OR merchant_id = $3)
            AND (active OR merchant_id = $4) ORDER BY product_id LIMIT $5`,
        [
          session.tenant,
          decodeCursor(query.cursor) ?? "",
          query.merchant ?? null,
          session.merchantId ?? "",
          query.limit + 1,
        ],
      );
      return toPage(rows, query.limit, (r) => r.product_id, productView);
    },
  });

  route(app, services, {
    method: "GET",
    url: "/api/products/:id",
    summary: "One product",
    tags: ["products"],
    roles: "session",
    handler: async ({ session, params }) =>
      productView(await findProduct(services, session.tenant, params.id ?? "")),
  });

  route(app, services, {
    method: "POST",
    url: "/api/products",
    summary: "Add a product (own merchant)",
    tags: ["products"],
    roles: ["merchant"],
    body: z.strictObject({ name: nameField, price: moneyField, split: splitField.nullable().optional() }),
    handler: async ({ body, session, request, reply }) => {
      const tenant = session.tenant;
      const split = body.split === undefined || body.split === null ? null : validateSplit(body.split);
      const answer = await once(services, request, { tenant, session, scope: "products" }, async () => {
        const { rows } = await services.sql.query<ProductRow>(
          `INSERT INTO app_products (tenant_id, product_id, merchant_id, name, price_fen, split)
           VALUES ($1, $2, $3, $4, $5, $6::jsonb) RETURNING ${PRODUCT_COLUMNS}`,
          [
            tenant,
            `p-${randomUUID().slice(0, 13)}`,
            session.merchantId,
            body.name,
            body.price.toString(),
            JSON.stringify(split),
          ],
        );
        const product = productView(rows[0]!);
        services.audit.record({
          tenant,
          actor: session.username,
          role: session.role,
          action: "product.create",
          target: product.id,
        });
        return { status: 201, body: product };
      });
      return reply.code(answer.status).send(answer.body);
    },
  });

  route(app, services, {
    method: "PUT",
    url: "/api/products/:id",
    summary: "Change a product (own merchant)",
    tags: ["products"],
    roles: ["merchant"],
    body: z.strictObject({
      name: nameField.optional(),
      price: moneyField.optional(),
      split: splitField.nullable().optional(),
      active: z.boolean().optional(),
    }),
    handler: async ({ body, session, request, params, reply }) => {
      const tenant = session.tenant;
      const product = await findProduct(services, tenant, params.id ?? "");
      ownProduct(session, product);
      const split =
        body.split === undefined ? product.split : body.split === null ? null : validateSplit(body.split);
      const answer = await once(
        services,
        request,
        { tenant, session, scope: `product:${product.product_id}` },
        async () => {
          const { rows } = await services.sql.query<ProductRow>(
            `UPDATE app_products SET name = $3, price_fen = $4, split = $5::jsonb, active = $6
            WHERE tenant_id = $1 AND product_id = $2 RETURNING ${PRODUCT_COLUMNS}`,
            [
              tenant,
              product.product_id,
              body.name ?? product.name,
              (body.price ?? BigInt(product.price_fen)).toString(),
              JSON.stringify(split),
              body.active ?? product.active,
            ],
          );
          services.audit.record({
            tenant,
            actor: session.username,
            role: session.role,
            action: "product.update",
            target: product.product_id,
            detail: { ...body, price: body.price?.toString() },
          });
          return { status: 200, body: productView(rows[0]!) };
        },
      );
      return reply.code(answer.status).send(answer.body);
    },
  });

  route(app, services, {
    method: "DELETE",
    url: "/api/products/:id",
    summary: "Deactivate a product (own merchant); past orders keep it",
    tags: ["products"],
    roles: ["merchant"],
    handler: async ({ session, request, params, reply }) => {
      const tenant = session.tenant;
      const product = await findProduct(services, tenant, params.id ?? "");
      ownProduct(session, product);
      await once(
        services,
        request,
        { tenant, session, scope: `product-delete:${product.product_id}` },
        async () => {
          await services.sql.query(
            "UPDATE app_products SET active = false WHERE tenant_id = $1 AND product_id = $2",
            [tenant, product.product_id],
          );
          services.audit.record({
            tenant,
            actor: session.username,
            role: session.role,
            action: "product.deactivate",
            target: product.product_id,
          });
          return { status: 204, body: null };
        },
      );
      return reply.code(204).send();
    },
  });
}

export async function createMerchant(
  services: Services,
  input: { tenant: string; id: string; name: string; username: string; password: string },
) {
  if (await usernameTaken(services, input.tenant, input.username))
    throw conflict(`username ${input.username} is taken`);
  const { rows } = await services.sql.query(
    `INSERT INTO app_merchants (tenant_id, merchant_id, name) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING merchant_id`,
    [input.tenant, input.id, input.name],
  );
  if (rows.length === 0) throw conflict(`merchant ${input.id} exists`);
  const user = await createUser(services, { ...input, role: "merchant", merchantId: input.id });
  return { id: input.id, name: input.name, user };
}

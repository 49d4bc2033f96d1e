/** Products: list and read (anyone logged in), add, change and deactivate (own merchant). */
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import {
  changeProduct,
  createProduct,
  deactivate,
  findProduct,
  listProducts,
  productView,
} from "../domain/products.js";
import type { Services } from "../domain/services.js";
import { idField, moneyField, nameField, pageQuery, splitField } from "../http/fields.js";
import { requestKey } from "../http/request-key.js";
import { route } from "../http/route.js";

export function productRoutes(app: FastifyInstance, services: Services): void {
  route(app, services, {
    method: "GET",
    url: "/api/products",
    summary: "List products (active ones; a merchant also sees its inactive ones)",
    tags: ["products"],
    roles: "session",
    query: pageQuery.extend({ merchant: idField.optional() }),
    handler: ({ session, query }) => listProducts(services, session, query),
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
      const answer = await createProduct(
        services,
        { session, key: requestKey(request, session, "products") },
        body,
      );
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
      const id = params.id ?? "";
      const key = requestKey(request, session, `product:${id}`);
      const answer = await changeProduct(services, { session, key, id }, body);
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
      const id = params.id ?? "";
      await deactivate(services, { session, key: requestKey(request, session, `product-delete:${id}`), id });
      return reply.code(204).send();
    },
  });
}

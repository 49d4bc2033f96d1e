/** Products: list and read (anyone logged in), add, change and deactivate (own merchant). */
import { OPERATIONS } from "@zengzhi/contract";
import type { FastifyInstance } from "fastify";
import {
  changeProduct,
  createProduct,
  deactivate,
  findProduct,
  listProducts,
  productView,
} from "../domain/products.js";
import type { Services } from "../domain/services.js";
import { money, optional } from "../http/fields.js";
import { requestKey } from "../http/request-key.js";
import { route } from "../http/route.js";

export function productRoutes(app: FastifyInstance, services: Services): void {
  route(app, OPERATIONS.listProducts, ({ session, query }) => listProducts(services, session, query));

  route(app, OPERATIONS.getProduct, async ({ session, params }) =>
    productView(await findProduct(services, session.tenant, params.id ?? "")),
  );

  route(app, OPERATIONS.createProduct, async ({ body, session, request, reply }) => {
    const input = { ...body, price: money(body.price, "price") };
    const answer = await createProduct(
      services,
      { session, key: requestKey(request, session, "products") },
      input,
    );
    return reply.code(answer.status).send(answer.body);
  });

  route(app, OPERATIONS.updateProduct, async ({ body, session, request, params, reply }) => {
    const id = params.id ?? "";
    const key = requestKey(request, session, `product:${id}`);
    const input = { ...body, price: optional(body.price, (text) => money(text, "price")) };
    const answer = await changeProduct(services, { session, key, id }, input);
    return reply.code(answer.status).send(answer.body);
  });

  route(app, OPERATIONS.deactivateProduct, async ({ session, request, params, reply }) => {
    const id = params.id ?? "";
    await deactivate(services, { session, key: requestKey(request, session, `product-delete:${id}`), id });
    return reply.code(204).send();
  });
}

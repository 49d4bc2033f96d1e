/**
 * The route helper on its own: it takes everything but the handler from the contract's operation,
 * refuses a malformed path id as not found, requires the Idempotency-Key where the operation says so,
 * answers with the operation's success status, and (with checkResponses) refuses to send a body the
 * contract does not describe.
 */
import { OPERATIONS } from "@zengzhi/contract";
import Fastify from "fastify";
import { describe, expect, it } from "vitest";
import { ApiError } from "../domain/errors.js";
import type { Session } from "../domain/auth.js";
import { route } from "./route.js";

const member = { id: "u1", tenant: "demo", username: "alice", role: "member", memberId: "alice" } as Session;

async function appWith(checkResponses: boolean, setup: (app: ReturnType<typeof Fastify>) => void) {
  const app = Fastify();
  app.decorate("checkResponses", checkResponses);
  app.decorateRequest("session", null);
  app.addHook("onRequest", (request, _reply, done) => {
    if (request.headers.authorization === "Bearer member") request.session = member;
    done();
  });
  app.setErrorHandler((error, _request, reply) =>
    error instanceof ApiError
      ? reply.code(error.status).send(error.toBody())
      : reply.code(500).send({ error: { code: "internal_error", message: String(error) } }),
  );
  setup(app);
  await app.ready();
  return app;
}

const NODE = {
  id: "n1",
  role: "standby",
  ready: true,
  databaseReachable: true,
  leaseTtlMs: 3000,
  leases: [],
  elsewhere: [],
};

describe("route", () => {
  it("answers with the operation's method, path and success status", async () => {
    const app = await appWith(true, (a) =>
      route(a, OPERATIONS.getHealth, () => ({ ok: true, store: "pglite", node: NODE })),
    );
    const response = await app.inject({ method: "GET", url: "/healthz" });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ ok: true, store: "pglite", node: NODE });
  });

  it("with checkResponses, a body outside the contract answers 500 instead of going out", async () => {
    const wrong = () => ({ ok: true, store: "mystery", node: NODE });
    const checked = await appWith(true, (a) => route(a, OPERATIONS.getHealth, wrong));
    const response = await checked.inject({ method: "GET", url: "/healthz" });
    expect(response.statusCode).toBe(500);
    expect(response.body).toContain("getHealth answered outside its contract");
    const unchecked = await appWith(false, (a) => route(a, OPERATIONS.getHealth, wrong));
    expect((await unchecked.inject({ method: "GET", url: "/healthz" })).statusCode).toBe(200);
  });

  it("checks the role, then the path id, the body and the Idempotency-Key, before the handler runs", async () => {
    let ran = 0;
    const app = await appWith(true, (a) => {
      route(a, OPERATIONS.sellPoints, () => {
        ran++;
        return { ok: true, points: "1.00000000", net: null, fee: null, exits: [] };
      });
      route(a, OPERATIONS.getProduct, () => {
        ran++;
        return {};
      });
    });
    const post = (url: string, headers: Record<string, string>, payload: unknown) =>
      app.inject({ method: "POST", url, headers, payload: payload as Record<string, unknown> });
    const auth = { authorization: "Bearer member" };
    expect((await post("/api/me/positions/1/sell", {}, { points: "1" })).statusCode).toBe(401);
    // A control character in a path parameter is refused as such (issue #11), before the 404 check.
    const badId = await app.inject({ method: "GET", url: "/api/products/a%01b", headers: auth });
    expect(badId.json().error).toMatchObject({ code: "control_character", field: "id" });
    const badBody = await post(
      "/api/me/positions/1/sell",
      { ...auth, "idempotency-key": "k" },
      { points: "1e5" },
    );
    expect(badBody.json().error).toMatchObject({ code: "not_a_decimal", field: "points" });
    const noKey = await post("/api/me/positions/1/sell", auth, { points: "1" });
    expect(noKey.json().error.code).toBe("missing_idempotency_key");
    expect(ran).toBe(0);
    const ok = await post("/api/me/positions/1/sell", { ...auth, "idempotency-key": "k" }, { points: "1" });
    expect(ok.statusCode).toBe(200);
    expect(ran).toBe(1);
  });
});

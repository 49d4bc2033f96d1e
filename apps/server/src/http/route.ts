/**
 * The route helper every route file uses: it states who may call the route (roles), documents the
 * body and query in OpenAPI (from the same zod schemas that validate them), checks the role before
 * anything else, and parses input into typed values or answers 400 naming the field.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest, HTTPMethods } from "fastify";
import { z } from "zod";
import { requireRole, type Role, type Session } from "../domain/auth.js";
import { notFound } from "../domain/errors.js";
import type { Services } from "../domain/services.js";
import { parse } from "./parse.js";

declare module "fastify" {
  interface FastifyRequest {
    session: Session | null;
    rawBody?: string;
  }
}

export interface RouteContext<B, Q> {
  request: FastifyRequest;
  reply: FastifyReply;
  /** The caller's session (non-null when roles were given). */
  session: Session;
  body: B;
  query: Q;
  params: Record<string, string>;
}

export interface RouteSpec<B extends z.ZodType, Q extends z.ZodType> {
  method: HTTPMethods;
  url: string;
  summary: string;
  tags: string[];
  /** Who may call it; "public" routes need no session. */
  roles: Role[] | "public" | "session";
  body?: B;
  query?: Q;
  bodyLimit?: number;
  handler: (context: RouteContext<z.output<B>, z.output<Q>>) => Promise<unknown>;
}

function jsonSchema(schema: z.ZodType | undefined): Record<string, unknown> | undefined {
  if (schema === undefined) return undefined;
  try {
    const json = z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as Record<string, unknown>;
    delete json.$schema;
    return json;
  } catch {
    return { type: "object" };
  }
}

const callers = (roles: RouteSpec<z.ZodType, z.ZodType>["roles"]) =>
  roles === "public" ? "anyone (no login)" : roles === "session" ? "any logged-in user" : roles.join(", ");

export function route<B extends z.ZodType = z.ZodUnknown, Q extends z.ZodType = z.ZodUnknown>(
  app: FastifyInstance,
  _services: Services,
  spec: RouteSpec<B, Q>,
): void {
  const schema: Record<string, unknown> = {
    summary: spec.summary,
    description: `Who may call it: ${callers(spec.roles)}.`,
    tags: spec.tags,
  };
  const body = jsonSchema(spec.body);
  if (body !== undefined) schema.body = body;
  const query = jsonSchema(spec.query);
  if (query !== undefined) schema.querystring = query;
  if (spec.roles !== "public") schema.security = [{ bearer: [] }, { cookie: [] }];
  app.route({
    method: spec.method,
    url: spec.url,
    schema,
    ...(spec.bodyLimit === undefined ? {} : { bodyLimit: spec.bodyLimit }),
    handler: async (request, reply) => {
      let session = request.session;
      if (spec.roles !== "public")
        session = requireRole(session, ...(spec.roles === "session" ? [] : spec.roles));
      const context = {
        request,
        reply,
        session: session as Session,
        body: (spec.body === undefined ? request.body : parse(spec.body, request.body)) as z.output<B>,
        query: (spec.query === undefined
          ? request.query
          : parse(spec.query, request.query, "query")) as z.output<Q>,
        params: request.params as Record<string, string>,
      };
      return spec.handler(context);
    },
  });
}

/** Parses a path parameter as a positive integer id or answers 404 for that resource. */
export function intParam(value: string | undefined, what: string): number {
  const n = Number(value);
  if (value === undefined || !/^\d{1,15}$/.test(value) || !Number.isSafeInteger(n) || n < 1) {
    throw notFound(what);
  }
  return n;
}

/**
 * The route helper every route file uses: the operation comes from the contract (@zengzhi/contract)
 * with its method, path, callers, Idempotency-Key requirement, schemas and success status, and the
 * route gives only its handler. The helper checks the caller's role first, then parses the path
 * parameters, the query and the body with the contract's schemas (400 naming the field), then the
 * Idempotency-Key, and answers the handler's value with the operation's success status. When the app
 * is built with `checkResponses` (tests), every answer is checked against the contract too.
 */
import { errorEnvelopeSchema, errorStatus, isErrorCode, type Operation } from "@zengzhi/contract";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { z } from "zod";
import { requireRole, type Session } from "../domain/auth.js";
import { notFound } from "../domain/errors.js";
import { refuseControlCharacters } from "./input-guard.js";
import { parse } from "./parse.js";
import { idempotencyHeader } from "./request-key.js";

declare module "fastify" {
  interface FastifyRequest {
    session: Session | null;
    rawBody?: string;
  }
  interface FastifyInstance {
    /** True when every answer is checked against the contract (tests). */
    checkResponses: boolean;
    /** The bearer token /metrics requires; null when /metrics is not served. */
    metricsToken: string | null;
  }
}

/** What a route receives for a schema of the operation (undefined when the operation has none). */
type Input<S> = [Exclude<S, undefined>] extends [z.ZodType] ? z.output<Exclude<S, undefined>> : undefined;

export interface RouteContext<O extends Operation> {
  request: FastifyRequest;
  reply: FastifyReply;
  /** The caller's session (non-null unless the operation is public). */
  session: Session;
  body: Input<O["body"]>;
  query: Input<O["query"]>;
  params: Record<string, string>;
}

export type Handler<O extends Operation> = (context: RouteContext<O>) => unknown;

/** The contract's check of one answer: the success body, or the error envelope with a code of its status. */
function contractProblem(operation: Operation, status: number, payload: unknown): string | null {
  if (status >= 400) {
    const parsed = errorEnvelopeSchema.safeParse(payload);
    if (!parsed.success) return `error body: ${parsed.error.issues[0]?.message ?? ""}`;
    const code = parsed.data.error.code;
    if (isErrorCode(code) && errorStatus(code) !== status) return `${code} answered with ${status}`;
    return null;
  }
  if (status !== operation.status || operation.response === null) return `status ${status}`;
  const parsed = operation.response.safeParse(payload);
  if (parsed.success) return null;
  const issue = parsed.error.issues[0]!;
  return `${issue.path.join(".")}: ${issue.message}`;
}

function checkAnswers(app: FastifyInstance, operation: Operation) {
  if (!app.checkResponses) return {};
  return {
    preSerialization: (
      _request: FastifyRequest,
      reply: FastifyReply,
      payload: unknown,
      done: (error: Error | null, payload?: unknown) => void,
    ) => {
      const problem = contractProblem(operation, reply.statusCode, payload);
      if (problem === null) return done(null, payload);
      done(new Error(`${operation.operationId} answered outside its contract: ${problem}`));
    },
  };
}

/**
 * Every answer but a public read may hold personal data (a session's own figures, a login's token):
 * no browser or proxy may keep it.
 */
function noStore(operation: Operation) {
  if (operation.callers === "public" && operation.method === "GET") return {};
  return {
    onSend: (
      _request: FastifyRequest,
      reply: FastifyReply,
      payload: unknown,
      done: (error: Error | null, payload?: unknown) => void,
    ) => {
      reply.header("cache-control", "no-store");
      done(null, payload);
    },
  };
}

/** Registers the operation's route with its handler. */
export function route<O extends Operation>(app: FastifyInstance, operation: O, handler: Handler<O>): void {
  app.route({
    method: operation.method,
    url: operation.path,
    ...noStore(operation),
    ...(operation.bodyLimit === undefined ? {} : { bodyLimit: operation.bodyLimit }),
    ...checkAnswers(app, operation),
    handler: async (request, reply) => {
      let session = request.session;
      if (operation.callers !== "public")
        session = requireRole(session, ...(operation.callers === "session" ? [] : operation.callers));
      const params = request.params as Record<string, string>;
      refuseControlCharacters({ params, query: request.query, body: request.body }, operation.multiline);
      // A malformed id names nothing that exists: 404, as for an unknown one.
      if (operation.params !== undefined && !operation.params.safeParse(params).success)
        throw notFound(`id ${JSON.stringify(Object.values(params)[0] ?? "")}`);
      const context = {
        request,
        reply,
        session: session as Session,
        query: operation.query === undefined ? undefined : parse(operation.query, request.query, "query"),
        body: operation.body === undefined ? undefined : parse(operation.body, request.body),
        params,
      } as RouteContext<O>;
      if (operation.idempotent) idempotencyHeader(request);
      const answer = await handler(context);
      if (reply.sent) return reply;
      reply.code(operation.status);
      return operation.status === 204 ? reply.send() : answer;
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

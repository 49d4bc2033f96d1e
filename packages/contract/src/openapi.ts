/**
 * The OpenAPI 3.1 document, built from the operation table alone: each operation's id, tags, summary,
 * callers, Idempotency-Key header, parameters, request body, success status and body, and every error
 * status it can answer with the shared error envelope. Named schemas become components.
 */
import { z } from "zod";
import { ERRORS, type ErrorCode } from "./errors.js";
import type { Operation } from "./operation.js";
import { TAGS } from "./operation.js";
import { OPERATION_LIST } from "./operations.js";

type Json = Record<string, unknown>;

const SCHEMAS = "#/components/schemas/";
const IDEMPOTENCY_KEY_PATTERN = "^[\\x21-\\x7e]{1,128}$";

/** Fastify's `/api/orders/:id` as OpenAPI's `/api/orders/{id}`. */
export const openApiPath = (path: string): string => path.replace(/:([A-Za-z]+)/g, "{$1}");

/** Path parameter names of a Fastify path. */
export const pathParameterNames = (path: string): string[] =>
  [...path.matchAll(/:([A-Za-z]+)/g)].map((match) => match[1]!);

/**
 * JSON Schema 2020-12 is OpenAPI 3.1's dialect; the `$schema` line is left out, and so is the `$id`
 * zod gives a component (a fragment-only `$id` is not allowed, and the component's place names it).
 */
function clean(schema: Json): Json {
  const { $schema: _dialect, $id: _id, ...rest } = schema;
  return rest;
}

/** Every schema with an id (`.meta({ id })`) as a component, with references between them. */
function componentSchemas(): Record<string, Json> {
  const { schemas } = z.toJSONSchema(z.globalRegistry, {
    io: "output",
    uri: (id) => `${SCHEMAS}${id}`,
    unrepresentable: "any",
  }) as { schemas: Record<string, Json> };
  return Object.fromEntries(Object.entries(schemas).map(([id, schema]) => [id, clean(schema)]));
}

/** References to `$defs` (named schemas met inside an unnamed one) as references to components. */
function relink(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(relink);
  if (typeof value !== "object" || value === null) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([key]) => key !== "$defs")
      .map(([key, field]) => [
        key,
        key === "$ref" && typeof field === "string" ? field.replace("#/$defs/", SCHEMAS) : relink(field),
      ]),
  );
}

/** A schema's reference when it has an id, or its inline JSON Schema. */
function schemaOf(schema: z.ZodType, io: "input" | "output"): Json {
  const id = z.globalRegistry.get(schema)?.id;
  if (id !== undefined) return { $ref: `${SCHEMAS}${id}` };
  return relink(clean(z.toJSONSchema(schema, { io, unrepresentable: "any" }) as Json)) as Json;
}

/** The properties of an object schema as parameters in `where` (query or path). */
function parametersOf(schema: z.ZodType | undefined, where: "query" | "path"): Json[] {
  if (schema === undefined) return [];
  const json = schemaOf(schema, "input") as { properties?: Record<string, Json>; required?: string[] };
  return Object.entries(json.properties ?? {}).map(([name, property]) => {
    const { description, ...rest } = property as Json & { description?: string };
    return {
      name,
      in: where,
      required: where === "path" || (json.required ?? []).includes(name),
      ...(description === undefined ? {} : { description }),
      schema: rest,
    };
  });
}

function callersText(op: Operation): string {
  if (op.callers === "public") return "Anyone (no login).";
  if (op.callers === "session") return "Any logged-in user.";
  return `Roles: ${op.callers.join(", ")}.`;
}

/** Each error status the operation can answer, its codes listed in the description. */
function errorResponses(op: Operation): Record<string, Json> {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of op.errors) {
    const status = ERRORS[code].status;
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  const responses: Record<string, Json> = {};
  for (const [status, codes] of [...byStatus].sort(([a], [b]) => a - b)) {
    responses[String(status)] = {
      description: codes.map((code) => `\`${code}\`: ${ERRORS[code].description}`).join("; "),
      content: { "application/json": { schema: { $ref: `${SCHEMAS}ErrorEnvelope` } } },
    };
  }
  return responses;
}

function successResponse(op: Operation): Json {
  if (op.response === null) return { description: "Done; no body." };
  const type = op.responseType ?? "application/json";
  return { description: "Success.", content: { [type]: { schema: schemaOf(op.response, "output") } } };
}

function operationObject(op: Operation): Json {
  const parameters = [
    ...parametersOf(op.params, "path"),
    ...parametersOf(op.query, "query"),
    ...(op.idempotent ? [{ $ref: "#/components/parameters/IdempotencyKey" }] : []),
  ];
  return {
    operationId: op.operationId,
    tags: [...op.tags],
    summary: op.summary,
    description: [op.description, callersText(op)].filter((text) => text !== undefined).join("\n\n"),
    security: op.callers === "public" ? [] : [{ bearer: [] }, { cookie: [] }],
    ...(parameters.length === 0 ? {} : { parameters }),
    ...(op.body === undefined
      ? {}
      : {
          requestBody: {
            required: true,
            content: { "application/json": { schema: schemaOf(op.body, "input") } },
          },
        }),
    responses: { [String(op.status)]: successResponse(op), ...errorResponses(op) },
  };
}

export interface OpenApiOptions {
  version?: string;
  /** Defaults to the server the document is served from. */
  servers?: { url: string; description: string }[];
}

/** The OpenAPI 3.1 document of every operation in the table. */
export function buildOpenApi(options: OpenApiOptions = {}): Json {
  const paths: Record<string, Record<string, Json>> = {};
  for (const op of OPERATION_LIST) {
    const path = openApiPath(op.path);
    paths[path] = { ...(paths[path] ?? {}), [op.method.toLowerCase()]: operationObject(op) };
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "zengzhi API",
      version: options.version ?? "0.1.0",
      description:
        "The HTTP API of zengzhi (docs/API.md). Money and points travel as decimal strings. Every error " +
        "answers `{ error: { code, message, field?, reason? } }`; the codes are listed per status.",
      license: { name: "Apache-2.0", identifier: "Apache-2.0" },
    },
    servers: options.servers ?? [{ url: "/", description: "The server this document is served from" }],
    tags: Object.entries(TAGS).map(([name, description]) => ({ name, description })),
    paths,
    components: {
      schemas: componentSchemas(),
      parameters: {
        IdempotencyKey: {
          name: "Idempotency-Key",
          in: "header",
          required: true,
          description:
            "Makes a retry the same request: the first answer is returned again; the same key with another body answers idempotency_key_reused. Answers are kept for a retention window (30 days by default); a retry after it answers idempotency_key_expired and is not run again.",
          schema: { type: "string", pattern: IDEMPOTENCY_KEY_PATTERN },
        },
      },
      securitySchemes: {
        bearer: { type: "http", scheme: "bearer", description: "The token from log in or register." },
        cookie: { type: "apiKey", in: "cookie", name: "zz_session", description: "The session cookie." },
      },
    },
  };
}

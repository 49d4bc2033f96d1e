/**
 * The contract's own consistency: operation ids, paths, parameters, idempotency and error codes
 * agree with each other, with the engine's code lists and with the error table.
 */
import { DecimalError, REJECTION_CODES, RuleSetError, loadRuleSet } from "@zengzhi/engine";
import { describe, expect, test } from "vitest";
import { z } from "zod";
import {
  ERRORS,
  ERROR_CODES,
  OPERATION_LIST,
  OPERATIONS,
  TAGS,
  errorEnvelopeSchema,
  errorStatus,
  fieldErrorCode,
  moneyText,
  pathParameterNames,
  saleRequest,
  sellOutcomeSchema,
} from "./index.js";

const firstIssue = (schema: z.ZodType, value: unknown) => {
  const result = schema.safeParse(value);
  if (result.success) throw new Error(`accepted ${JSON.stringify(value)}`);
  return result.error.issues[0]!;
};

describe("operation table", () => {
  test("has the 124 operations of the service, each operationId a unique camelCase verb phrase", () => {
    expect(OPERATION_LIST).toHaveLength(124);
    const ids = OPERATION_LIST.map((op) => op.operationId);
    expect(new Set(ids).size).toBe(ids.length);
    for (const [key, op] of Object.entries(OPERATIONS)) {
      expect(op.operationId).toBe(key);
      expect(op.operationId).toMatch(
        /^(get|list|log|register|create|publish|update|deactivate|pay|receive|refund|record|sell|preview|request|import|buy|tip|approve|reject|set|close|reconcile|change|revoke|forward|redeliver|mark|void)[A-Z]?[A-Za-z]*$/,
      );
    }
  });

  test("method and path pairs are unique and paths use Fastify syntax", () => {
    const routes = OPERATION_LIST.map((op) => `${op.method} ${op.path}`);
    expect(new Set(routes).size).toBe(routes.length);
    for (const op of OPERATION_LIST) expect(op.path).toMatch(/^\/[a-z0-9/:_.-]*$/i);
  });

  test("every path parameter is declared in params, and params declares nothing else", () => {
    for (const op of OPERATION_LIST) {
      const declared = op.params === undefined ? [] : Object.keys((op.params as z.ZodObject).shape);
      expect(declared.sort(), op.operationId).toEqual(pathParameterNames(op.path).sort());
    }
  });

  test("GET operations take no body and need no Idempotency-Key", () => {
    for (const op of OPERATION_LIST.filter((o) => o.method === "GET")) {
      expect(op.body, op.operationId).toBeUndefined();
      expect(op.idempotent, op.operationId).toBe(false);
    }
  });

  test("every state-changing operation requires an Idempotency-Key but log in/out, the previews, the provider's callback and forwarding between nodes", () => {
    const without = OPERATION_LIST.filter((op) => op.method !== "GET" && !op.idempotent).map(
      (op) => op.operationId,
    );
    // A forwarded command carries the original request's key in its body. A reset code works once,
    // as a password does: its request needs no key (a retry after success is refused like a login).
    // So do WeChat's code and state and a phone code; starting a WeChat authorization is part of a login.
    expect(without.sort()).toEqual([
      "changePasswordWithCode",
      "createWechatLink",
      "forwardCommand",
      "logIn",
      "logInWithMiniProgram",
      "logInWithWechat",
      "logOut",
      "previewCloseDay",
      "previewFinancing",
      "previewListing",
      "previewRuleChange",
      "previewRules",
      "previewSell",
      "previewWithdrawalDecisions",
      "receiveAlipayNotification",
      "receiveSandboxPayment",
      "receiveWechatPayNotification",
      "receiveWechatPayTopUpNotification",
      "requestWechatAuthorization",
      "requestWechatLinkAuthorization",
      "setPhone",
    ]);
  });

  test("a 204 has no body; every other success has a schema", () => {
    for (const op of OPERATION_LIST) expect(op.response === null, op.operationId).toBe(op.status === 204);
  });

  test("tags are declared, and every declared tag is used", () => {
    const used = new Set(OPERATION_LIST.flatMap((op) => op.tags));
    expect([...used].sort()).toEqual(Object.keys(TAGS).sort());
  });

  test("every error code an operation lists is in the error table, once", () => {
    for (const op of OPERATION_LIST) {
      expect(new Set(op.errors).size, op.operationId).toBe(op.errors.length);
      for (const code of op.errors) expect(ERROR_CODES, `${op.operationId}: ${code}`).toContain(code);
    }
  });

  test("operations that need a session answer unauthenticated; role-limited ones answer forbidden", () => {
    for (const op of OPERATION_LIST) {
      // /metrics needs no session but its own bearer token (issue #11), so it answers unauthenticated too.
      const token = op.operationId === "getMetrics";
      expect(op.errors.includes("unauthenticated"), op.operationId).toBe(op.callers !== "public" || token);
      // forwardCommand has no session: another node proves itself with the database's secret.
      const forbids = Array.isArray(op.callers) || op.operationId === "forwardCommand";
      expect(op.errors.includes("forbidden"), op.operationId).toBe(forbids);
    }
  });

  test("money in requests is a decimal string; the shape is checked, not parsed", () => {
    expect(saleRequest.parse({ member: "bob", amount: "12.50" })).toEqual({ member: "bob", amount: "12.50" });
    expect(fieldErrorCode(firstIssue(moneyText, "1e5"))).toBe("not_a_decimal");
    expect(fieldErrorCode(firstIssue(moneyText, 12.5))).toBe("invalid_field");
    expect(fieldErrorCode(firstIssue(moneyText, "1".repeat(41)))).toBe("out_of_range");
    expect(fieldErrorCode(firstIssue(saleRequest, { member: "bob", amount: "1", x: 1 }))).toBe(
      "unknown_field",
    );
  });

  test("SellOutcome.net is null when the engine reports none", () => {
    const outcome = { ok: true, points: "1.00000000", net: null, fee: null, exits: [] };
    expect(sellOutcomeSchema.parse(outcome)).toEqual(outcome);
  });
});

describe("error table", () => {
  test("covers every engine rejection code", () => {
    for (const code of REJECTION_CODES) expect(ERROR_CODES).toContain(code);
  });

  test("covers the codes the engine's decimal parser and rule-set loader throw", () => {
    expect(ERROR_CODES).toContain(new DecimalError("not_a_decimal", "").code);
    expect(ERROR_CODES).toContain(new DecimalError("too_precise", "").code);
    let refused: unknown;
    try {
      loadRuleSet({
        split: {
          productCost: "0.5",
          distributionCost: "0.5",
          platformProfit: "0.5",
          poolContribution: "0.5",
        },
      });
    } catch (error) {
      refused = error;
    }
    expect(refused).toBeInstanceOf(RuleSetError);
    expect(ERROR_CODES).toContain((refused as RuleSetError).code);
  });

  test("statuses are 4xx or 5xx and match errorStatus; descriptions are one line", () => {
    for (const code of ERROR_CODES) {
      expect(errorStatus(code)).toBe(ERRORS[code].status);
      expect(ERRORS[code].status).toBeGreaterThanOrEqual(400);
      expect(ERRORS[code].status).toBeLessThan(600);
      expect(ERRORS[code].description).not.toMatch(/\n/);
    }
  });

  test("codes read like sentences: lower snake case", () => {
    for (const code of ERROR_CODES) expect(code).toMatch(/^[a-z]+(_[a-z]+)*$/);
  });

  test("the envelope takes the service's error bodies and refuses others", () => {
    expect(
      errorEnvelopeSchema.safeParse({ error: { code: "not_found", message: "order 1 not found" } }).success,
    ).toBe(true);
    const field = { code: "invalid_field", message: "amount: bad", field: "amount", reason: "bad" };
    expect(errorEnvelopeSchema.safeParse({ error: field }).success).toBe(true);
    expect(errorEnvelopeSchema.safeParse({ error: { code: "made_up", message: "x" } }).success).toBe(false);
    expect(errorEnvelopeSchema.safeParse({ error: "Bad Request", statusCode: 400 }).success).toBe(false);
  });
});

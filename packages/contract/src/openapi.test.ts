/**
 * The OpenAPI document built from the contract: complete per operation, and valid for Redocly's
 * recommended-strict rules (redocly.yaml), checked by running `redocly lint` on it.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, test } from "vitest";
import { ERRORS, OPERATION_LIST, buildOpenApi, openApiPath } from "./index.js";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));

interface OperationObject {
  operationId: string;
  tags: string[];
  security: unknown[];
  parameters?: { name?: string; in?: string; $ref?: string }[];
  requestBody?: unknown;
  responses: Record<string, { content?: Record<string, { schema: unknown }> }>;
}

const document = buildOpenApi() as {
  openapi: string;
  servers: unknown[];
  paths: Record<string, Record<string, OperationObject>>;
  components: { schemas: Record<string, unknown> };
};

describe("OpenAPI document", () => {
  test("is 3.1 with servers set and one entry per operation", () => {
    expect(document.openapi).toBe("3.1.0");
    expect(document.servers.length).toBeGreaterThan(0);
    const count = Object.values(document.paths).reduce((n, item) => n + Object.keys(item).length, 0);
    expect(count).toBe(OPERATION_LIST.length);
  });

  test("each operation has its id, tags, security, Idempotency-Key, success and every error status", () => {
    for (const op of OPERATION_LIST) {
      const entry = document.paths[openApiPath(op.path)]![op.method.toLowerCase()]!;
      expect(entry.operationId).toBe(op.operationId);
      expect(entry.tags).toEqual(op.tags);
      expect(entry.security, op.operationId).toEqual(
        op.callers === "public" ? [] : [{ bearer: [] }, { cookie: [] }],
      );
      const header = (entry.parameters ?? []).some(
        (p) => p.$ref === "#/components/parameters/IdempotencyKey",
      );
      expect(header, op.operationId).toBe(op.idempotent);
      const pathParameters = (entry.parameters ?? []).filter((p) => p.in === "path").map((p) => p.name);
      expect(pathParameters.length).toBe((op.path.match(/:/g) ?? []).length);
      expect(entry.requestBody !== undefined).toBe(op.body !== undefined);
      const statuses = new Set([op.status, ...op.errors.map((code) => ERRORS[code].status)].map(String));
      expect(new Set(Object.keys(entry.responses))).toEqual(statuses);
      for (const [status, response] of Object.entries(entry.responses)) {
        if (Number(status) >= 400) {
          expect(response.content!["application/json"]!.schema).toEqual({
            $ref: "#/components/schemas/ErrorEnvelope",
          });
        } else if (op.status !== 204) {
          expect(response.content, op.operationId).toBeDefined();
        }
      }
    }
  });

  test("every $ref points at a component that exists", () => {
    const refs = JSON.stringify(document).match(/"\$ref":"#\/components\/schemas\/[A-Za-z]+"/g) ?? [];
    for (const ref of refs)
      expect(document.components.schemas).toHaveProperty(ref.split("/").pop()!.slice(0, -1));
  });

  test("redocly lint reports no problem", async () => {
    const dir = mkdtempSync(join(tmpdir(), "zengzhi-openapi-"));
    try {
      const file = join(dir, "openapi.json");
      writeFileSync(file, JSON.stringify(document, null, 2));
      const cli = join(ROOT, "node_modules/@redocly/cli/bin/cli.js");
      const { stdout } = await promisify(execFile)(
        process.execPath,
        [cli, "lint", file, "--config", join(ROOT, "redocly.yaml"), "--format", "json"],
        { env: { ...process.env, REDOCLY_TELEMETRY: "off", REDOCLY_SUPPRESS_UPDATE_NOTICE: "true" } },
      ).catch((error: { stdout?: string }) => ({ stdout: error.stdout ?? "" }));
      const report = JSON.parse(stdout.slice(stdout.indexOf("{"))) as {
        totals: { errors: number; warnings: number };
        problems: unknown[];
      };
      expect(report.problems).toEqual([]);
      expect(report.totals.errors).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});

// Translations: both languages have every message, the same placeholders, and a sentence for every
// code of the contract's error table (the type check already demands it) and the client's own codes.
import { buildOpenApi, ERROR_CODES } from "@zengzhi/contract";
import { describe, expect, it } from "vitest";
import { en } from "../src/i18n/en.js";
import { errorMessage, fieldLabel } from "../src/i18n/index.js";
import { errorSentence } from "../src/i18n/rejections.js";
import { ApiError } from "../src/lib/api.js";
import { auditDetailFields } from "../src/lib/audit-detail.js";
import { zhCN } from "../src/i18n/zh-CN.js";

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe("messages", () => {
  it("has the same keys in zh-CN and English, none empty", () => {
    expect(Object.keys(en).sort()).toEqual(Object.keys(zhCN).sort());
    for (const [key, text] of Object.entries(zhCN)) {
      expect(text.trim(), key).not.toBe("");
      expect(en[key as keyof typeof en].trim(), key).not.toBe("");
    }
  });

  it("uses the same placeholders in both languages", () => {
    for (const [key, text] of Object.entries(zhCN)) {
      expect(placeholders(en[key as keyof typeof en]), key).toEqual(placeholders(text));
    }
  });
});

describe("error messages", () => {
  it.each([...ERROR_CODES, "network"])("translates %s in both languages", (code) => {
    const sentence = errorSentence(code);
    expect(sentence?.["zh-CN"], code).toMatch(/[\u4e00-\u9fff]/);
    expect(sentence?.en, code).toMatch(/[a-z]/i);
  });

  it("finds no sentence for a code outside the table, not even an Object property", () => {
    expect(errorSentence("no_such_code")).toBeUndefined();
    expect(errorSentence("toString")).toBeUndefined();
  });

  it("covers every code the API document lists", async () => {
    const { readFile } = await import("node:fs/promises");
    const doc = await readFile(new URL("../../../docs/API.md", import.meta.url), "utf8");
    const errors = doc.slice(doc.indexOf("**Errors**"), doc.indexOf("**Limits**"));
    const listed = [...errors.matchAll(/`([a-z_]+)` (?:\d{3}|\/)/g)].map((m) => m[1]!);
    expect(listed.length).toBeGreaterThan(10);
    for (const code of listed) expect(errorSentence(code), code).toBeDefined();
  });
});

describe("Chinese typography", () => {
  it("uses full-width colons in zh-CN messages", () => {
    for (const [key, text] of Object.entries(zhCN)) {
      expect(text, key).not.toMatch(/[\u4e00-\u9fff）]\s*:|:\s*[\u4e00-\u9fff]/);
    }
  });

  it("joins a translated label and its value through common.labelled, never an ASCII colon", async () => {
    const { readdir, readFile } = await import("node:fs/promises");
    const root = new URL("../src/", import.meta.url);
    const files = (await readdir(root, { recursive: true })).filter((f) => f.endsWith(".tsx"));
    expect(files.length).toBeGreaterThan(10);
    for (const file of files) {
      const source = await readFile(new URL(file, root), "utf8");
      expect(source, file).not.toMatch(/t\("[\w.]+"\)\}?:\s/);
    }
  });

  it("says the currency once: a price placeholder is never followed by 元", () => {
    for (const [key, text] of Object.entries(zhCN)) expect(text, key).not.toMatch(/\{v\}\s*元/);
  });
});

describe("server text never reaches the reader untranslated", () => {
  /** Every field name a request can carry, from the contract's OpenAPI document. */
  function requestFields(): string[] {
    type Schema = { $ref?: string; properties?: Record<string, Schema>; items?: Schema; anyOf?: Schema[] };
    const doc = buildOpenApi() as unknown as {
      paths: Record<
        string,
        Record<
          string,
          {
            parameters?: { in?: string; name?: string }[];
            requestBody?: { content: Record<string, { schema: Schema }> };
          }
        >
      >;
      components: { schemas: Record<string, Schema> };
    };
    const names = new Set<string>();
    const walk = (schema: Schema | undefined, prefix: string): void => {
      if (schema === undefined) return;
      if (schema.$ref !== undefined)
        return walk(doc.components.schemas[schema.$ref.split("/").pop()!], prefix);
      for (const [key, child] of Object.entries(schema.properties ?? {})) {
        names.add(prefix + key);
        walk(child, `${prefix}${key}.`);
      }
      for (const option of schema.anyOf ?? []) walk(option, prefix);
      walk(schema.items, prefix);
    };
    for (const operations of Object.values(doc.paths)) {
      for (const op of Object.values(operations)) {
        for (const parameter of op.parameters ?? []) {
          // The shared Idempotency-Key header parameter is a $ref; the server names it by its header.
          names.add(parameter.name === undefined ? "Idempotency-Key" : `${parameter.in}.${parameter.name}`);
        }
        walk(op.requestBody?.content["application/json"]?.schema, "");
      }
    }
    return [...names];
  }

  it("names every request field in Chinese and English", () => {
    const fields = requestFields();
    expect(fields.length).toBeGreaterThan(20);
    for (const field of fields) {
      expect(fieldLabel("zh-CN", field), field).toMatch(/[\u4e00-\u9fff]/);
    }
    expect(fieldLabel("zh-CN", "rules.exitMultiple")).toBe(zhCN["rule.exitMultiple"]);
  });

  it("names every audit action the server writes, in Chinese and English", async () => {
    const { readdir, readFile } = await import("node:fs/promises");
    const root = new URL("../../server/src/", import.meta.url);
    const files = (await readdir(root, { recursive: true })).filter(
      (f) => f.endsWith(".ts") && !f.endsWith(".test.ts"),
    );
    const actions = new Set<string>();
    for (const file of files) {
      const source = await readFile(new URL(file, root), "utf8");
      for (const match of source.matchAll(/action: "([\w.-]+)"/g)) actions.add(match[1]!);
      // Actions built from a value: the withdrawal decisions and the pause switch.
      if (source.includes("action: `withdrawal.${decision}`")) {
        actions.add("withdrawal.approve").add("withdrawal.reject");
      }
      for (const match of source.matchAll(/action: \w+ \? "([\w.-]+)" : "([\w.-]+)"/g)) {
        actions.add(match[1]!).add(match[2]!);
      }
    }
    expect(actions.size).toBeGreaterThan(25);
    for (const action of actions) {
      const key = `audit.${action}` as keyof typeof zhCN;
      expect(zhCN[key], action).toMatch(/[\u4e00-\u9fff]/);
      expect(en[key as keyof typeof en], action).toMatch(/[a-z]/i);
    }
  });

  it("reads an audit detail as named fields, nested rules by their rule name", () => {
    const fields = auditDetailFields({ amount: "12.50", rules: { sellFee: "0.15" }, exits: [3, 4] });
    expect(fields).toEqual([
      { path: "amount", value: "12.50" },
      { path: "rules.sellFee", value: "0.15" },
      { path: "exits", value: "3, 4" },
    ]);
    expect(fieldLabel("zh-CN", "amount")).toBe("金额");
    expect(fieldLabel("zh-CN", "rules.sellFee")).toBe(zhCN["rule.sellFee"]);
    expect(auditDetailFields(null)).toEqual([]);
    // The fields of every detail the server writes (its `detail: {…}` notes) have a Chinese name.
    const detailFields = ["amount", "merchant", "date", "reference", "balance", "difference", "days"];
    detailFields.push("inviter", "points", "revoked", "rows", "total", "rules", "sessionsRevoked");
    detailFields.push(
      "sharesPerPoint",
      "toPool",
      "toSubsidy",
      "name",
      "price",
      "active",
      "split.poolContribution",
    );
    for (const field of detailFields) expect(fieldLabel("zh-CN", field), field).toMatch(/[\u4e00-\u9fff]/);
  });

  it.each(ERROR_CODES)("shows %s without the server's English reason", (code) => {
    const reason = "member nobody does not exist";
    const error = new ApiError(400, code, "member", reason, null);
    const zh = errorMessage("zh-CN", error);
    expect(zh).not.toContain(reason);
    expect(zh).toContain("会员");
    expect(errorMessage("en", error)).not.toContain(reason);
  });
});

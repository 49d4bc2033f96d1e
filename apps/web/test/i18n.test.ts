// Translations: both languages have every message, the same placeholders, and a sentence for every
// engine rejection code, rule-set error code and server error code the UI can meet.
import { REJECTION_CODES } from "@zengzhi/engine";
import { describe, expect, it } from "vitest";
import { en } from "../src/i18n/en.js";
import { ERROR_MESSAGES } from "../src/i18n/rejections.js";
import { zhCN } from "../src/i18n/zh-CN.js";

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

const RULE_SET_ERROR_CODES = [
  "invalid_field",
  "unknown_field",
  "split_not_one",
  "out_of_range",
  "multi_level_reward",
  "tiers_not_ascending",
];

// The server's own codes, as listed in docs/API.md ("Errors").
const SERVER_CODES = [
  "invalid_json",
  "invalid_field",
  "unknown_field",
  "not_a_decimal",
  "too_precise",
  "out_of_range",
  "missing_idempotency_key",
  "idempotency_key_reused",
  "body_too_large",
  "unauthenticated",
  "invalid_credentials",
  "forbidden",
  "not_found",
  "too_many_attempts",
  "scheme_paused",
  "conflict",
  "invalid_signature",
  "replayed_callback",
  "invalid_rules",
  "invalid_rows",
  "ledger_busy",
  "unsupported_media_type",
  "internal_error",
  "invalid_callback",
  "product_inactive",
  "duplicate_member",
];

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
  it.each([...REJECTION_CODES])("translates the engine rejection %s in both languages", (code) => {
    const message = ERROR_MESSAGES[code];
    expect(message, code).toBeDefined();
    expect(message!["zh-CN"]).toMatch(/[\u4e00-\u9fff]/);
    expect(message!.en).toMatch(/[a-z]/);
  });

  it.each([...RULE_SET_ERROR_CODES, ...SERVER_CODES])("translates %s in both languages", (code) => {
    expect(ERROR_MESSAGES[code]?.["zh-CN"], code).toMatch(/[\u4e00-\u9fff]/);
    expect(ERROR_MESSAGES[code]?.en, code).toMatch(/[a-z]/i);
  });

  it("covers every code the API document lists", async () => {
    const { readFile } = await import("node:fs/promises");
    const doc = await readFile(new URL("../../../docs/API.md", import.meta.url), "utf8");
    const errors = doc.slice(doc.indexOf("**Errors**"), doc.indexOf("**Limits**"));
    const listed = [...errors.matchAll(/`([a-z_]+)` (?:\d{3}|\/)/g)].map((m) => m[1]!);
    expect(listed.length).toBeGreaterThan(10);
    for (const code of listed) expect(ERROR_MESSAGES[code], code).toBeDefined();
  });
});

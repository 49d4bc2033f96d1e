/** Editing a rule-set draft (the JSON form of RULES.md) one field at a time, without mutating it. */
import type { RulesJson } from "./api.js";

/** A copy of `rules` with one field set (the input is not changed). */
export function withField(rules: RulesJson, path: string, value: unknown): RulesJson {
  const [head = "", tail] = path.split(".");
  if (tail === undefined) return { ...rules, [head]: value };
  const inner = (rules as Record<string, unknown>)[head];
  const object = typeof inner === "object" && inner !== null ? (inner as Record<string, unknown>) : {};
  return { ...rules, [head]: { ...object, [tail]: value } };
}

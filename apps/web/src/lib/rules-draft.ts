/** Editing a rule-set draft (the JSON form of RULES.md) one field at a time, without mutating it. */
import type { RulesJson, Tier } from "./api.js";

/** A copy of `rules` with one field set (the input is not changed). */
export function withField(rules: RulesJson, path: string, value: unknown): RulesJson {
  const [head = "", tail] = path.split(".");
  if (tail === undefined) return { ...rules, [head]: value };
  const inner = (rules as Record<string, unknown>)[head];
  const object = typeof inner === "object" && inner !== null ? (inner as Record<string, unknown>) : {};
  return { ...rules, [head]: { ...object, [tail]: value } };
}

/**
 * The release tiers of a draft as the JSON carries them, in the draft's order (the engine wants
 * them from health 0 upwards and names the tier at fault, so the form neither sorts nor checks them).
 * Empty when release is off or the JSON holds no list.
 */
export function releaseTiers(rules: RulesJson): Tier[] {
  const tiers = rules.release?.tiers;
  return Array.isArray(tiers) ? tiers : [];
}

function withTiers(rules: RulesJson, tiers: Tier[]): RulesJson {
  return { ...rules, release: { ...rules.release, tiers } };
}

/** A copy of `rules` with one value of one release tier set. */
export function withTierField(rules: RulesJson, index: number, key: keyof Tier, value: string): RulesJson {
  return withTiers(
    rules,
    releaseTiers(rules).map((tier, i) => (i === index ? { ...tier, [key]: value } : tier)),
  );
}

/** A copy of `rules` with an empty tier after the last one (thresholds rise down the table). */
export function withTierAdded(rules: RulesJson): RulesJson {
  return withTiers(rules, [...releaseTiers(rules), { minHealth: "", rate: "" }]);
}

/** A copy of `rules` without the release tier at `index`; the others keep their order. */
export function withTierRemoved(rules: RulesJson, index: number): RulesJson {
  return withTiers(
    rules,
    releaseTiers(rules).filter((_, i) => i !== index),
  );
}

/** True when the field the server refused is `path` or holds it (a refused `split` marks all four parts). */
export function marks(errorField: string | undefined, path: string): boolean {
  return errorField !== undefined && (errorField === path || path.startsWith(`${errorField}.`));
}

/**
 * What changed between two rule sets, field by field: both JSON documents flattened to their leaf
 * paths ("split.poolContribution", "release.tiers[0].rate"), and every path whose value differs
 * listed once with its value before and after (undefined where the field is absent on one side).
 */
export interface RuleChange {
  path: string;
  before: unknown;
  after: unknown;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

function leaves(value: unknown, path: string, into: Map<string, unknown>): Map<string, unknown> {
  if (isRecord(value)) {
    for (const [key, child] of Object.entries(value))
      leaves(child, path === "" ? key : `${path}.${key}`, into);
  } else if (Array.isArray(value)) {
    value.forEach((child, index) => leaves(child, `${path}[${index}]`, into));
    if (value.length === 0) into.set(path, value);
  } else {
    into.set(path, value);
  }
  return into;
}

export function ruleChanges(before: unknown, after: unknown): RuleChange[] {
  const old = leaves(before, "", new Map());
  const next = leaves(after, "", new Map());
  const changes: RuleChange[] = [];
  for (const path of new Set([...next.keys(), ...old.keys()])) {
    const a = old.get(path);
    const b = next.get(path);
    if (JSON.stringify(a) !== JSON.stringify(b)) changes.push({ path, before: a, after: b });
  }
  return changes;
}

/**
 * The state digest: a short hash of the figures every accepted command moves (day, period, pool,
 * supply, every cash account, counts of members, positions, withdrawals and online orders, the rule
 * set in force). A preview answers it; a command that carries it as `expect` is refused with
 * `preview_stale` when the state has moved since. It is computed from the state alone, so every node
 * and every replay of the journal gets the same digest.
 */
import type { EngineCore } from "./core.js";
import { ruleSetToJson, type RuleSet } from "./rules.js";
import { bytesToHex, sha256 } from "./sha256.js";

/** Digests are 64 lowercase hex digits. */
export const STATE_DIGEST_PATTERN = /^[0-9a-f]{64}$/;

const ruleTexts = new WeakMap<RuleSet, string>();

function rulesText(rules: RuleSet): string {
  let text = ruleTexts.get(rules);
  if (text === undefined) {
    text = JSON.stringify(ruleSetToJson(rules));
    ruleTexts.set(rules, text);
  }
  return text;
}

export function stateDigest(core: EngineCore): string {
  const a = core.accounts;
  const figures = [
    "zengzhi-state-1",
    core.day,
    core.period,
    core.listed ? 1 : 0,
    core.supply,
    ...Object.keys(a)
      .sort()
      .map((key) => `${key}=${a[key as keyof typeof a]}`),
    core.coins.imported,
    core.coins.redeemed,
    core.memberList.length,
    core.table.length,
    core.withdrawals.length,
    core.onlineOrders.size,
    rulesText(core.rules),
  ];
  return bytesToHex(sha256(new TextEncoder().encode(figures.join("\n"))));
}

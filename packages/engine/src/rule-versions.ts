/**
 * Rule-set versions: a new version applies from its event on.
 */
import { rebuildExitIndex, settle } from "./sell.js";
import { releaseAll } from "./release.js";
import { type EngineCore } from "./core.js";
import { type RuleSet } from "./rules.js";
import { type Result } from "./types.js";

export function changeRules(core: EngineCore, rules: RuleSet): Result {
  // Release owed under the old rules is applied first; the new rules apply from now on.
  releaseAll(core);
  const exitChanged = rules.exitMultiple !== core.rules.exitMultiple;
  core.rules = rules;
  if (rules.release === null) {
    for (const shared of core.memberList) {
      if (shared.lockedPositions.length === 0) continue;
      const member = core.own(shared);
      for (const i of member.lockedPositions) core.table.locked[i] = 0n;
      member.lockedPositions = [];
    }
  }
  if (exitChanged) rebuildExitIndex(core);
  return settle(core, { ok: true });
}

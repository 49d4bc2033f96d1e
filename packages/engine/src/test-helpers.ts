import {
  Engine,
  type Result,
  checkInvariants,
  loadRuleSet,
  parseCommand,
  type RuleSetInput,
} from "@zengzhi/engine";
import { expect } from "vitest";

/** An engine on the given rules (JSON form) whose `run` takes commands in JSON form and checks invariants. */
export function scenario(rules: RuleSetInput = {}, options: { exitSearch?: "index" | "scan" } = {}) {
  const engine = new Engine(loadRuleSet(rules), options);
  const run = (json: Record<string, unknown>): Result => {
    const result = engine.apply(parseCommand(json));
    expect(checkInvariants(engine)).toEqual([]);
    return result;
  };
  const ok = (json: Record<string, unknown>) => {
    const result = run(json);
    if (!result.ok)
      throw new Error(`expected ${JSON.stringify(json)} to be accepted: ${result.rejection.code}`);
    return result;
  };
  const rejected = (json: Record<string, unknown>) => {
    const result = run(json);
    if (result.ok) throw new Error(`expected ${JSON.stringify(json)} to be rejected`);
    return result.rejection.code;
  };
  return { engine, run, ok, rejected };
}

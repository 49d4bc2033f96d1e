/**
 * Scenario replay: `{ rules, events }` in, final state and one result per event out. The contract
 * behind `zengzhi replay`.
 */
import { z } from "zod";
import { CommandError, parseCommand } from "./commands.js";
import { Engine } from "./engine.js";
import { RuleSetError, loadRuleSet } from "./rules.js";
import { engineToJson } from "./state.js";
import { resultToJson } from "./result-json.js";
import type { Command } from "./types.js";

const scenarioSchema = z.strictObject({
  rules: z.record(z.string(), z.unknown()).optional(),
  events: z.array(z.unknown()),
});

/** A scenario file that cannot be read; the message names the problem in one line. */
export class ScenarioError extends Error {
  override name = "ScenarioError";
}

export interface Scenario {
  engine: Engine;
  commands: Command[];
}

/** Reads and validates a whole scenario before anything runs. */
export function parseScenario(raw: unknown): Scenario {
  const parsed = scenarioSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const path = issue.path.join(".");
    const reason = issue.code === "unrecognized_keys" ? `unknown field "${issue.keys[0]}"` : issue.message;
    throw new ScenarioError(`${path === "" ? "scenario" : path}: ${reason}`);
  }
  let engine: Engine;
  try {
    engine = new Engine(loadRuleSet(parsed.data.rules ?? {}));
  } catch (error) {
    if (error instanceof RuleSetError)
      throw new ScenarioError(`rules.${error.path}: ${error.reason} (${error.code})`);
    throw error;
  }
  const commands = parsed.data.events.map((event, i) => {
    try {
      return parseCommand(event, `events[${i}]`);
    } catch (error) {
      if (error instanceof CommandError) throw new ScenarioError(error.message);
      throw error;
    }
  });
  return { engine, commands };
}

export function replay(raw: unknown) {
  const { engine, commands } = parseScenario(raw);
  const results = commands.map((command) => resultToJson(engine.apply(command)));
  return { ...engineToJson(engine), results };
}

/**
 * Scenario files: a rule set plus a model of demand and member behaviour, validated by one zod
 * schema. Every error names the field it is about ("demand.spend.median: ..."). The rules themselves
 * are validated by the engine's `loadRuleSet`, never here.
 */
import {
  DecimalError,
  MONEY_DECIMALS,
  type RuleSet,
  RuleSetError,
  loadRuleSet,
  parseDecimal,
} from "@zengzhi/engine";
import { z } from "zod";

/** Bounds on what one scenario may ask for, so a typo cannot ask for a year of computing. */
export const SCENARIO_LIMITS = {
  horizonDaysMax: 7_300,
  membersPerDayMax: 1_000_000,
  capacityMax: 20_000_000,
  runsMax: 10_000,
  financingEventsMax: 1_000,
  phasesMax: 100,
  orderWeightMax: 1_000,
} as const;

const money = z
  .string()
  .regex(/^\d+(\.\d{1,2})?$/, 'must be an amount in yuan as a decimal string such as "12.50"');
const share = z.number().min(0).max(1);
const days = z.number().int().min(0).max(SCENARIO_LIMITS.horizonDaysMax);

const curveSchema = z.discriminatedUnion("curve", [
  z.strictObject({
    curve: z.literal("constant"),
    perDay: z.number().min(0).max(SCENARIO_LIMITS.membersPerDayMax),
  }),
  z.strictObject({
    curve: z.literal("exponential"),
    perDay: z.number().min(0).max(SCENARIO_LIMITS.membersPerDayMax),
    growthPerDay: z.number().min(-1).max(1),
    maxPerDay: z.number().min(0).max(SCENARIO_LIMITS.membersPerDayMax).optional(),
  }),
  z.strictObject({
    curve: z.literal("logistic"),
    capacity: z.number().int().min(1).max(SCENARIO_LIMITS.capacityMax),
    growthPerDay: z.number().gt(0).max(1),
    midpointDay: z.number().min(0).max(SCENARIO_LIMITS.horizonDaysMax),
  }),
  // Demand that grows, stalls, declines or jumps: from each phase's first day on, perDay new members
  // a day, changing by growthPerDay (negative: declining, 0: stalled) a day until the next phase.
  z.strictObject({
    curve: z.literal("phases"),
    phases: z
      .array(
        z.strictObject({
          fromDay: days,
          perDay: z.number().min(0).max(SCENARIO_LIMITS.membersPerDayMax),
          growthPerDay: z.number().min(-1).max(1).optional(),
          maxPerDay: z.number().min(0).max(SCENARIO_LIMITS.membersPerDayMax).optional(),
        }),
      )
      .min(1)
      .max(SCENARIO_LIMITS.phasesMax),
  }),
]);

const spendSchema = z.discriminatedUnion("distribution", [
  z.strictObject({ distribution: z.literal("fixed"), amount: money }),
  z.strictObject({ distribution: z.literal("uniform"), min: money, max: money }),
  z.strictObject({
    distribution: z.literal("lognormal"),
    median: money,
    sigma: z.number().min(0).max(5),
    min: money.optional(),
    max: money.optional(),
  }),
]);

/** The JSON form of a scenario (what files contain and what the web page edits). */
export const scenarioInputSchema = z.strictObject({
  name: z.string().max(200).optional(),
  description: z.string().max(2000).optional(),
  rules: z.record(z.string(), z.unknown()).optional(),
  horizonDays: z.number().int().min(1).max(SCENARIO_LIMITS.horizonDaysMax),
  seed: z
    .number()
    .int()
    .min(0)
    .max(2 ** 31 - 1)
    .optional(),
  runs: z.number().int().min(1).max(SCENARIO_LIMITS.runsMax).optional(),
  cohort: z.enum(["week", "month"]).optional(),
  orderWeight: z.number().int().min(1).max(SCENARIO_LIMITS.orderWeightMax).optional(),
  demand: z.strictObject({
    newMembers: curveSchema,
    shock: z
      .strictObject({
        day: days,
        newMembersFactor: z.number().min(0).max(10).optional(),
        repeatFactor: z.number().min(0).max(10).optional(),
      })
      .nullable()
      .optional(),
    spend: spendSchema,
    repeat: z
      .strictObject({
        meanDaysBetween: z.number().min(1).max(10_000),
        activeDays: z.number().int().min(1).max(SCENARIO_LIMITS.horizonDaysMax).optional(),
      })
      .nullable()
      .optional(),
  }),
  behaviour: z
    .strictObject({
      holdToExit: share.optional(),
      sellAtMultiple: z.strictObject({ share, multiple: z.number().gt(0).max(100) }).optional(),
      panicSell: z.strictObject({ share, stallDays: z.number().int().min(1).max(3650) }).optional(),
      sellShareDaily: z
        .strictObject({
          share,
          rate: z.number().gt(0).max(1),
          everyDays: z.number().int().min(1).max(365).optional(),
        })
        .optional(),
    })
    .optional(),
  financing: z
    .array(
      z.strictObject({
        day: days,
        toPool: money.optional(),
        toSubsidy: money.optional(),
        label: z.string().max(100).optional(),
      }),
    )
    .max(SCENARIO_LIMITS.financingEventsMax)
    .optional(),
});

export type ScenarioInput = z.infer<typeof scenarioInputSchema>;

export type GrowthCurve = z.infer<typeof curveSchema>;

/** Spend per order in fen (whole yuan after sampling, see run.ts). */
export type SpendModel =
  | { distribution: "fixed"; amount: number }
  | { distribution: "uniform"; min: number; max: number }
  | { distribution: "lognormal"; median: number; sigma: number; min: number; max: number };

export interface Behaviour {
  holdToExit: number;
  sellAtMultiple: { share: number; multiple: number };
  panicSell: { share: number; stallDays: number };
  /** Sells `rate` of each position a day, batched every `everyDays` days (1 − (1 − rate)^everyDays at a time). */
  sellShareDaily: { share: number; rate: number; everyDays: number };
}

export interface FinancingEvent {
  day: number;
  toPool: bigint;
  toSubsidy: bigint;
  label: string;
}

/** A validated scenario: the engine's exact rule set plus the demand and behaviour model. */
export interface Scenario {
  name: string;
  description: string;
  /** The rules as given (JSON), kept for sweeps and reports. */
  rulesInput: Record<string, unknown>;
  rules: RuleSet;
  horizonDays: number;
  seed: number;
  runs: number;
  cohort: "week" | "month";
  /**
   * The most members one simulated member may stand for (1: every member simulated). A member who
   * stands for k members orders k times the drawn amount on the days drawn for it, so the engine
   * applies about 1/k of the orders, each exactly; issuance, exits and sells being proportional to
   * the amounts, the pool, supply and price move nearly as under the full demand. Counts in the
   * result (members, orders, exits, cohort sizes) count each member k times. k ramps up with the
   * pool (see the simulator's weightToday) so a scheme's first days, where single orders move the
   * price, are simulated member by member. What it approximates: the k members share their dice
   * (behaviour, amounts, order days), and rules keyed on a member's absolute health (release tiers)
   * are reached k times sooner.
   */
  orderWeight: number;
  demand: {
    newMembers: GrowthCurve;
    shock: { day: number; newMembersFactor: number; repeatFactor: number } | null;
    spend: SpendModel;
    repeat: { meanDaysBetween: number; activeDays: number } | null;
  };
  behaviour: Behaviour;
  financing: FinancingEvent[];
}

/** A scenario that cannot be used; `path` names the field, the message is one line. */
export class ScenarioError extends Error {
  override name = "ScenarioError";
  constructor(
    readonly path: string,
    readonly reason: string,
  ) {
    super(path === "" ? `scenario: ${reason}` : `scenario field ${path}: ${reason}`);
  }
}

function fen(path: string, text: string): number {
  try {
    return Number(parseDecimal(text, MONEY_DECIMALS));
  } catch (error) {
    if (error instanceof DecimalError) throw new ScenarioError(path, error.message);
    throw error;
  }
}

function zodToScenarioError(error: z.ZodError): ScenarioError {
  const issue = error.issues[0]!;
  const path = issue.path.map(String).join(".");
  if (issue.code === "unrecognized_keys") {
    const key = issue.keys[0] ?? "";
    return new ScenarioError(path === "" ? key : `${path}.${key}`, "unknown field");
  }
  if (issue.code === "invalid_union" && issue.path.length > 0) {
    return new ScenarioError(path, issue.message);
  }
  return new ScenarioError(path, issue.message);
}

function parseSpend(input: ScenarioInput["demand"]["spend"]): SpendModel {
  switch (input.distribution) {
    case "fixed": {
      const amount = fen("demand.spend.amount", input.amount);
      if (amount < 100) throw new ScenarioError("demand.spend.amount", "must be at least 1 yuan");
      return { distribution: "fixed", amount };
    }
    case "uniform": {
      const min = fen("demand.spend.min", input.min);
      const max = fen("demand.spend.max", input.max);
      if (min < 100) throw new ScenarioError("demand.spend.min", "must be at least 1 yuan");
      if (max < min) throw new ScenarioError("demand.spend.max", "must not be below min");
      return { distribution: "uniform", min, max };
    }
    case "lognormal": {
      const median = fen("demand.spend.median", input.median);
      const min = input.min === undefined ? 100 : fen("demand.spend.min", input.min);
      const max = input.max === undefined ? median * 1000 : fen("demand.spend.max", input.max);
      if (median < 100) throw new ScenarioError("demand.spend.median", "must be at least 1 yuan");
      if (min < 100) throw new ScenarioError("demand.spend.min", "must be at least 1 yuan");
      if (max < min) throw new ScenarioError("demand.spend.max", "must not be below min");
      return { distribution: "lognormal", median, sigma: input.sigma, min, max };
    }
  }
}

function parseBehaviour(input: ScenarioInput["behaviour"]): Behaviour {
  const sellAtMultiple = input?.sellAtMultiple ?? { share: 0, multiple: 2 };
  const panicSell = input?.panicSell ?? { share: 0, stallDays: 30 };
  const shareInput = input?.sellShareDaily ?? { share: 0, rate: 0.01 };
  const sellShareDaily = {
    share: shareInput.share,
    rate: shareInput.rate,
    everyDays: shareInput.everyDays ?? 1,
  };
  const others = sellAtMultiple.share + panicSell.share + sellShareDaily.share;
  const holdToExit = input?.holdToExit ?? Math.max(0, 1 - others);
  if (Math.abs(holdToExit + others - 1) > 1e-9) {
    throw new ScenarioError(
      input?.holdToExit === undefined ? "behaviour" : "behaviour.holdToExit",
      `the shares of the behaviours add up to ${holdToExit + others}, not 1`,
    );
  }
  return { holdToExit, sellAtMultiple, panicSell, sellShareDaily };
}

/** Phases must start on day 0 and follow each other in time, so every day has exactly one phase. */
function checkPhases(curve: GrowthCurve): void {
  if (curve.curve !== "phases") return;
  curve.phases.forEach((phase, i) => {
    if (i === 0 && phase.fromDay !== 0)
      throw new ScenarioError("demand.newMembers.phases.0.fromDay", "the first phase must start on day 0");
    if (i > 0 && phase.fromDay <= curve.phases[i - 1]!.fromDay)
      throw new ScenarioError(
        `demand.newMembers.phases.${i}.fromDay`,
        "must be after the previous phase's fromDay",
      );
  });
}

/** Loads the rules through the engine; its refusal is reported under `rules.`. */
export function loadScenarioRules(rulesInput: Record<string, unknown>): RuleSet {
  try {
    return loadRuleSet(rulesInput);
  } catch (error) {
    if (error instanceof RuleSetError) {
      throw new ScenarioError(
        error.path === "" ? "rules" : `rules.${error.path}`,
        `${error.reason} (${error.code})`,
      );
    }
    throw error;
  }
}

/** Validates a scenario's JSON form completely and returns its exact form; throws ScenarioError. */
export function parseScenario(raw: unknown): Scenario {
  const parsed = scenarioInputSchema.safeParse(raw);
  if (!parsed.success) throw zodToScenarioError(parsed.error);
  const input = parsed.data;
  const rulesInput = input.rules ?? {};
  const rules = loadScenarioRules(rulesInput);
  const shock = input.demand.shock ?? null;
  const repeat = input.demand.repeat ?? null;
  checkPhases(input.demand.newMembers);
  const financing = (input.financing ?? []).map((event, i) => {
    const toPool = event.toPool === undefined ? 0n : BigInt(fen(`financing.${i}.toPool`, event.toPool));
    const toSubsidy =
      event.toSubsidy === undefined ? 0n : BigInt(fen(`financing.${i}.toSubsidy`, event.toSubsidy));
    if (toPool + toSubsidy === 0n)
      throw new ScenarioError(`financing.${i}`, "must bring a positive toPool or toSubsidy");
    if (event.day >= input.horizonDays) throw new ScenarioError(`financing.${i}.day`, "is after the horizon");
    return { day: event.day, toPool, toSubsidy, label: event.label ?? `financing ${i + 1}` };
  });
  return {
    name: input.name ?? "scenario",
    description: input.description ?? "",
    rulesInput,
    rules,
    horizonDays: input.horizonDays,
    seed: input.seed ?? 1,
    runs: input.runs ?? 20,
    cohort: input.cohort ?? "month",
    orderWeight: input.orderWeight ?? 1,
    demand: {
      newMembers: input.demand.newMembers,
      shock:
        shock === null
          ? null
          : {
              day: shock.day,
              newMembersFactor: shock.newMembersFactor ?? 0,
              repeatFactor: shock.repeatFactor ?? 1,
            },
      spend: parseSpend(input.demand.spend),
      repeat:
        repeat === null
          ? null
          : { meanDaysBetween: repeat.meanDaysBetween, activeDays: repeat.activeDays ?? input.horizonDays },
    },
    behaviour: parseBehaviour(input.behaviour),
    financing: financing.sort((a, b) => a.day - b.day),
  };
}

/** Returns the scenario JSON with one rule field replaced (dotted path), for sweeps. The input is not changed. */
export function withRuleField(raw: unknown, field: string, value: unknown): unknown {
  if (typeof raw !== "object" || raw === null) return raw;
  const scenario = raw as Record<string, unknown>;
  const rules = structuredClone((scenario.rules ?? {}) as Record<string, unknown>);
  const parts = field.split(".");
  let target: Record<string, unknown> = rules;
  for (const part of parts.slice(0, -1)) {
    const next = target[part];
    if (typeof next !== "object" || next === null) target[part] = {};
    target = target[part] as Record<string, unknown>;
  }
  target[parts[parts.length - 1]!] = value;
  return { ...scenario, rules };
}

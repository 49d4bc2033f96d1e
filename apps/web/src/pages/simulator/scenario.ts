/**
 * The simulator page's knobs and how they become a scenario for @zengzhi/sim: slider ranges in one
 * place (test/simulator.test.ts checks every corner of them is a scenario the simulator accepts).
 */

export interface RuleKnobs {
  sellFee: number;
  exitMultiple: number;
  issueRatio: number;
}

export interface DemandKnobs {
  horizonDays: number;
  membersPerDay: number;
  spend: number;
  repeatDays: number;
  sellDaily: number;
  seed: number;
}

export const DEFAULT_DEMAND: DemandKnobs = {
  horizonDays: 365,
  membersPerDay: 20,
  spend: 500,
  repeatDays: 30,
  sellDaily: 0.3,
  seed: 1,
};
export const DEFAULT_A: RuleKnobs = { sellFee: 0.2, exitMultiple: 3, issueRatio: 0.7 };
export const DEFAULT_B: RuleKnobs = { sellFee: 0.1, exitMultiple: 2, issueRatio: 0.5 };

/** Slider values are plain numbers; the scenario's rules are decimal strings, as the engine wants them. */
const decimal = (value: number, places: number) => value.toFixed(places);

export function buildScenario(demand: DemandKnobs, rules: RuleKnobs, shape: DemandShape = "constant") {
  const curve = demandCurve(shape, demand.membersPerDay, demand.horizonDays);
  return {
    name: "web",
    horizonDays: demand.horizonDays,
    seed: demand.seed,
    runs: 1,
    rules: {
      sellFee: decimal(rules.sellFee, 2),
      exitMultiple: decimal(rules.exitMultiple, 1),
      issueRatio: decimal(rules.issueRatio, 2),
    },
    demand: {
      ...curve,
      spend: {
        distribution: "lognormal",
        median: decimal(demand.spend, 2),
        sigma: 0.6,
        min: "10.00",
        max: decimal(demand.spend * 20, 2),
      },
      repeat: { meanDaysBetween: demand.repeatDays },
    },
    // Members not selling daily hold until their forced exit (the simulator's default for the rest).
    behaviour: { sellShareDaily: { share: demand.sellDaily, rate: 0.05 } },
  };
}

export interface Range {
  min: number;
  max: number;
  step: number;
}

/** The sliders' ranges; the simulator itself allows more (SCENARIO_LIMITS), the page keeps runs short. */
export const DEMAND_RANGES: Record<Exclude<keyof DemandKnobs, "repeatDays">, Range> = {
  horizonDays: { min: 30, max: 3650, step: 5 },
  membersPerDay: { min: 1, max: 300, step: 1 },
  spend: { min: 10, max: 5000, step: 10 },
  sellDaily: { min: 0, max: 1, step: 0.05 },
  seed: { min: 1, max: 100, step: 1 },
};

/** Within the rule book's ranges (exit multiple 1.5–10); the engine validates them again. */
export const RULE_RANGES: Record<keyof RuleKnobs, Range> = {
  sellFee: { min: 0, max: 0.5, step: 0.01 },
  exitMultiple: { min: 1.5, max: 10, step: 0.5 },
  issueRatio: { min: 0.1, max: 1, step: 0.05 },
};

/** Demand shapes the page offers; each becomes the scenario's new-member curve (and shock). */
export const DEMAND_SHAPES = ["constant", "grows", "stalls", "declines", "shock"] as const;
export type DemandShape = (typeof DEMAND_SHAPES)[number];

/**
 * The scenario's demand with one of the page's shapes around `perDay` new members a day: growing
 * 1% a day (capped at 5×), growing then flat from a third of the horizon, falling 1% a day from a
 * third of the horizon, or steady until a shock stops new members and halves reorders there.
 */
export function demandCurve(shape: DemandShape, perDay: number, horizonDays: number) {
  const third = Math.max(1, Math.floor(horizonDays / 3));
  switch (shape) {
    case "constant":
      return { newMembers: { curve: "constant", perDay }, shock: null };
    case "grows":
      return {
        newMembers: { curve: "exponential", perDay, growthPerDay: 0.01, maxPerDay: perDay * 5 },
        shock: null,
      };
    case "stalls":
      return {
        newMembers: {
          curve: "phases",
          phases: [
            { fromDay: 0, perDay, growthPerDay: 0.01 },
            { fromDay: third, perDay: perDay * Math.pow(1.01, third) },
          ],
        },
        shock: null,
      };
    case "declines":
      return {
        newMembers: {
          curve: "phases",
          phases: [
            { fromDay: 0, perDay },
            { fromDay: third, perDay, growthPerDay: -0.01 },
          ],
        },
        shock: null,
      };
    case "shock":
      return {
        newMembers: { curve: "constant", perDay },
        shock: { day: third, newMembersFactor: 0, repeatFactor: 0.5 },
      };
  }
}

/** The URL hash that carries a scenario (`#scenario=` + base64url of its JSON), for sharing by link. */
export function scenarioHash(scenario: unknown): string {
  const bytes = new TextEncoder().encode(JSON.stringify(scenario));
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return `#scenario=${btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "")}`;
}

/** The scenario in a URL hash made by `scenarioHash`, or null when there is none or it is unreadable. */
export function scenarioFromHash(hash: string): unknown {
  const match = /^#scenario=([A-Za-z0-9_-]+)$/.exec(hash);
  if (match === null) return null;
  try {
    const binary = atob(match[1]!.replace(/-/g, "+").replace(/_/g, "/"));
    const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
    return JSON.parse(new TextDecoder().decode(bytes)) as unknown;
  } catch {
    return null;
  }
}

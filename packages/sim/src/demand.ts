/**
 * The demand model's expectations: new members a day, and from them the orders a run will apply,
 * which decide how many members one simulated member may stand for (the scenario's orderWeight).
 */
import { SCENARIO_LIMITS, type Scenario } from "./scenario.js";

/**
 * Orders a day a run applies one by one before its members start to stand for several: a year at
 * this rate is about 180,000 engine orders a run, well under a second of one core, so a rule-change
 * preview of 50 runs a side fits in a minute on two cores.
 */
export const EXACT_ORDERS_PER_DAY = 500;

type Curve = Scenario["demand"]["newMembers"];

function curveAt(curve: Curve, day: number): number {
  switch (curve.curve) {
    case "constant":
      return curve.perDay;
    case "exponential":
      return Math.min(curve.perDay * Math.pow(1 + curve.growthPerDay, day), curve.maxPerDay ?? Infinity);
    case "logistic": {
      const total = (t: number) =>
        curve.capacity / (1 + Math.exp(-curve.growthPerDay * (t - curve.midpointDay)));
      return total(day + 1) - total(day);
    }
    case "phases": {
      let phase = curve.phases[0]!;
      for (const next of curve.phases) if (next.fromDay <= day) phase = next;
      return Math.min(
        phase.perDay * Math.pow(1 + (phase.growthPerDay ?? 0), day - phase.fromDay),
        phase.maxPerDay ?? Infinity,
      );
    }
  }
}

/** New members expected on `day` (before the orderWeight divides them), after any demand shock. */
export function expectedNewMembers(scenario: Scenario, day: number): number {
  const expected = curveAt(scenario.demand.newMembers, day);
  const shock = scenario.demand.shock;
  return shock !== null && day >= shock.day ? expected * shock.newMembersFactor : expected;
}

/**
 * Orders a day the scenario's demand asks for on average over its horizon (new members' first and
 * repeat orders, and the repeat orders of `liveMembers` members taken over from a live state).
 */
export function expectedOrdersPerDay(scenario: Scenario, liveMembers = 0): number {
  const horizon = scenario.horizonDays;
  const repeat = scenario.demand.repeat;
  const repeats = (activeFrom: number) =>
    repeat === null ? 0 : Math.min(repeat.activeDays, horizon - activeFrom) / repeat.meanDaysBetween;
  let orders = liveMembers * repeats(0);
  for (let day = 0; day < horizon; day++) orders += expectedNewMembers(scenario, day) * (1 + repeats(day));
  return orders / horizon;
}

/**
 * The orderWeight that keeps a run near `exactPerDay` engine orders a day: 1 (every member simulated)
 * up to that rate, above it the whole number of members each simulated member stands for.
 */
export function orderWeightFor(
  scenario: Scenario,
  liveMembers = 0,
  exactPerDay = EXACT_ORDERS_PER_DAY,
): number {
  const weight = Math.floor(expectedOrdersPerDay(scenario, liveMembers) / exactPerDay);
  return Math.min(SCENARIO_LIMITS.orderWeightMax, Math.max(1, weight));
}

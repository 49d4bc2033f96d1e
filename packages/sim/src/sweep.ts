/**
 * Parameter sweeps: a grid over rule fields ("exitMultiple=2,3,4", "issueRatio=0.5:0.9:0.1"), one
 * Monte Carlo per grid cell, and the few figures per cell that the heat maps show. The rule values
 * go through the engine's loadRuleSet like any other rule set.
 */
import { RATIO_DECIMALS, formatDecimal, parseDecimal } from "@zengzhi/engine";
import type { MonteCarloResult } from "./aggregate.js";
import { ScenarioError, parseScenario, type Scenario, withRuleField } from "./scenario.js";

export const SWEEP_LIMITS = { fieldsMax: 3, valuesMax: 50, cellsMax: 400 } as const;

/** Rule fields whose JSON form is a number or boolean rather than a decimal string. */
const NUMBER_FIELDS = new Set(["halvingPeriodDays", "refundWindowDays"]);
const BOOLEAN_FIELDS = new Set(["exitFeeApplies", "pointsOrdersEarn"]);

export interface SweepAxis {
  field: string;
  values: string[];
}

export class SweepError extends Error {
  override name = "SweepError";
}

function expandRange(spec: string, field: string): string[] {
  const [from, to, step] = spec.split(":");
  const parse = (text: string | undefined, what: string) => {
    try {
      return parseDecimal(text ?? "", RATIO_DECIMALS);
    } catch {
      throw new SweepError(`sweep ${field}: ${what} "${text ?? ""}" is not a decimal number`);
    }
  };
  const start = parse(from, "start");
  const end = parse(to, "end");
  const increment = parse(step, "step");
  if (increment <= 0n) throw new SweepError(`sweep ${field}: the step must be greater than 0`);
  const values: string[] = [];
  for (let v = start; v <= end; v += increment) {
    if (values.length >= SWEEP_LIMITS.valuesMax)
      throw new SweepError(`sweep ${field}: more than ${SWEEP_LIMITS.valuesMax} values`);
    values.push(formatDecimal(v, RATIO_DECIMALS).replace(/\.?0+$/, ""));
  }
  return values;
}

/** Parses "field=v1,v2,..." or "field=start:end:step". */
export function parseSweepAxis(spec: string): SweepAxis {
  const eq = spec.indexOf("=");
  if (eq <= 0)
    throw new SweepError(
      `sweep "${spec}": expected FIELD=VALUES, e.g. exitMultiple=2,3,4 or issueRatio=0.5:0.9:0.1`,
    );
  const field = spec.slice(0, eq).trim();
  const list = spec.slice(eq + 1).trim();
  const values = list.includes(":") ? expandRange(list, field) : list.split(",").map((v) => v.trim());
  if (values.length === 0 || values.some((v) => v === ""))
    throw new SweepError(`sweep ${field}: empty value`);
  if (values.length > SWEEP_LIMITS.valuesMax)
    throw new SweepError(`sweep ${field}: more than ${SWEEP_LIMITS.valuesMax} values`);
  return { field, values };
}

function jsonValue(field: string, value: string): unknown {
  if (value === "null") return null;
  if (BOOLEAN_FIELDS.has(field)) {
    if (value !== "true" && value !== "false")
      throw new SweepError(`sweep ${field}: "${value}" is not true or false`);
    return value === "true";
  }
  if (NUMBER_FIELDS.has(field)) {
    const n = Number(value);
    if (!Number.isInteger(n)) throw new SweepError(`sweep ${field}: "${value}" is not a whole number`);
    return n;
  }
  return value;
}

export interface SweepCell {
  values: string[];
  /** The scenario JSON of this cell (the base with the cell's rule values). */
  raw: unknown;
  scenario: Scenario;
}

/** Every cell of the grid, each validated by the engine; an invalid value names its field. */
export function sweepCells(raw: unknown, axes: SweepAxis[]): SweepCell[] {
  if (axes.length === 0 || axes.length > SWEEP_LIMITS.fieldsMax) {
    throw new SweepError(`a sweep takes 1 to ${SWEEP_LIMITS.fieldsMax} fields`);
  }
  let cells: { values: string[]; raw: unknown }[] = [{ values: [], raw }];
  for (const axis of axes) {
    cells = cells.flatMap((cell) =>
      axis.values.map((value) => ({
        values: [...cell.values, value],
        raw: withRuleField(cell.raw, axis.field, jsonValue(axis.field, value)),
      })),
    );
  }
  if (cells.length > SWEEP_LIMITS.cellsMax)
    throw new SweepError(`the sweep has ${cells.length} cells; at most ${SWEEP_LIMITS.cellsMax}`);
  return cells.map((cell) => {
    try {
      return { ...cell, scenario: parseScenario(cell.raw) };
    } catch (error) {
      if (error instanceof ScenarioError) {
        const at = axes.map((axis, i) => `${axis.field}=${cell.values[i]}`).join(", ");
        throw new SweepError(`sweep cell ${at}: ${error.message}`);
      }
      throw error;
    }
  });
}

/** The figures a heat map shows for one cell (medians across the cell's runs). */
export interface SweepMetrics {
  finalPrice: number;
  lossShare: number;
  firstCohortExitedShare: number;
  backToMembersShare: number;
  volumeForTwice: number | null;
}

export const SWEEP_METRIC_LABELS: Record<keyof SweepMetrics, string> = {
  finalPrice: "final price (median)",
  lossShare: "share of members who got back less cash than they paid",
  firstCohortExitedShare: "share of the first cohort force-exited",
  backToMembersShare: "cash back to members ÷ cash paid by members",
  volumeForTwice: "volume multiple for 2× price",
};

export function sweepMetrics(result: MonteCarloResult): SweepMetrics {
  const last = result.bands.price.p50.length - 1;
  const paid = result.money.paidByMembers.p50;
  return {
    finalPrice: result.bands.price.p50[last]!,
    lossShare: result.lossShare.p50,
    firstCohortExitedShare: result.cohorts[0]?.exitedShare.p50 ?? NaN,
    backToMembersShare: paid > 0 ? result.money.backToMembers.p50 / paid : NaN,
    volumeForTwice:
      result.volumeMultiple.twice.runsReached * 2 >= result.runs ? result.volumeMultiple.twice.p50 : null,
  };
}

export interface SweepResult {
  axes: SweepAxis[];
  runsPerCell: number;
  cells: { values: string[]; metrics: SweepMetrics; summary: string[] }[];
}

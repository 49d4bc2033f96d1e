/**
 * The simulator's Web Worker: runs scenarios with @zengzhi/sim (the rules engine underneath) off the
 * main thread, reports progress, and posts back the daily series and the final figures.
 */
import { parseScenario, type RunResult, runScenario, ScenarioError } from "@zengzhi/sim";

export interface SimRequest {
  id: number;
  /** Index of the first scenario in the page's list (a page may spread its scenarios over workers). */
  first?: number;
  scenarios: unknown[];
}

export interface SimSeries {
  price: Float64Array;
  pool: Float64Array;
  supply: Float64Array;
  members: Float64Array;
  exits: Float64Array;
}

export interface SimOutcome {
  series: SimSeries;
  final: { day: number; price: string; pool: string; supply: string };
  counters: {
    orders: number;
    sells: number;
    exits: number;
    members: number;
    positions: number;
    openPositions: number;
  };
  money: Record<string, string>;
  invariants: string[];
}

/** A share of a Monte Carlo: the runs of these seeds, each posted back whole as it finishes. */
export interface MonteCarloRequest {
  id: number;
  kind: "monteCarlo";
  scenario: unknown;
  seeds: number[];
}

export type MonteCarloMessage =
  | { id: number; kind: "runProgress"; seed: number; done: number; total: number }
  | { id: number; kind: "run"; seed: number; result: RunResult }
  | { id: number; kind: "error"; path: string; reason: string };

function monteCarlo({ id, scenario: raw, seeds }: MonteCarloRequest): void {
  const postRun = (message: MonteCarloMessage) =>
    (self as unknown as { postMessage: (m: MonteCarloMessage) => void }).postMessage(message);
  try {
    const scenario = parseScenario(raw);
    for (const seed of seeds) {
      let last = 0;
      const result = runScenario(scenario, seed, (done, total) => {
        if (done === total || done - last >= Math.max(1, Math.floor(total / 20))) {
          last = done;
          postRun({ id, kind: "runProgress", seed, done, total });
        }
      });
      postRun({ id, kind: "run", seed, result });
    }
  } catch (error) {
    if (error instanceof ScenarioError)
      postRun({ id, kind: "error", path: error.path, reason: error.reason });
    else
      postRun({
        id,
        kind: "error",
        path: "",
        reason: error instanceof Error ? error.message : String(error),
      });
  }
}

export type SimMessage =
  | { id: number; kind: "progress"; index: number; done: number; total: number }
  | { id: number; kind: "result"; index: number; outcome: SimOutcome }
  | { id: number; kind: "error"; index: number; path: string; reason: string };

const post = (message: SimMessage, transfer: Transferable[] = []) =>
  (self as unknown as { postMessage: (m: SimMessage, t: Transferable[]) => void }).postMessage(
    message,
    transfer,
  );

self.onmessage = (event: MessageEvent<SimRequest | MonteCarloRequest>) => {
  if ("kind" in event.data) {
    monteCarlo(event.data);
    return;
  }
  const { id, scenarios, first = 0 } = event.data;
  scenarios.forEach((raw, offset) => {
    const index = first + offset;
    try {
      const scenario = parseScenario(raw);
      let last = 0;
      const result = runScenario(scenario, scenario.seed, (done, total) => {
        // At most ~50 progress messages per run.
        if (done === total || done - last >= Math.max(1, Math.floor(total / 50))) {
          last = done;
          post({ id, kind: "progress", index, done, total });
        }
      });
      const series: SimSeries = {
        price: result.series.price,
        pool: result.series.pool,
        supply: result.series.supply,
        members: result.series.members,
        exits: result.series.exits,
      };
      post(
        {
          id,
          kind: "result",
          index,
          outcome: {
            series,
            final: result.final,
            counters: result.counters,
            money: { ...result.money },
            invariants: result.invariants,
          },
        },
        [
          series.price.buffer,
          series.pool.buffer,
          series.supply.buffer,
          series.members.buffer,
          series.exits.buffer,
        ],
      );
    } catch (error) {
      if (error instanceof ScenarioError)
        post({ id, kind: "error", index, path: error.path, reason: error.reason });
      else
        post({
          id,
          kind: "error",
          index,
          path: "",
          reason: error instanceof Error ? error.message : String(error),
        });
    }
  });
};

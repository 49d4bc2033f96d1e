// Runs: deterministic per seed, invariants sound at the end of every run of every shipped scenario,
// behaviours that actually sell, and worker threads that give the same answer as one thread.
import { readdirSync, readFileSync } from "node:fs";
import { checkInvariants } from "@zengzhi/engine";
import {
  type RunResult,
  aggregateRuns,
  parseScenario,
  runMonteCarlo,
  runScenario,
  simulate,
} from "@zengzhi/sim";
import { describe, expect, it } from "vitest";
import { monteCarlo } from "./node.js";

const scenarioDir = new URL("../../../scenarios/", import.meta.url);
const shipped = readdirSync(scenarioDir).filter((f) => f.endsWith(".json"));

/** A shipped scenario cut down to test size: shorter horizon, fewer members. */
function small(file: string): Record<string, unknown> {
  const raw = JSON.parse(readFileSync(new URL(file, scenarioDir), "utf8")) as Record<string, unknown>;
  const horizonDays = Math.min(raw.horizonDays as number, 150);
  const demand = structuredClone(raw.demand) as {
    newMembers: Record<string, number>;
    shock?: { day: number } | null;
  };
  const curve = demand.newMembers;
  if (curve.perDay !== undefined) curve.perDay = Math.min(curve.perDay, 30);
  if (curve.maxPerDay !== undefined) curve.maxPerDay = 60;
  if (curve.capacity !== undefined) Object.assign(curve, { capacity: 5000, midpointDay: 60 });
  if (demand.shock) demand.shock.day = 90;
  const financing = ((raw.financing ?? []) as { day: number }[]).map((f) => ({
    ...f,
    day: Math.min(f.day, 100),
  }));
  return { ...raw, horizonDays, demand, financing };
}

const plain = (result: RunResult) =>
  JSON.stringify(result, (_k, v: unknown) => (ArrayBuffer.isView(v) ? Array.from(v as Float64Array) : v));

describe("runs", () => {
  it("ships the article's example and at least three other scenarios, all valid", () => {
    expect(shipped).toContain("article.json");
    expect(shipped.length).toBeGreaterThanOrEqual(4);
    for (const file of shipped)
      expect(() => parseScenario(JSON.parse(readFileSync(new URL(file, scenarioDir), "utf8")))).not.toThrow();
  });

  for (const file of shipped) {
    it(`${file}: the engine's invariants hold at the end of the run`, () => {
      const { result, engine } = simulate(parseScenario(small(file)), 11);
      expect(result.invariants).toEqual([]);
      expect(checkInvariants(engine)).toEqual([]);
      expect(result.counters.orders).toBeGreaterThan(0);
    });
  }

  it("is deterministic per seed and differs between seeds", () => {
    const scenario = parseScenario(small("growth-then-shock.json"));
    const a = plain(runScenario(scenario, 3));
    expect(plain(runScenario(scenario, 3))).toBe(a);
    expect(plain(runScenario(scenario, 4))).not.toBe(a);
  });

  it("makes the behaviours sell: sell-at-multiple, panic and daily shares all reach the engine", () => {
    const scenario = parseScenario({
      horizonDays: 120,
      demand: {
        newMembers: { curve: "constant", perDay: 40 },
        shock: { day: 60, newMembersFactor: 0, repeatFactor: 0 },
        spend: { distribution: "lognormal", median: "200", sigma: 0.6 },
      },
      behaviour: {
        holdToExit: 0.25,
        sellAtMultiple: { share: 0.25, multiple: 1.2 },
        panicSell: { share: 0.25, stallDays: 5 },
        sellShareDaily: { share: 0.25, rate: 0.05 },
      },
    });
    const { result, engine } = simulate(scenario, 2);
    expect(result.counters.sells).toBeGreaterThan(1000);
    expect(result.counters.sellsRefused).toBe(0);
    expect(result.counters.ordersRefused).toBe(0);
    expect(Number(result.money.backToMembers)).toBeGreaterThan(0);
    // After the shock the price stalls, so panicking members sold everything they could.
    expect(result.counters.members).toBe(2400);
    expect(engine.accounts.wallets).toBe(BigInt(Math.round(Number(result.money.backToMembers) * 100)));
    expect(checkInvariants(engine)).toEqual([]);
  });

  it("a Monte Carlo aggregates bands that contain the median and counts every run", () => {
    const scenario = parseScenario(small("steady-growth.json"));
    const mc = runMonteCarlo(scenario, { runs: 5, seed: 1 });
    expect(mc.runs).toBe(5);
    expect(mc.seeds).toEqual([1, 2, 3, 4, 5]);
    const last = mc.bands.price.p50.length - 1;
    expect(mc.bands.price.p10[last]).toBeLessThanOrEqual(mc.bands.price.p50[last]!);
    expect(mc.bands.price.p50[last]).toBeLessThanOrEqual(mc.bands.price.p90[last]!);
    expect(mc.invariants).toEqual({ runsChecked: 5, runsBroken: 0, firstProblem: null });
    expect(mc.summary[0]).toMatch(/simulation, not a forecast/);
    expect(mc.summary.join(" ")).not.toMatch(/guarantee|will earn|promise[sd]? (a|you)/i);
  });

  it("worker threads give exactly the result of one thread (needs the compiled dist/worker.js)", async () => {
    const raw = small("shared-purchase.json");
    const parallel = await monteCarlo(raw, { runs: 4, seed: 9, threads: 2 });
    const scenario = parseScenario(raw);
    const sequential = aggregateRuns(
      scenario,
      [9, 10, 11, 12].map((seed) => runScenario(scenario, seed)),
    );
    expect(JSON.stringify(parallel.result)).toBe(JSON.stringify(sequential));
  });
});

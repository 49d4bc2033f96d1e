/**
 * One simulated run: the demand model decides who orders how much on which day and the behaviour
 * model decides who sells when; the engine applies every command and decides everything else
 * (points, prices, fees, forced exits). The run observes the engine once a day.
 */
import { Engine, type Command, type PositionView, type Result, checkInvariants } from "@zengzhi/engine";
import { expectedNewMembers } from "./demand.js";
import { MinHeap } from "./heap.js";
import { Random } from "./random.js";
import type { Scenario } from "./scenario.js";
import { type RunResult, collectResult } from "./observe.js";
import { type Counters, EXITED, OPEN, RESET, SOLD_OUT, type Series, Tracker } from "./tracker.js";

export type ProgressCallback = (done: number, total: number) => void;

const HOLD = 0;
const SELL_AT_MULTIPLE = 1;
const PANIC = 2;
const SELL_SHARE = 3;

const AMOUNT_CACHE_YUAN = 1_000_000;
/** An order of weighted members may bring at most this share of the pool (see `weightToday`). */
export const WEIGHT_POOL_SHARE = 1e-3;
const MEMBER_CAP = 20_000_000;
/** How often a "sell at a multiple" position whose points are still locked tries again. */
const LOCKED_RETRY_DAYS = 7;

class Simulation {
  readonly engine: Engine;
  readonly random: Random;
  readonly track: Tracker;
  readonly counters: Counters = {
    orders: 0,
    ordersRefused: 0,
    sells: 0,
    sellsRefused: 0,
    exits: 0,
    resets: 0,
  };
  readonly series: Series;
  day = 0;
  volumeFen = 0;
  private readonly sellAtMultiple = new MinHeap();
  private panicPositions: number[] = [];
  private lockedWaiting: number[] = [];
  private sharePositions: number[] = [];
  private readonly amountCache: (bigint | undefined)[] = [];
  private readonly shareRate: bigint;
  private readonly thresholds: number[];
  private repeatFrom = 0;
  /** The mean order amount of the spend model, in fen (for the order weight). */
  private readonly meanSpendFen: number;

  /** Positions with ids up to this one existed before the run (a run from a live state). */
  readonly positionBase: number;
  /** Positions of the starting state that the run's engine closed by a forced exit. */
  startExits = 0;
  readonly startOpen: number;

  constructor(
    readonly scenario: Scenario,
    seed: number,
    start?: StartState,
  ) {
    this.engine = start === undefined ? new Engine(scenario.rules) : startEngine(scenario, start);
    this.positionBase = this.engine.positionCount;
    this.startOpen = this.engine.openPositionCount();
    this.track = new Tracker(start === undefined ? "m" : (start.memberPrefix ?? "sim-m"));
    this.random = new Random(seed);
    this.meanSpendFen = meanSpendFen(scenario);
    const days = scenario.horizonDays;
    this.series = {
      price: new Float64Array(days),
      pool: new Float64Array(days),
      supply: new Float64Array(days),
      members: new Float64Array(days),
      volume: new Float64Array(days),
      backToMembers: new Float64Array(days),
      exits: new Float64Array(days),
    };
    const b = scenario.behaviour;
    const batch = 1 - Math.pow(1 - b.sellShareDaily.rate, b.sellShareDaily.everyDays);
    this.shareRate = BigInt(Math.round(batch * 1e9));
    this.thresholds = [b.holdToExit, b.sellAtMultiple.share, b.panicSell.share, b.sellShareDaily.share];
    for (const id of start?.members ?? []) {
      if (this.engine.hasMember(id)) this.track.adoptMember(id, this.pickBehaviour());
    }
  }

  runDay(day: number): void {
    this.day = day;
    if (day > 0) this.apply({ type: "advance", days: 1 });
    for (const event of this.scenario.financing) {
      if (event.day === day) {
        this.apply({
          type: "financing",
          toPool: event.toPool,
          toSubsidy: event.toSubsidy,
          label: event.label,
        });
      }
    }
    this.newMembers(day);
    this.repeats(day);
    this.sellAtMultipleDay();
    const stall = this.scenario.behaviour.panicSell.stallDays;
    if (day > stall && this.series.price[day - 1]! <= this.series.price[day - 1 - stall]!) this.panicDay();
    if (this.sharePositions.length > 0 && day % this.scenario.behaviour.sellShareDaily.everyDays === 0)
      this.sellShareDay();
    this.observe(day);
  }

  private apply(command: Command): Result {
    const result = this.engine.apply(command);
    if (result.ok && result.exits !== undefined) this.markExits(result.exits, result.reset === true);
    return result;
  }

  private markExits(ids: number[], reset: boolean): void {
    const track = this.track;
    for (const id of ids) {
      if (id <= this.positionBase) {
        // A position of the starting state: not one of the simulated members', counted apart.
        if (this.engine.position(id)?.closeReason !== "reset") this.startExits++;
        continue;
      }
      let state = EXITED;
      if (reset && this.engine.position(id)?.closeReason === "reset") state = RESET;
      track.positionState[id] = state;
      track.positionEndDay[id] = this.day;
      track.positionPoints[id] = 0;
      if (state === EXITED) this.counters.exits += track.positionWeight(id);
      else this.counters.resets += track.positionWeight(id);
    }
  }

  private newMembers(day: number): void {
    // Whole expected members arrive for sure; the fraction left over arrives with its probability,
    // so small curves still produce members and large ones are not noisier than the model says.
    const weight = this.weightToday();
    const expected = expectedNewMembers(this.scenario, day) / weight;
    let count = Math.floor(expected);
    if (this.random.next() < expected - count) count++;
    count = Math.min(count, MEMBER_CAP - this.track.memberCount);
    for (let i = 0; i < count; i++) {
      const member = this.track.addMember(day, this.pickBehaviour(), weight);
      this.order(member);
    }
  }

  /**
   * Members each member joining today stands for: the scenario's orderWeight once one weighted order
   * brings at most WEIGHT_POOL_SHARE of the pool, fewer before (1 in a scheme's first days). A
   * weighted order takes all its points at the price before it, where `weight` separate orders would
   * each move the price a little: against a large pool the difference vanishes.
   */
  private weightToday(): number {
    const most = this.scenario.orderWeight;
    if (most === 1) return 1;
    const fit = Math.floor((Number(this.engine.pool) * WEIGHT_POOL_SHARE) / this.meanSpendFen);
    return Math.min(most, Math.max(1, fit));
  }

  private pickBehaviour(): number {
    const thresholds = this.thresholds;
    let u = this.random.next();
    for (let kind = 0; kind < thresholds.length; kind++) {
      u -= thresholds[kind]!;
      if (u < 0) return kind;
    }
    return HOLD;
  }

  private repeats(day: number): void {
    const repeat = this.scenario.demand.repeat;
    if (repeat === null) return;
    const track = this.track;
    while (this.repeatFrom < track.memberCount && track.joinDay(this.repeatFrom) < day - repeat.activeDays) {
      this.repeatFrom++;
    }
    const eligible = track.memberCount - this.repeatFrom;
    if (eligible === 0) return;
    const shock = this.scenario.demand.shock;
    const factor = shock !== null && day >= shock.day ? shock.repeatFactor : 1;
    const count = this.random.poisson((eligible / repeat.meanDaysBetween) * factor);
    for (let i = 0; i < count; i++) this.order(this.repeatFrom + this.random.below(eligible));
  }

  /** An order amount in fen, drawn from the spend model and rounded to whole yuan (except fixed amounts). */
  private sampleAmount(): number {
    const spend = this.scenario.demand.spend;
    switch (spend.distribution) {
      case "fixed":
        return spend.amount;
      case "uniform":
        return Math.round((spend.min + this.random.next() * (spend.max - spend.min)) / 100) * 100;
      case "lognormal": {
        const value = spend.median * Math.exp(spend.sigma * this.random.normal());
        return Math.round(Math.min(spend.max, Math.max(spend.min, value)) / 100) * 100;
      }
    }
  }

  private amountBig(fen: number): bigint {
    const yuan = fen / 100;
    if (!Number.isInteger(yuan) || yuan >= AMOUNT_CACHE_YUAN) return BigInt(fen);
    return (this.amountCache[yuan] ??= BigInt(fen));
  }

  private order(member: number): void {
    const track = this.track;
    // A member who stands for `weight` members orders for all of them at once.
    const weight = track.weight[member]!;
    const fen = this.sampleAmount() * weight;
    const hint = track.engineIndex(member);
    // Every order command has one shape: before its first order a member's hint is -1, which names
    // no member, and the engine looks the id up instead.
    const command: Command = {
      type: "order",
      member: track.ids[member]!,
      amount: this.amountBig(fen),
      memberHint: hint,
    };
    const result = this.engine.apply(command);
    // Only orders create members in a run, so a member's first order adds it last in creation order.
    if (hint < 0 && result.ok) track.setEngineIndex(member, this.engine.memberCount - 1);
    if (!result.ok) {
      this.counters.ordersRefused += weight;
      return;
    }
    this.counters.orders += weight;
    this.volumeFen += fen;
    const id = result.position!;
    const issued = Number(result.points ?? 0n);
    track.addPosition(id, member, issued);
    track.addOrder(member, fen, id);
    if (result.exits !== undefined) this.markExits(result.exits, result.reset === true);
    switch (track.behaviour[member]) {
      case SELL_AT_MULTIPLE:
        if (issued > 0) this.sellAtMultiple.push(this.sellPrice(fen, 0, issued), id);
        break;
      case PANIC:
        this.panicPositions.push(id);
        break;
      case SELL_SHARE:
        this.sharePositions.push(id);
        break;
    }
  }

  /** The price (yuan per point) at which a "sell at a multiple" member sells this position. */
  private sellPrice(spendFen: number, soldGrossFen: number, points: number): number {
    const multiple = this.scenario.behaviour.sellAtMultiple.multiple;
    return (multiple * spendFen - soldGrossFen) / 100 / (points / 1e8);
  }

  /**
   * Sells `points` (all unlocked points when null) of an open position. Returns the points the
   * position still holds afterwards (0 when it closed or exited). A caller that has just read the
   * position passes its view, which saves reading it again.
   */
  private sell(id: number, points: bigint | null, read?: PositionView): bigint {
    const track = this.track;
    if (track.positionState[id] !== OPEN) return 0n;
    const view = read ?? this.engine.position(id);
    if (view === undefined || view.status !== "open") return 0n;
    const unlocked = view.points - view.locked;
    const n = points === null || points > unlocked ? unlocked : points;
    if (n <= 0n) return view.points;
    const member = track.ids[track.positionMember[id]!]!;
    const left = view.points - n;
    track.positionPoints[id] = Number(left);
    const result = this.engine.apply({ type: "sell", member, position: id, points: n });
    if (!result.ok) {
      track.positionPoints[id] = Number(view.points);
      this.counters.sellsRefused += track.positionWeight(id);
      return view.points;
    }
    this.counters.sells += track.positionWeight(id);
    if (left === 0n) {
      track.positionState[id] = SOLD_OUT;
      track.positionEndDay[id] = this.day;
    }
    if (result.exits !== undefined) this.markExits(result.exits, result.reset === true);
    return track.positionState[id] === OPEN ? left : 0n;
  }

  private priceYuan(): number {
    return Number(this.engine.priceUnits()) / 1e8;
  }

  private sellAtMultipleDay(): void {
    const heap = this.sellAtMultiple;
    if (this.day % LOCKED_RETRY_DAYS === 0 && this.lockedWaiting.length > 0) {
      // Positions whose points were still locked come back with the price at which the member sells
      // what is left (after what they already sold).
      for (const id of this.lockedWaiting) {
        if (this.track.positionState[id] !== OPEN) continue;
        const view = this.engine.position(id)!;
        heap.push(this.sellPrice(Number(view.spend), Number(view.soldGross), Number(view.points)), id);
      }
      this.lockedWaiting = [];
    }
    let price = this.priceYuan();
    let guard = heap.size;
    while (heap.peekKey() <= price && guard-- > 0) {
      const id = heap.pop();
      // Points still locked (daily release) stay; they are retried every LOCKED_RETRY_DAYS days.
      if (this.sell(id, null) > 0n) this.lockedWaiting.push(id);
      price = this.priceYuan();
    }
  }

  private panicDay(): void {
    const still: number[] = [];
    for (const id of this.panicPositions) if (this.sell(id, null) > 0n) still.push(id);
    this.panicPositions = still;
  }

  private sellShareDay(): void {
    const still: number[] = [];
    const price = this.priceYuan();
    for (const id of this.sharePositions) {
      if (this.track.positionState[id] !== OPEN) continue;
      const held = this.track.positionPoints[id]!;
      // A remainder worth less than one yuan (a member's share of it) is sold whole rather than in ever smaller slices.
      const all = (held / 1e8) * price < this.track.positionWeight(id);
      const view = all ? null : this.engine.position(id);
      const n =
        view === null || view === undefined
          ? null
          : ((view.points - view.locked) * this.shareRate) / 1_000_000_000n;
      if (n === 0n) {
        still.push(id);
        continue;
      }
      if (this.sell(id, n, view ?? undefined) > 0n) still.push(id);
    }
    this.sharePositions = still;
  }

  private observe(day: number): void {
    const engine = this.engine;
    const series = this.series;
    const accounts = engine.accounts;
    series.price[day] = this.priceYuan();
    series.pool[day] = Number(engine.pool) / 100;
    series.supply[day] = Number(engine.supply) / 1e8;
    series.members[day] = this.track.weightedMembers;
    series.volume[day] = this.volumeFen / 100;
    series.backToMembers[day] =
      Number(accounts.wallets + accounts.withdrawalsPending + accounts.withdrawn) / 100;
    series.exits[day] = this.counters.exits;
  }
}

/**
 * Where a run starts when not from an empty scheme: a copy of a live engine (restored from its
 * snapshot, so every run gets its own) that the run may change. When `applyRules` is set, the
 * scenario's rule set is installed first by a `rules` command, as a published rule change would be.
 */
export interface StartState {
  engine: () => Engine;
  applyRules: boolean;
  /** Prefix of simulated members' ids, so they never meet a live member's (default "sim-m"). */
  memberPrefix?: string;
  /**
   * Live members who go on ordering (repeat orders under the demand model's `repeat`), e.g. those
   * active in the last weeks; they are no entry cohort of the run.
   */
  members?: readonly string[];
}

/** The spend model's mean order amount, in fen. */
function meanSpendFen(scenario: Scenario): number {
  const spend = scenario.demand.spend;
  switch (spend.distribution) {
    case "fixed":
      return spend.amount;
    case "uniform":
      return (spend.min + spend.max) / 2;
    case "lognormal":
      return Math.min(spend.max, spend.median * Math.exp((spend.sigma * spend.sigma) / 2));
  }
}

function startEngine(scenario: Scenario, start: StartState): Engine {
  const engine = start.engine();
  if (start.applyRules) {
    const result = engine.apply({ type: "rules", rules: scenario.rules });
    if (!result.ok) throw new Error(`the proposed rules were refused: ${result.rejection.code}`);
  }
  return engine;
}

export interface RunOptions {
  onProgress?: ProgressCallback;
  start?: StartState;
}

/** Runs one scenario with one seed and returns the engine as well (for tests and tools). */
export function simulate(
  scenario: Scenario,
  seed: number,
  options: RunOptions = {},
): { result: RunResult; engine: Engine } {
  const simulation = new Simulation(scenario, seed, options.start);
  const horizon = scenario.horizonDays;
  const step = Math.max(1, Math.floor(horizon / 100));
  for (let day = 0; day < horizon; day++) {
    simulation.runDay(day);
    if (options.onProgress !== undefined && ((day + 1) % step === 0 || day + 1 === horizon)) {
      options.onProgress(day + 1, horizon);
    }
  }
  const invariants = checkInvariants(simulation.engine);
  const result = collectResult({
    scenario,
    seed,
    engine: simulation.engine,
    track: simulation.track,
    series: simulation.series,
    counters: simulation.counters,
    invariants,
    positionBase: simulation.positionBase,
    startExits: simulation.startExits,
    startOpen: simulation.startOpen,
  });
  return { result, engine: simulation.engine };
}

/** Runs one scenario with one seed: deterministic, the same result for the same (scenario, seed). */
export function runScenario(
  scenario: Scenario,
  seed: number = scenario.seed,
  onProgress?: ProgressCallback,
): RunResult {
  return simulate(scenario, seed, onProgress === undefined ? {} : { onProgress }).result;
}

/**
 * What one run found, read from the engine at the end of the run and from the simulator's daily
 * observations: cohorts, payout multiples, where the money went, the volume needed to lift the price.
 * Plain data (numbers, strings, typed arrays) so it crosses worker threads and goes into JSON.
 */
import { type Engine, PRICE_DECIMALS, formatDecimal, formatMoney, formatPoints } from "@zengzhi/engine";
import type { Scenario } from "./scenario.js";
import { type Counters, EXITED, OPEN, type Series, type Tracker } from "./tracker.js";

export interface Spread {
  min: number;
  p10: number;
  p50: number;
  p90: number;
  max: number;
}

/** One entry cohort (members whose first order fell in one week or month) in one run. */
export interface CohortRun {
  startDay: number;
  members: number;
  /** Members whose first position was force-exited by the horizon. */
  exited: number;
  /** Members whose cash back (wallet) reached 1× / 2× their total spend. */
  reached1x: number;
  reached2x: number;
  /** Median days from joining to the forced exit of the first position (exited members only). */
  daysToExitMedian: number | null;
  /** Cash back ÷ spend. */
  realised: Spread;
  /** (Cash back + points still held at the final price) ÷ spend. */
  marked: Spread;
  /**
   * Members whose first position was still open 180 (365) days after they joined, of those who
   * joined at least that long before the horizon (`eligible…`; 0 when the horizon is too short).
   */
  waiting180: number;
  eligible180: number;
  waiting365: number;
  eligible365: number;
  /** What the cohort's members paid for their orders and the cash the engine paid them, in yuan. */
  cashPaid: number;
  cashReceived: number;
}

/** Days after joining at which the cohort tables count members still waiting for their exit. */
export const WAITING_DAYS = [180, 365] as const;

/** Where the money went, in yuan (exact decimal strings from the engine's accounts). */
export interface MoneyFlows {
  paidByMembers: string;
  financingIn: string;
  toMerchants: string;
  toDistribution: string;
  toPlatform: string;
  /** Everything that entered the pool: what members took back out plus what is still in it. */
  toPool: string;
  backToMembers: string;
  stillInPool: string;
  subsidyBudgetLeft: string;
}

export const MULTIPLE_EDGES = [0, 0.25, 0.5, 0.75, 1, 1.5, 2, 2.5, 3, 4];

export interface RunResult {
  seed: number;
  horizonDays: number;
  cohortDays: number;
  series: Series;
  cohorts: CohortRun[];
  money: MoneyFlows;
  /** Order volume when the price first reached 2× / 3× its end-of-day-0 level, ÷ day-0 volume. */
  volumeMultiple: { twice: number | null; thrice: number | null };
  /** New members by realised multiple; bucket i counts multiples in [edges[i], edges[i+1]), the last is open. */
  histogram: number[];
  counters: Counters & { members: number; positions: number; openPositions: number };
  final: { day: number; price: string; pool: string; supply: string };
  /** Broken engine invariants at the end of the run (empty when sound). */
  invariants: string[];
  /**
   * A run from a live state: positions that existed at the start, how many of them were open, and
   * how many of those the run's forced exits closed (all 0 for a run from an empty scheme).
   */
  start: { positions: number; open: number; exited: number };
}

export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  if (sorted.length === 0) return NaN;
  const position = q * (sorted.length - 1);
  const below = Math.floor(position);
  const above = Math.min(below + 1, sorted.length - 1);
  return sorted[below]! + (sorted[above]! - sorted[below]!) * (position - below);
}

export function spreadOf(sorted: ArrayLike<number>): Spread {
  return {
    min: sorted.length === 0 ? NaN : sorted[0]!,
    p10: quantileSorted(sorted, 0.1),
    p50: quantileSorted(sorted, 0.5),
    p90: quantileSorted(sorted, 0.9),
    max: sorted.length === 0 ? NaN : sorted[sorted.length - 1]!,
  };
}

function moneyFlows(engine: Engine): MoneyFlows {
  const a = engine.accounts;
  const back = a.wallets + a.withdrawalsPending + a.withdrawn;
  return {
    paidByMembers: formatMoney(a.paidByMembers),
    financingIn: formatMoney(a.financingIn),
    toMerchants: formatMoney(a.merchantSettlements),
    toDistribution: formatMoney(a.distribution),
    toPlatform: formatMoney(a.platformRevenue),
    toPool: formatMoney(a.pool + back + a.equity),
    backToMembers: formatMoney(back),
    stillInPool: formatMoney(a.pool),
    subsidyBudgetLeft: formatMoney(a.subsidyBudget),
  };
}

/** Volume multiple needed for the price to reach `factor` × its level at the end of day 0. */
export function volumeMultiple(series: Series, factor: number): number | null {
  const reference = series.price[0]!;
  const volume = series.volume[0]!;
  if (!(reference > 0) || !(volume > 0)) return null;
  for (let day = 1; day < series.price.length; day++) {
    if (series.price[day]! >= factor * reference) return series.volume[day]! / volume;
  }
  return null;
}

interface CollectInput {
  scenario: Scenario;
  seed: number;
  engine: Engine;
  track: Tracker;
  series: Series;
  counters: Counters;
  invariants: string[];
  positionBase: number;
  startExits: number;
  /** Open positions of the starting state when the run began. */
  startOpen: number;
}

/** Cash back and points held per member, from the engine's wallets and the tracked positions. */
function memberOutcomes(
  engine: Engine,
  track: Tracker,
  positionBase: number,
): { wallet: Float64Array; held: Float64Array; open: number } {
  const members = track.memberCount;
  const wallet = new Float64Array(members);
  const held = new Float64Array(members);
  for (let m = 0; m < members; m++) wallet[m] = Number(engine.member(track.ids[m]!)?.wallet ?? 0n);
  let open = 0;
  for (let id = positionBase + 1; id <= track.positionCount; id++) {
    if (track.positionState[id] !== OPEN) continue;
    open += track.positionWeight(id);
    const member = track.positionMember[id]!;
    held[member] = held[member]! + track.positionPoints[id]!;
  }
  return { wallet, held, open };
}

/** Positions the run opened, each counted as the members its owner stands for. */
function weightedPositions(track: Tracker, positionBase: number): number {
  let n = 0;
  for (let id = positionBase + 1; id <= track.positionCount; id++) n += track.positionWeight(id);
  return n;
}

/** Whether member m's first position was still open `days` after joining. */
function waitingAfter(track: Tracker, m: number, days: number): boolean {
  const first = track.firstPosition(m);
  if (first === 0) return false;
  return track.positionState[first] === OPEN || track.positionEndDay[first]! > track.joinDay(m) + days;
}

function waitingCounts(track: Tracker, range: [number, number], horizonDays: number) {
  const counts = { waiting180: 0, eligible180: 0, waiting365: 0, eligible365: 0 };
  for (let m = range[0]; m < range[1]; m++) {
    const age = horizonDays - 1 - track.joinDay(m);
    const w = track.weight[m]!;
    if (age >= 180) {
      counts.eligible180 += w;
      if (waitingAfter(track, m, 180)) counts.waiting180 += w;
    }
    if (age >= 365) {
      counts.eligible365 += w;
      if (waitingAfter(track, m, 365)) counts.waiting365 += w;
    }
  }
  return counts;
}

function cohortRun(
  input: CollectInput,
  outcomes: ReturnType<typeof memberOutcomes>,
  range: [number, number],
): CohortRun {
  const { track } = input;
  const [from, to] = range;
  let paidFen = 0;
  let receivedFen = 0;
  const priceFen = (input.series.price[input.series.price.length - 1] ?? 0) * 100;
  const realised = new Float64Array(to - from);
  const marked = new Float64Array(to - from);
  const daysToExit: number[] = [];
  let members = 0;
  let exited = 0;
  let reached1x = 0;
  let reached2x = 0;
  for (let m = from; m < to; m++) {
    // A simulated member counts as the members it stands for; the spreads and the median are over
    // simulated members (within a cohort they mostly stand for equally many).
    const w = track.weight[m]!;
    members += w;
    const spend = track.spend(m);
    const cash = outcomes.wallet[m]!;
    paidFen += spend;
    receivedFen += cash;
    const r = spend > 0 ? cash / spend : 0;
    realised[m - from] = r;
    marked[m - from] = spend > 0 ? (cash + (outcomes.held[m]! / 1e8) * priceFen) / spend : 0;
    if (r >= 1) reached1x += w;
    if (r >= 2) reached2x += w;
    const first = track.firstPosition(m);
    if (first > 0 && track.positionState[first] === EXITED) {
      exited += w;
      daysToExit.push(track.positionEndDay[first]! - track.joinDay(m));
    }
  }
  realised.sort();
  marked.sort();
  daysToExit.sort((a, b) => a - b);
  return {
    startDay: track.joinDay(from),
    members,
    exited,
    reached1x,
    reached2x,
    daysToExitMedian: daysToExit.length === 0 ? null : quantileSorted(daysToExit, 0.5),
    realised: spreadOf(realised),
    marked: spreadOf(marked),
    ...waitingCounts(track, range, input.scenario.horizonDays),
    cashPaid: paidFen / 100,
    cashReceived: receivedFen / 100,
  };
}

function histogramOf(input: CollectInput, wallet: Float64Array): number[] {
  const counts = new Array<number>(MULTIPLE_EDGES.length).fill(0);
  for (let m = input.track.adopted; m < input.track.memberCount; m++) {
    const spend = input.track.spend(m);
    const r = spend > 0 ? wallet[m]! / spend : 0;
    let bucket = MULTIPLE_EDGES.length - 1;
    while (bucket > 0 && r < MULTIPLE_EDGES[bucket]!) bucket--;
    counts[bucket]! += input.track.weight[m]!;
  }
  return counts;
}

/** Turns the end state of a run into its result. */
export function collectResult(input: CollectInput): RunResult {
  const { scenario, engine, track, series } = input;
  const cohortDays = scenario.cohort === "week" ? 7 : 30;
  const outcomes = memberOutcomes(engine, track, input.positionBase);
  const cohorts: CohortRun[] = [];
  // Live members adopted at the start order again but are no entry cohort of the preview.
  let from = track.adopted;
  while (from < track.memberCount) {
    const cohort = Math.floor(track.joinDay(from) / cohortDays);
    let to = from;
    while (to < track.memberCount && Math.floor(track.joinDay(to) / cohortDays) === cohort) to++;
    const run = cohortRun(input, outcomes, [from, to]);
    run.startDay = cohort * cohortDays;
    cohorts.push(run);
    from = to;
  }
  return {
    seed: input.seed,
    horizonDays: scenario.horizonDays,
    cohortDays,
    series,
    cohorts,
    money: moneyFlows(engine),
    volumeMultiple: { twice: volumeMultiple(series, 2), thrice: volumeMultiple(series, 3) },
    histogram: histogramOf(input, outcomes.wallet),
    counters: {
      ...input.counters,
      members: track.weightedMembers,
      positions: input.positionBase + weightedPositions(track, input.positionBase),
      openPositions: outcomes.open,
    },
    final: {
      day: engine.day,
      price: formatDecimal(engine.priceUnits(), PRICE_DECIMALS),
      pool: formatMoney(engine.pool),
      supply: formatPoints(engine.supply),
    },
    invariants: input.invariants,
    start: { positions: input.positionBase, open: input.startOpen, exited: input.startExits },
  };
}

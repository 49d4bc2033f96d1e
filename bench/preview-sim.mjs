// The simulator side of `npm run bench:preview` (issue 14, item 6), on the compiled dist/:
//   engine     — orders/s of the floor (the least bigint work an exact order needs, written out here),
//                of Engine.apply on the same pre-built orders, and of the simulator's run loop, all
//                measured in this run, with the ratio engine/floor;
//   ruleChange — a rule-change preview's Monte Carlo: one year at about 10,000 orders a day, 50 runs,
//                on worker threads over every core, wall and CPU time, with the orderWeight the
//                preview picks (each engine order stands for that many members' orders).
// A benchmark, not a test: it reports what it measures and never fails on a target.
import os from "node:os";
import { Engine, RATIO_SCALE, PRICE_DENOMINATOR, loadRuleSet } from "@zengzhi/engine";
import { orderWeightFor, parseScenario, simulate } from "@zengzhi/sim";
import { monteCarlo } from "@zengzhi/sim/node";

const ORDER_POOL = 1 << 20;

/** CPU seconds of this process (every thread: the garbage collector's helpers count too). */
const cpuSecondsOf = (usage) => (usage.user + usage.system) / 1e6;
const round = (x) => Math.round(x);

// Every position stays open while the book grows (with issueRatio 0.95 the price grows as the pool's
// 0.05th power, about 2× over a million orders, far below exitMultiple 10): the loops compare the
// order path, not forced exits, which the floor does not have. The other rules are the defaults.
const RULES = { exitMultiple: "10", issueRatio: "0.95" };

/** 1,048,576 pre-built orders over `members` members, cycled: the loops measure work, not construction. */
export function orderPool(members, seed) {
  const ids = [];
  const indexes = new Int32Array(ORDER_POOL);
  const amounts = [];
  let x = seed;
  for (let i = 0; i < ORDER_POOL; i++) {
    // The LCG in 32-bit integer arithmetic (a product in doubles would lose its low bits).
    x = (Math.imul(x, 1103515245) + 12345) >>> 1;
    ids.push(`m${x % members}`);
    indexes[i] = x % members;
    // 10.00 to 1,009.99 yuan, in fen.
    amounts.push(BigInt(1000 + (x % 100000)));
  }
  return { ids, indexes, amounts };
}

/**
 * The floor: an exact order with nothing but what rule 1 needs. Find the member in a Map (created on
 * its first order), split the amount (three floored parts, the pool takes the rest), points = issueRatio
 * × contribution at pool / supply floored (the engine's rounding), add to the pool, the supply and the
 * three accounts, append the position to typed columns and its member's list, push its exit key
 * (exitMultiple × spend / points) on a float heap, and peek the top against the price.
 */
export function floorLoop(pool, orders, rules) {
  const { productCost: sp, distributionCost: sd, platformProfit: sf } = rules.split;
  const issueRatio = rules.issueRatio;
  const exitMultiple = Number(rules.exitMultiple);
  const members = new Map();
  let lastPosition = new Int32Array(1024);
  let memberOrders = new Int32Array(1024);
  const capacity = orders + 1;
  const spendColumn = new BigInt64Array(capacity);
  const pointsColumn = new BigInt64Array(capacity);
  const memberColumn = new Int32Array(capacity);
  const previousColumn = new Int32Array(capacity);
  const heapKey = new Float64Array(capacity);
  const heapIndex = new Int32Array(capacity);
  let heapLength = 0;
  let poolFen = 0n;
  let supply = 0n;
  let settlements = 0n;
  let distribution = 0n;
  let platform = 0n;
  let exitable = 0;
  const started = process.hrtime.bigint();
  const cpu = process.cpuUsage();
  for (let n = 0; n < orders; n++) {
    const k = n & (ORDER_POOL - 1);
    const id = pool.ids[k];
    const amount = pool.amounts[k];
    let m = members.get(id);
    if (m === undefined) {
      m = members.size;
      members.set(id, m);
      if (m === lastPosition.length) {
        const widerLast = new Int32Array(m * 2);
        widerLast.set(lastPosition);
        lastPosition = widerLast;
        const widerOrders = new Int32Array(m * 2);
        widerOrders.set(memberOrders);
        memberOrders = widerOrders;
      }
    }
    const productCost = (amount * sp) / RATIO_SCALE;
    const distributionCost = (amount * sd) / RATIO_SCALE;
    const platformProfit = (amount * sf) / RATIO_SCALE;
    const contribution = amount - productCost - distributionCost - platformProfit;
    const points =
      supply === 0n
        ? (issueRatio * contribution * PRICE_DENOMINATOR) / (RATIO_SCALE * rules.initialPrice)
        : (issueRatio * contribution * supply) / (RATIO_SCALE * poolFen);
    poolFen += contribution;
    supply += points;
    settlements += productCost;
    distribution += distributionCost;
    platform += platformProfit;
    memberOrders[m]++;
    spendColumn[n] = amount;
    pointsColumn[n] = points;
    memberColumn[n] = m;
    previousColumn[n] = lastPosition[m];
    lastPosition[m] = n + 1;
    // Index the exit: a float key sifted up a binary heap.
    let at = heapLength++;
    const key = (exitMultiple * Number(amount)) / Number(points);
    while (at > 0) {
      const parent = (at - 1) >> 1;
      if (heapKey[parent] <= key) break;
      heapKey[at] = heapKey[parent];
      heapIndex[at] = heapIndex[parent];
      at = parent;
    }
    heapKey[at] = key;
    heapIndex[at] = n;
    // The exit check: does the cheapest threshold qualify at the new price?
    if (heapKey[0] <= (Number(poolFen) / Number(supply)) * 1e9) exitable++;
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const cpuSeconds = cpuSecondsOf(process.cpuUsage(cpu));
  if (poolFen + settlements + distribution + platform <= 0n) throw new Error("the floor moved no cash");
  return { seconds, cpuSeconds, exitable, pool: poolFen, supply };
}

/**
 * Engine.apply of the same orders. With `hints` each command carries its member's index (creation
 * order: the order of first appearance in the cycled pool), as the simulator passes it; on a member's
 * first order the hint names no member yet and the engine falls back to its Map.
 */
export function engineLoop(pool, orders, rules, hints) {
  const engine = new Engine(rules);
  const firstSeen = new Map();
  const commands = pool.ids.map((member, k) => {
    if (!firstSeen.has(member)) firstSeen.set(member, firstSeen.size);
    const amount = pool.amounts[k];
    // Literals, not spreads: a spread copy keeps an added field outside the object.
    return hints
      ? { type: "order", member, amount, memberHint: firstSeen.get(member) }
      : { type: "order", member, amount };
  });
  const started = process.hrtime.bigint();
  const cpu = process.cpuUsage();
  for (let n = 0; n < orders; n++) engine.apply(commands[n & (ORDER_POOL - 1)]);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const cpuSeconds = cpuSecondsOf(process.cpuUsage(cpu));
  if (hints && engine.member(pool.ids[0]).index !== 0) throw new Error("hints name the wrong members");
  return { seconds, cpuSeconds, pool: engine.pool, supply: engine.supply, open: engine.openPositionCount() };
}

/** The rule-change preview's demand: 2,000 new members a day, each reordering every 15 days for 60 days. */
export function previewScenario(horizonDays = 365) {
  return {
    name: "bench: rule-change preview, a year at about 10,000 orders a day",
    horizonDays,
    demand: {
      newMembers: { curve: "constant", perDay: 2000 },
      spend: { distribution: "lognormal", median: "300", sigma: 0.8, min: "10", max: "20000" },
      repeat: { meanDaysBetween: 15, activeDays: 60 },
    },
    behaviour: {
      holdToExit: 0.65,
      sellAtMultiple: { share: 0.2, multiple: 2 },
      panicSell: { share: 0.1, stallDays: 14 },
      sellShareDaily: { share: 0.05, rate: 0.01, everyDays: 30 },
    },
  };
}

/**
 * The `engine` figures: floor, engine (with and without member hints) and the simulator's loop, in
 * orders per second of wall time and per CPU second (the steadier figure on a shared machine), with
 * the ratios engine/floor.
 */
export function measureEngine({ orders = 1_000_000, members = 200_000, repeat = 3, log = () => {} } = {}) {
  const rules = loadRuleSet(RULES);
  const pool = orderPool(members, 7);
  const names = ["floor", "engine", "engineHinted"];
  const best = Object.fromEntries(names.map((name) => [name, { seconds: Infinity, cpuSeconds: Infinity }]));
  for (let r = 0; r < repeat; r++) {
    // Interleaved, best of `repeat`: on a shared machine the least disturbed run is the truest figure.
    // Each loop starts on a collected heap, so none pays for the garbage of the one before.
    globalThis.gc?.();
    const floor = floorLoop(pool, orders, rules);
    globalThis.gc?.();
    const plain = engineLoop(pool, orders, rules, false);
    globalThis.gc?.();
    const hinted = engineLoop(pool, orders, rules, true);
    if (floor.exitable > 0 || plain.open !== orders) throw new Error("a position could exit");
    if (floor.pool !== plain.pool || floor.supply !== plain.supply || hinted.supply !== plain.supply)
      throw new Error("the floor and the engine disagree on pool or supply");
    [floor, plain, hinted].forEach((run, k) => {
      const b = best[names[k]];
      b.seconds = Math.min(b.seconds, run.seconds);
      b.cpuSeconds = Math.min(b.cpuSeconds, run.cpuSeconds);
    });
    log(
      `    round ${r + 1} (orders per CPU second): floor ${round(orders / floor.cpuSeconds).toLocaleString()}, ` +
        `engine ${round(orders / plain.cpuSeconds).toLocaleString()}, with hints ${round(orders / hinted.cpuSeconds).toLocaleString()}`,
    );
  }
  const figures = {};
  for (const name of names) {
    figures[name] = {
      ordersPerSecond: round(orders / best[name].seconds),
      ordersPerCpuSecond: round(orders / best[name].cpuSeconds),
    };
  }
  const ratio = (name) => Number((best.floor.cpuSeconds / best[name].cpuSeconds).toFixed(3));
  globalThis.gc?.();
  const sim = measureSimLoop();
  return {
    orders,
    members: new Set(pool.ids).size,
    ...figures,
    // Engine / floor in CPU time; the wall-time ratio follows it when the machine is quiet.
    ratio: ratio("engine"),
    hintedRatio: ratio("engineHinted"),
    wallRatio: Number((best.floor.seconds / best.engine.seconds).toFixed(3)),
    sim,
    simRatio: Number((sim.ordersPerCpuSecond / figures.floor.ordersPerCpuSecond).toFixed(3)),
  };
}

/** The simulator's run loop in this thread: the first 60 days of the preview scenario. */
export function measureSimLoop(days = 60) {
  const scenario = parseScenario({ ...previewScenario(days), runs: 1 });
  const started = performance.now();
  const cpu = process.cpuUsage();
  const { result } = simulate(scenario, 1);
  const cpuSeconds = cpuSecondsOf(process.cpuUsage(cpu));
  const seconds = (performance.now() - started) / 1000;
  const c = result.counters;
  return {
    days,
    orders: c.orders,
    sells: c.sells,
    exits: c.exits,
    seconds: Number(seconds.toFixed(2)),
    cpuSeconds: Number(cpuSeconds.toFixed(2)),
    ordersPerSecond: round(c.orders / seconds),
    ordersPerCpuSecond: round(c.orders / cpuSeconds),
  };
}

/**
 * The `ruleChange` figures: the Monte Carlo a rule-change preview runs, with the orderWeight the
 * preview picks for this demand (`orderWeightFor`; `weight` overrides it, 1 runs every order).
 * `orders` counts the demand's orders, `engineOrders` those the engine applied (orders ÷ weight).
 */
export async function measureRuleChange({
  runs = 50,
  days = 365,
  threads = os.availableParallelism(),
  weight,
} = {}) {
  const raw = { ...previewScenario(days), runs };
  const orderWeight = weight ?? orderWeightFor(parseScenario(raw));
  const started = performance.now();
  const cpu = process.cpuUsage();
  const mc = await monteCarlo({ ...raw, orderWeight }, { runs, seed: 1, threads });
  const seconds = (performance.now() - started) / 1000;
  const ordersTotal = mc.runs.reduce((sum, run) => sum + run.counters.orders, 0);
  return {
    runs,
    days,
    threads,
    orderWeight,
    ordersPerRunPerDay: round(ordersTotal / runs / days),
    orders: ordersTotal,
    engineOrders: ordersTotal / orderWeight,
    seconds: Number(seconds.toFixed(2)),
    cpuSeconds: Number(cpuSecondsOf(process.cpuUsage(cpu)).toFixed(2)),
    ordersPerSecond: round(ordersTotal / seconds),
    runsWithBrokenInvariants: mc.result.invariants.runsBroken,
    targetSeconds: 60,
  };
}

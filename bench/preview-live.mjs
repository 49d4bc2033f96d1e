// Previews from the live state (issue 14, items 1 and 6), timed on a tenant with 1,000,000 open
// positions: each preview kind forks the engine, applies the action to the copy and answers what it
// would do. Beside them, measured in the same run on the same engine: one plain order (the cost of a
// command), a bare fork, and the naive fork a preview could have used instead (snapshot round trip).
// Imported by bench/preview.mjs; `previewLive()` answers the JSON the runner prints under `previews`.
import {
  AMOUNT_MAX,
  Engine,
  engineFromSnapshot,
  engineSnapshot,
  loadRuleSet,
  parseCommand,
} from "@zengzhi/engine";

const OPEN = Number(process.env.BENCH_OPEN_POSITIONS ?? 1_000_000);
const MEMBERS = Number(process.env.BENCH_MEMBERS ?? 250_000);
const RUNS = Number(process.env.BENCH_PREVIEW_RUNS ?? 7);

const quantile = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];

/** Median and p95 of `runs` timings of fn (after one untimed warm-up run), in milliseconds. */
function time(fn, runs) {
  const ms = [];
  let last = fn();
  for (let r = 0; r < runs; r++) {
    const t0 = process.hrtime.bigint();
    last = fn();
    ms.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  ms.sort((a, b) => a - b);
  const round = (x) => Math.round(x * 1000) / 1000;
  return { medianMs: round(quantile(ms, 0.5)), p95Ms: round(quantile(ms, 0.95)), runs, last };
}

/** A tenant whose 1,000,000 positions stay open (exit at 10×), with withdrawals and online orders pending. */
function buildTenant() {
  const engine = new Engine(loadRuleSet({ exitMultiple: "10", refundWindowDays: 1 }));
  let x = 1;
  for (let i = 0; i < OPEN; i++) {
    x = (x * 1103515245 + 12345) % 2147483648;
    const m = i < MEMBERS ? i : x % MEMBERS;
    // 10.00 to 1,009.99 yuan, in fen.
    engine.apply({ type: "order", member: `m${m}`, amount: BigInt(1000 + (x % 100000)), memberHint: m });
  }
  // 100 members sell a point of their first position (position w + 1) and ask to withdraw 1 fen.
  for (let w = 0; w < 100; w++) {
    engine.apply({ type: "sell", member: `m${w}`, position: w + 1, points: 100_000_000n });
    const asked = engine.apply({ type: "withdraw", member: `m${w}`, amount: 1n });
    if (!asked.ok) throw new Error(`withdraw: ${asked.rejection.code}`);
  }
  engine.apply(parseCommand({ type: "advance", days: 1 }));
  for (let o = 1; o <= 1000; o++) {
    engine.apply(parseCommand({ type: "orderPaid", order: o, member: `m${o}`, amount: "50.00" }));
  }
  return engine;
}

const command = (json) => parseCommand(json);

export async function previewLive({ log = () => {} } = {}) {
  const t0 = process.hrtime.bigint();
  const engine = buildTenant();
  const buildSeconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const view = engine.view;
  const pool = engine.pool;
  log(
    `built ${engine.openPositionCount().toLocaleString()} open positions over ${MEMBERS.toLocaleString()} members in ${buildSeconds.toFixed(1)} s`,
  );

  const withdrawals = [];
  for (let id = 1; id <= 100; id++)
    withdrawals.push(command({ type: id % 2 ? "withdrawApprove" : "withdrawReject", withdrawal: id }));
  const kinds = {
    financingSmall: [command({ type: "financing", toPool: "1000.00", toSubsidy: "500.00" })],
    // Enough cash to lift the price past every position's exit: a million forced exits.
    financingExitsAll: [
      { type: "financing", toPool: AMOUNT_MAX < pool * 100n ? AMOUNT_MAX : pool * 100n, toSubsidy: 0n },
    ],
    closeDay: [command({ type: "advance", days: 1 })],
    ruleVersion: [command({ type: "rules", rules: { exitMultiple: "9", refundWindowDays: 1 } })],
    withdrawalBatch100: withdrawals,
    listing: [command({ type: "listing", sharesPerPoint: "1" })],
  };
  const previews = {};
  // Kinds that touch every position cost seconds: fewer runs of those.
  const heavy = new Set(["financingExitsAll", "listing"]);
  for (const [kind, commands] of Object.entries(kinds)) {
    const runs = heavy.has(kind) ? Math.min(RUNS, 3) : RUNS;
    const { last, ...timing } = time(() => view.previewCommands(commands), runs);
    previews[kind] = {
      ...timing,
      exits: last.exits.count,
      owners: last.exits.owners,
      membersCredited: last.credits.members,
      closed: last.closed,
      settledOrders: last.settledOrders,
      refused: last.refused?.rejection.code ?? null,
    };
    log(
      `${kind}: median ${timing.medianMs} ms, p95 ${timing.p95Ms} ms (${last.exits.count.toLocaleString()} exits, ${last.credits.members.toLocaleString()} members credited)`,
    );
  }

  // Baselines on the same engine. One plain order: applied to the live engine (it stays a preview
  // scenario: a small order moves nothing else).
  let n = 0;
  const order = time(
    () =>
      engine.apply({ type: "order", member: `m${n % MEMBERS}`, amount: 5000n, memberHint: n++ % MEMBERS }),
    1001,
  );
  const digest = time(() => view.stateDigest(), 101);
  const naive = time(() => engineFromSnapshot(engineSnapshot(engine)), 3);
  // Last, as it changes the live engine for good: the real financing that exits every position,
  // to set its preview's cost against the command's own.
  const t1 = process.hrtime.bigint();
  const applied = engine.apply(kinds.financingExitsAll[0]);
  const appliedMs = Number(process.hrtime.bigint() - t1) / 1e6;
  if (!applied.ok) throw new Error(`financing: ${applied.rejection.code}`);
  const baseline = {
    plainOrderMs: order.medianMs,
    plainOrderP95Ms: order.p95Ms,
    stateDigestMs: digest.medianMs,
    snapshotRoundTrip: { medianMs: naive.medianMs, p95Ms: naive.p95Ms, runs: naive.runs },
    financingExitsAllAppliedMs: Math.round(appliedMs),
    financingExitsAllAppliedExits: applied.exits?.length ?? 0,
  };
  log(
    `baseline: one plain order ${order.medianMs} ms, state digest ${digest.medianMs} ms, snapshot round trip ${naive.medianMs} ms`,
  );
  return {
    openPositions: OPEN,
    members: MEMBERS,
    buildSeconds: Math.round(buildSeconds * 10) / 10,
    kinds: previews,
    baseline,
  };
}

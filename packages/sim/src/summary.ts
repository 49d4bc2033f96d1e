/**
 * The plain-language summary at the top of every report: what the runs showed, in sentences a
 * member or an operator can check against the charts. It describes simulated outcomes under the
 * scenario's assumptions and never promises a return. The figures and the choice of sentences are
 * made once here; each language (summary-phrases.ts) only words them.
 */
import type { MonteCarloResult, Quantiles } from "./aggregate.js";
import type { Scenario } from "./scenario.js";
import { PHRASES, type Phrases } from "./summary-phrases.js";

/** The languages of the summary: the command line's English and the web page's Chinese. */
export type SummaryLocale = "en" | "zh-CN";

const price = (x: number) => x.toFixed(x >= 100 ? 2 : 4);

function percentOf(w: Phrases) {
  return (x: number) => {
    if (x > 0 && x < 0.01) return w.under1;
    if (x > 0.99 && x < 1) return w.over99;
    return `${Math.round(x * 100)}%`;
  };
}

function formats(w: Phrases) {
  const grouped = (x: number) => Math.round(x).toLocaleString(w.numberLocale);
  return {
    percent: percentOf(w),
    times: (x: number) => w.times(x >= 100 ? grouped(x) : x.toFixed(2)),
    yuan: (x: number) => `¥${grouped(x)}`,
    range: (q: Quantiles, format: (x: number) => string) =>
      q.p10 === q.p90 ? format(q.p50) : w.range(format(q.p50), format(q.p10), format(q.p90)),
  };
}

type Formats = ReturnType<typeof formats>;

function priceSentence(w: Phrases, result: MonteCarloResult, horizon: number): string {
  const last = horizon - 1;
  const p = result.bands.price;
  const spread = p.p10[last] === p.p90[last] ? null : ([price(p.p10[last]!), price(p.p90[last]!)] as const);
  return w.price({ first: price(p.p50[0]!), last: price(p.p50[last]!), day: last, spread });
}

function volumeSentence(w: Phrases, f: Formats, result: MonteCarloResult): string {
  const { twice, thrice, theory } = result.volumeMultiple;
  const limit = w.volumeLimit(f.times(theory.twice), f.times(theory.thrice));
  if (twice.runsReached === 0) return w.volumeNever(limit);
  const three =
    thrice.runsReached === 0
      ? w.volumeNoThree
      : w.volumeThree(f.times(thrice.p50), thrice.runsReached, result.runs);
  return w.volume({ times: f.times(twice.p50), reached: twice.runsReached, runs: result.runs, three, limit });
}

function cohortSentences(w: Phrases, f: Formats, scenario: Scenario, result: MonteCarloResult): string[] {
  const cohorts = result.cohorts;
  if (cohorts.length === 0) return [w.noMembers];
  const first = cohorts[0]!;
  const last = cohorts[cohorts.length - 1]!;
  const day = scenario.horizonDays - 1;
  const sentences = [
    w.firstCohort({
      from: first.startDay,
      to: first.endDay,
      exited: f.percent(first.exitedShare.p50),
      exit: w.multiple(Number(result.scenario.rules.exitMultiple)),
      day,
      realised: f.times(first.realisedMedian.p50),
    }),
  ];
  if (last !== first) {
    sentences.push(
      w.lastCohort({
        from: last.startDay,
        to: last.endDay,
        exited: f.percent(last.exitedShare.p50),
        realised: f.times(last.realisedMedian.p50),
      }),
    );
  }
  const late = result.lateJoiners;
  if (late !== null) {
    const runs = late.runsShare === 1 ? w.everyRun : w.shareOfRuns(f.percent(late.runsShare));
    const who = late.fromDay === first.startDay ? w.members : w.membersFrom(late.fromDay);
    sentences.push(
      late.share2xMax === 0
        ? w.lateNone({ who, day, runs })
        : w.lateAtMost({ who, day, runs, share: f.percent(late.share2xMax) }),
    );
  }
  sentences.push(w.loss(f.range(result.lossShare, f.percent), day));
  return sentences;
}

function moneySentence(w: Phrases, f: Formats, result: MonteCarloResult): string {
  const m = result.money;
  const paid = m.paidByMembers.p50;
  if (!(paid > 0)) return w.paidNothing;
  const per100 = (x: number) => Math.round((x / paid) * 100);
  const merchants = per100(m.toMerchants.p50);
  const distribution = per100(m.toDistribution.p50);
  const platform = per100(m.toPlatform.p50);
  return w.money({
    paid: f.yuan(paid),
    merchants,
    distribution,
    platform,
    pool: 100 - merchants - distribution - platform,
    back: f.yuan(m.backToMembers.p50),
    still: f.yuan(m.stillInPool.p50),
    financing: m.financingIn.p50 > 0 ? f.yuan(m.financingIn.p50) : null,
  });
}

function shockSentence(w: Phrases, f: Formats, scenario: Scenario, result: MonteCarloResult): string | null {
  const shock = scenario.demand.shock;
  if (shock === null || shock.day <= 0 || shock.day >= scenario.horizonDays) return null;
  const before = result.bands.price.p50[shock.day - 1]!;
  const after = result.bands.price.p50[scenario.horizonDays - 1]!;
  const change = after / before - 1;
  const growth =
    shock.newMembersFactor === 0 ? w.shockStopped : w.shockFell(f.percent(shock.newMembersFactor));
  return w.shock({
    day: shock.day,
    growth,
    before: price(before),
    after: price(after),
    change: `${change >= 0 ? "+" : ""}${f.percent(change)}`,
  });
}

/** The summary sentences, most important first, in English (the reports) or Chinese (the web page). */
export function summarize(
  scenario: Scenario,
  result: MonteCarloResult,
  locale: SummaryLocale = "en",
): string[] {
  const w = PHRASES[locale];
  const f = formats(w);
  const sentences = [
    w.intro({ runs: result.runs, name: scenario.name, days: scenario.horizonDays }),
    priceSentence(w, result, scenario.horizonDays),
    volumeSentence(w, f, result),
    ...cohortSentences(w, f, scenario, result),
    moneySentence(w, f, result),
  ];
  const shock = shockSentence(w, f, scenario, result);
  if (shock !== null) sentences.push(shock);
  const inv = result.invariants;
  sentences.push(
    inv.runsBroken === 0
      ? w.invariantsHeld(inv.runsChecked)
      : w.invariantsBroken(inv.runsBroken, inv.runsChecked, inv.firstProblem),
  );
  return sentences;
}

/**
 * The plain-language summary at the top of every report: what the runs showed, in sentences a
 * member or an operator can check against the charts. It describes simulated outcomes under the
 * scenario's assumptions and never promises a return.
 */
import type { MonteCarloResult, Quantiles } from "./aggregate.js";
import type { Scenario } from "./scenario.js";
import { summarizeZh } from "./summary-zh.js";

/** The languages of the summary: the command line's English and the web page's Chinese. */
export type SummaryLocale = "en" | "zh-CN";

const percent = (x: number) => {
  if (x > 0 && x < 0.01) return "under 1%";
  if (x > 0.99 && x < 1) return "over 99%";
  return `${Math.round(x * 100)}%`;
};
const times = (x: number) => `${x >= 100 ? Math.round(x).toLocaleString("en-US") : x.toFixed(2)}×`;
const yuan = (x: number) => `¥${Math.round(x).toLocaleString("en-US")}`;
const price = (x: number) => x.toFixed(x >= 100 ? 2 : 4);
const range = (q: Quantiles, format: (x: number) => string) =>
  q.p10 === q.p90 ? format(q.p50) : `${format(q.p50)} (P10–P90 ${format(q.p10)}–${format(q.p90)})`;

function priceSentence(result: MonteCarloResult, horizon: number): string {
  const last = horizon - 1;
  const p = result.bands.price;
  return (
    `The price went from ${price(p.p50[0]!)} per point at the end of day 0 to ${price(p.p50[last]!)} on day ${last}` +
    (p.p10[last] === p.p90[last] ? "." : ` (median; P10–P90 ${price(p.p10[last]!)}–${price(p.p90[last]!)}).`)
  );
}

function volumeSentence(result: MonteCarloResult): string {
  const { twice, thrice, theory } = result.volumeMultiple;
  const limit = `with orders only, the continuum limit needs ${times(theory.twice)} for 2× and ${times(theory.thrice)} for 3×`;
  if (twice.runsReached === 0) {
    return `In no run did the price reach 2× its day-0 level within the horizon (${limit}).`;
  }
  const three =
    thrice.runsReached === 0
      ? "no run reached 3×"
      : `reaching 3× took ${times(thrice.p50)} (${thrice.runsReached} of ${result.runs} runs got there)`;
  return (
    `Doubling the price took cumulative order volume of ${times(twice.p50)} the first day's volume ` +
    `(${twice.runsReached} of ${result.runs} runs got there); ${three}; ${limit}.`
  );
}

function cohortSentences(scenario: Scenario, result: MonteCarloResult): string[] {
  const cohorts = result.cohorts;
  if (cohorts.length === 0) return ["No member joined in this scenario."];
  const first = cohorts[0]!;
  const last = cohorts[cohorts.length - 1]!;
  const exit = `${Number(result.scenario.rules.exitMultiple)}×`;
  const day = scenario.horizonDays - 1;
  const sentences = [
    `Of the members who joined on days ${first.startDay}–${first.endDay}, a median of ${percent(first.exitedShare.p50)} ` +
      `had their first position force-exited at ${exit} by day ${day}; the cohort's median member had received ` +
      `${times(first.realisedMedian.p50)} their spend back in cash.`,
  ];
  if (last !== first) {
    sentences.push(
      `Of those who joined on days ${last.startDay}–${last.endDay}, ${percent(last.exitedShare.p50)} had exited ` +
        `and the median member had received ${times(last.realisedMedian.p50)} their spend back in cash.`,
    );
  }
  const late = result.lateJoiners;
  if (late !== null) {
    const runs = late.runsShare === 1 ? "in every run" : `in ${percent(late.runsShare)} of runs`;
    const who =
      late.fromDay === first.startDay ? "Members" : `Members who joined on or after day ${late.fromDay}`;
    sentences.push(
      late.share2xMax === 0
        ? `${who} had not received 2× their spend in cash by day ${day} ${runs}: none of them had.`
        : `${who} had not received 2× their spend in cash by day ${day} ${runs}: at most ${percent(late.share2xMax)} of them had.`,
    );
  }
  sentences.push(
    `Across all members, ${range(result.lossShare, percent)} had received less cash than they paid by day ${day}. ` +
      `Points still held are counted at the final price in the "marked" columns; that value exists only while ` +
      `new orders keep coming, and selling many points at once lowers the price.`,
  );
  return sentences;
}

function moneySentence(result: MonteCarloResult): string {
  const m = result.money;
  const paid = m.paidByMembers.p50;
  if (!(paid > 0)) return "Members paid nothing in this scenario.";
  const per100 = (x: number) => Math.round((x / paid) * 100);
  return (
    `Of every ¥100 members paid (${yuan(paid)} in all, median), ${per100(m.toMerchants.p50)} went to merchants, ` +
    `${per100(m.toDistribution.p50)} to distribution, ${per100(m.toPlatform.p50)} to the platform and ` +
    `${100 - per100(m.toMerchants.p50) - per100(m.toDistribution.p50) - per100(m.toPlatform.p50)} to the pool. Members took ${yuan(m.backToMembers.p50)} back out ` +
    `of the pool and ${yuan(m.stillInPool.p50)} was still in it at the end` +
    (m.financingIn.p50 > 0 ? `, after ${yuan(m.financingIn.p50)} of outside financing.` : ".")
  );
}

function shockSentence(scenario: Scenario, result: MonteCarloResult): string | null {
  const shock = scenario.demand.shock;
  if (shock === null || shock.day <= 0 || shock.day >= scenario.horizonDays) return null;
  const before = result.bands.price.p50[shock.day - 1]!;
  const after = result.bands.price.p50[scenario.horizonDays - 1]!;
  const change = after / before - 1;
  const growth =
    shock.newMembersFactor === 0
      ? "new members stopped arriving"
      : `new members fell to ${percent(shock.newMembersFactor)} of the curve`;
  return (
    `From day ${shock.day} ${growth}; the median price then went from ${price(before)} to ${price(after)} ` +
    `(${change >= 0 ? "+" : ""}${percent(change)}) by the end.`
  );
}

/** The summary sentences, most important first, in English (the reports) or Chinese (the web page). */
export function summarize(
  scenario: Scenario,
  result: MonteCarloResult,
  locale: SummaryLocale = "en",
): string[] {
  if (locale === "zh-CN") return summarizeZh(scenario, result);
  const runs = result.runs === 1 ? "one run" : `${result.runs} runs (different random seeds)`;
  const sentences = [
    `This is a simulation, not a forecast: it shows what happened in ${runs} of the model in "${scenario.name}" ` +
      `over ${scenario.horizonDays} days, under that file's assumptions about demand and behaviour.`,
    priceSentence(result, scenario.horizonDays),
    volumeSentence(result),
    ...cohortSentences(scenario, result),
    moneySentence(result),
  ];
  const shock = shockSentence(scenario, result);
  if (shock !== null) sentences.push(shock);
  const inv = result.invariants;
  sentences.push(
    inv.runsBroken === 0
      ? `The engine's invariants (cash conserved, no negative balance, supply equal to the points held, exit index sound) held at the end of all ${inv.runsChecked} runs.`
      : `WARNING: the engine's invariants were broken at the end of ${inv.runsBroken} of ${inv.runsChecked} runs (${inv.firstProblem}).`,
  );
  return sentences;
}

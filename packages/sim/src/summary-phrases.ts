/**
 * The words of the summary (summary.ts) in each language: number formats and one template per
 * sentence, given figures already formatted. Adding a language adds one table here; the figures and
 * which sentences appear stay in summary.ts.
 */

type Spread = readonly [string, string] | null;

export interface Phrases {
  numberLocale: string;
  under1: string;
  over99: string;
  times(value: string): string;
  multiple(value: number): string;
  range(median: string, p10: string, p90: string): string;
  intro(a: { runs: number; name: string; days: number }): string;
  price(a: { first: string; last: string; day: number; spread: Spread }): string;
  volumeLimit(twice: string, thrice: string): string;
  volumeNever(limit: string): string;
  volumeNoThree: string;
  volumeThree(times: string, reached: number, runs: number): string;
  volume(a: { times: string; reached: number; runs: number; three: string; limit: string }): string;
  noMembers: string;
  firstCohort(a: {
    from: number;
    to: number;
    exited: string;
    exit: string;
    day: number;
    realised: string;
  }): string;
  lastCohort(a: { from: number; to: number; exited: string; realised: string }): string;
  everyRun: string;
  shareOfRuns(share: string): string;
  members: string;
  membersFrom(day: number): string;
  lateNone(a: { who: string; day: number; runs: string }): string;
  lateAtMost(a: { who: string; day: number; runs: string; share: string }): string;
  loss(range: string, day: number): string;
  paidNothing: string;
  money(a: {
    paid: string;
    merchants: number;
    distribution: number;
    platform: number;
    pool: number;
    back: string;
    still: string;
    financing: string | null;
  }): string;
  shockStopped: string;
  shockFell(share: string): string;
  shock(a: { day: number; growth: string; before: string; after: string; change: string }): string;
  invariantsHeld(checked: number): string;
  invariantsBroken(broken: number, checked: number, problem: string | null): string;
}

const en: Phrases = {
  numberLocale: "en-US",
  under1: "under 1%",
  over99: "over 99%",
  times: (value) => `${value}×`,
  multiple: (value) => `${value}×`,
  range: (median, p10, p90) => `${median} (P10–P90 ${p10}–${p90})`,
  intro: ({ runs, name, days }) =>
    `This is a simulation, not a forecast: it shows what happened in ${runs === 1 ? "one run" : `${runs} runs (different random seeds)`} of the model in "${name}" ` +
    `over ${days} days, under that file's assumptions about demand and behaviour.`,
  price: ({ first, last, day, spread }) =>
    `The price went from ${first} per point at the end of day 0 to ${last} on day ${day}` +
    (spread === null ? "." : ` (median; P10–P90 ${spread[0]}–${spread[1]}).`),
  volumeLimit: (twice, thrice) =>
    `with orders only, the continuum limit needs ${twice} for 2× and ${thrice} for 3×`,
  volumeNever: (limit) => `In no run did the price reach 2× its day-0 level within the horizon (${limit}).`,
  volumeNoThree: "no run reached 3×",
  volumeThree: (times, reached, runs) => `reaching 3× took ${times} (${reached} of ${runs} runs got there)`,
  volume: ({ times, reached, runs, three, limit }) =>
    `Doubling the price took cumulative order volume of ${times} the first day's volume ` +
    `(${reached} of ${runs} runs got there); ${three}; ${limit}.`,
  noMembers: "No member joined in this scenario.",
  firstCohort: ({ from, to, exited, exit, day, realised }) =>
    `Of the members who joined on days ${from}–${to}, a median of ${exited} ` +
    `had their first position force-exited at ${exit} by day ${day}; the cohort's median member had received ` +
    `${realised} their spend back in cash.`,
  lastCohort: ({ from, to, exited, realised }) =>
    `Of those who joined on days ${from}–${to}, ${exited} had exited ` +
    `and the median member had received ${realised} their spend back in cash.`,
  everyRun: "in every run",
  shareOfRuns: (share) => `in ${share} of runs`,
  members: "Members",
  membersFrom: (day) => `Members who joined on or after day ${day}`,
  lateNone: ({ who, day, runs }) =>
    `${who} had not received 2× their spend in cash by day ${day} ${runs}: none of them had.`,
  lateAtMost: ({ who, day, runs, share }) =>
    `${who} had not received 2× their spend in cash by day ${day} ${runs}: at most ${share} of them had.`,
  loss: (range, day) =>
    `Across all members, ${range} had received less cash than they paid by day ${day}. ` +
    `Points still held are counted at the final price in the "marked" columns; that value exists only while ` +
    `new orders keep coming, and selling many points at once lowers the price.`,
  paidNothing: "Members paid nothing in this scenario.",
  money: (m) =>
    `Of every ¥100 members paid (${m.paid} in all, median), ${m.merchants} went to merchants, ` +
    `${m.distribution} to distribution, ${m.platform} to the platform and ` +
    `${m.pool} to the pool. Members took ${m.back} back out ` +
    `of the pool and ${m.still} was still in it at the end` +
    (m.financing !== null ? `, after ${m.financing} of outside financing.` : "."),
  shockStopped: "new members stopped arriving",
  shockFell: (share) => `new members fell to ${share} of the curve`,
  shock: ({ day, growth, before, after, change }) =>
    `From day ${day} ${growth}; the median price then went from ${before} to ${after} ` +
    `(${change}) by the end.`,
  invariantsHeld: (checked) =>
    `The engine's invariants (cash conserved, no negative balance, supply equal to the points held, exit index sound) held at the end of all ${checked} runs.`,
  invariantsBroken: (broken, checked, problem) =>
    `WARNING: the engine's invariants were broken at the end of ${broken} of ${checked} runs (${problem}).`,
};

const zh: Phrases = {
  numberLocale: "zh-CN",
  under1: "不到 1%",
  over99: "超过 99%",
  times: (value) => `${value} 倍`,
  multiple: (value) => `${value} 倍`,
  range: (median, p10, p90) => `${median}（P10–P90：${p10}–${p90}）`,
  intro: ({ runs, name, days }) =>
    `这是模拟，不是预测：它展示的是情景“${name}”的模型在 ${days} 天内、按该文件关于需求和行为的假设，${runs === 1 ? "一次运行" : `${runs} 次运行（不同随机种子）`}的结果。`,
  price: ({ first, last, day, spread }) =>
    `积分单价从第 0 天结束时的 ${first} 元变为第 ${day} 天的 ${last} 元${spread === null ? "" : `（中位数；P10–P90：${spread[0]}–${spread[1]}）`}。`,
  volumeLimit: (twice, thrice) => `只有订单时，连续极限需要 ${twice}（2 倍价）和 ${thrice}（3 倍价）`,
  volumeNever: (limit) => `没有一次运行在期内使单价达到第 0 天的 2 倍（${limit}）。`,
  volumeNoThree: "没有运行达到 3 倍",
  volumeThree: (times, reached, runs) => `达到 3 倍需要 ${times}（${runs} 次中有 ${reached} 次达到）`,
  volume: ({ times, reached, runs, three, limit }) =>
    `单价翻到 2 倍所需的累计订单额为首日订单额的 ${times}（${runs} 次中有 ${reached} 次达到）；${three}；${limit}。`,
  noMembers: "此情景中没有会员加入。",
  firstCohort: ({ from, to, exited, exit, day, realised }) =>
    `第 ${from}–${to} 天加入的会员中，中位数 ${exited} 的首个仓位在第 ${day} 天前按 ${exit}出局；` +
    `该批次的中位会员拿回的现金为其付出的 ${realised}。`,
  lastCohort: ({ from, to, exited, realised }) =>
    `第 ${from}–${to} 天加入的会员中，${exited} 已出局，中位会员拿回的现金为其付出的 ${realised}。`,
  everyRun: "在每一次运行中",
  shareOfRuns: (share) => `在 ${share} 的运行中`,
  members: "会员",
  membersFrom: (day) => `第 ${day} 天及以后加入的会员`,
  lateNone: ({ who, day, runs }) => `${runs}，${who}到第 ${day} 天都没有拿回 2 倍于付出的现金：一个也没有。`,
  lateAtMost: ({ who, day, runs, share }) =>
    `${runs}，${who}到第 ${day} 天拿回 2 倍于付出现金的至多 ${share}。`,
  loss: (range, day) =>
    `全体会员中，到第 ${day} 天拿回的现金少于付出的占 ${range}。` +
    `仍持有的积分在“账面”一栏按最终单价计算；这个价值只在新订单持续进来时存在，大量同时卖出会压低单价。`,
  paidNothing: "此情景中会员没有付款。",
  money: (m) =>
    `会员每付 ¥100（中位数合计 ${m.paid}），${m.merchants} 元归商家，${m.distribution} 元为分销费用，` +
    `${m.platform} 元归平台，${m.pool} 元进入盈利池。会员从盈利池取回 ${m.back}，` +
    `期末池中仍有 ${m.still}` +
    (m.financing !== null ? `（另有外部融资 ${m.financing}）。` : "。"),
  shockStopped: "新会员停止加入",
  shockFell: (share) => `新会员降至曲线的 ${share}`,
  shock: ({ day, growth, before, after, change }) =>
    `从第 ${day} 天起${growth}；单价中位数随后从 ${before} 变为 ${after}（${change}）。`,
  invariantsHeld: (checked) =>
    `引擎的不变量（现金守恒、无负余额、积分总量等于持有量、出局索引正确）在全部 ${checked} 次运行结束时均成立。`,
  invariantsBroken: (broken, checked, problem) =>
    `警告：${checked} 次运行中有 ${broken} 次结束时引擎不变量被破坏（${problem}）。`,
};

export const PHRASES: Record<"en" | "zh-CN", Phrases> = { en, "zh-CN": zh };

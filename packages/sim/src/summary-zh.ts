/**
 * The plain-language summary in Chinese (zh-CN): the same sentences as summary.ts, from the same
 * figures, for the web page's default language. It describes simulated outcomes and promises nothing.
 */
import type { MonteCarloResult, Quantiles } from "./aggregate.js";
import type { Scenario } from "./scenario.js";

const percent = (x: number) => {
  if (x > 0 && x < 0.01) return "不到 1%";
  if (x > 0.99 && x < 1) return "超过 99%";
  return `${Math.round(x * 100)}%`;
};
const times = (x: number) => `${x >= 100 ? Math.round(x).toLocaleString("zh-CN") : x.toFixed(2)} 倍`;
const yuan = (x: number) => `¥${Math.round(x).toLocaleString("zh-CN")}`;
const price = (x: number) => x.toFixed(x >= 100 ? 2 : 4);
const range = (q: Quantiles, format: (x: number) => string) =>
  q.p10 === q.p90 ? format(q.p50) : `${format(q.p50)}（P10–P90：${format(q.p10)}–${format(q.p90)}）`;

function priceSentence(result: MonteCarloResult, horizon: number): string {
  const last = horizon - 1;
  const p = result.bands.price;
  const spread =
    p.p10[last] === p.p90[last] ? "" : `（中位数；P10–P90：${price(p.p10[last]!)}–${price(p.p90[last]!)}）`;
  return `积分单价从第 0 天结束时的 ${price(p.p50[0]!)} 元变为第 ${last} 天的 ${price(p.p50[last]!)} 元${spread}。`;
}

function volumeSentence(result: MonteCarloResult): string {
  const { twice, thrice, theory } = result.volumeMultiple;
  const limit = `只有订单时，连续极限需要 ${times(theory.twice)}（2 倍价）和 ${times(theory.thrice)}（3 倍价）`;
  if (twice.runsReached === 0) return `没有一次运行在期内使单价达到第 0 天的 2 倍（${limit}）。`;
  const three =
    thrice.runsReached === 0
      ? "没有运行达到 3 倍"
      : `达到 3 倍需要 ${times(thrice.p50)}（${result.runs} 次中有 ${thrice.runsReached} 次达到）`;
  return `单价翻到 2 倍所需的累计订单额为首日订单额的 ${times(twice.p50)}（${result.runs} 次中有 ${twice.runsReached} 次达到）；${three}；${limit}。`;
}

function cohortSentences(scenario: Scenario, result: MonteCarloResult): string[] {
  const cohorts = result.cohorts;
  if (cohorts.length === 0) return ["此情景中没有会员加入。"];
  const first = cohorts[0]!;
  const last = cohorts[cohorts.length - 1]!;
  const exit = `${Number(result.scenario.rules.exitMultiple)} 倍`;
  const day = scenario.horizonDays - 1;
  const sentences = [
    `第 ${first.startDay}–${first.endDay} 天加入的会员中，中位数 ${percent(first.exitedShare.p50)} 的首个仓位在第 ${day} 天前按 ${exit}出局；` +
      `该批次的中位会员拿回的现金为其付出的 ${times(first.realisedMedian.p50)}。`,
  ];
  if (last !== first) {
    sentences.push(
      `第 ${last.startDay}–${last.endDay} 天加入的会员中，${percent(last.exitedShare.p50)} 已出局，中位会员拿回的现金为其付出的 ${times(last.realisedMedian.p50)}。`,
    );
  }
  const late = result.lateJoiners;
  if (late !== null) {
    const runs = late.runsShare === 1 ? "在每一次运行中" : `在 ${percent(late.runsShare)} 的运行中`;
    const who = late.fromDay === first.startDay ? "会员" : `第 ${late.fromDay} 天及以后加入的会员`;
    sentences.push(
      late.share2xMax === 0
        ? `${runs}，${who}到第 ${day} 天都没有拿回 2 倍于付出的现金：一个也没有。`
        : `${runs}，${who}到第 ${day} 天拿回 2 倍于付出现金的至多 ${percent(late.share2xMax)}。`,
    );
  }
  sentences.push(
    `全体会员中，到第 ${day} 天拿回的现金少于付出的占 ${range(result.lossShare, percent)}。` +
      `仍持有的积分在“账面”一栏按最终单价计算；这个价值只在新订单持续进来时存在，大量同时卖出会压低单价。`,
  );
  return sentences;
}

function moneySentence(result: MonteCarloResult): string {
  const m = result.money;
  const paid = m.paidByMembers.p50;
  if (!(paid > 0)) return "此情景中会员没有付款。";
  const per100 = (x: number) => Math.round((x / paid) * 100);
  const pool = 100 - per100(m.toMerchants.p50) - per100(m.toDistribution.p50) - per100(m.toPlatform.p50);
  return (
    `会员每付 ¥100（中位数合计 ${yuan(paid)}），${per100(m.toMerchants.p50)} 元归商家，${per100(m.toDistribution.p50)} 元为分销费用，` +
    `${per100(m.toPlatform.p50)} 元归平台，${pool} 元进入盈利池。会员从盈利池取回 ${yuan(m.backToMembers.p50)}，` +
    `期末池中仍有 ${yuan(m.stillInPool.p50)}` +
    (m.financingIn.p50 > 0 ? `（另有外部融资 ${yuan(m.financingIn.p50)}）。` : "。")
  );
}

function shockSentence(scenario: Scenario, result: MonteCarloResult): string | null {
  const shock = scenario.demand.shock;
  if (shock === null || shock.day <= 0 || shock.day >= scenario.horizonDays) return null;
  const before = result.bands.price.p50[shock.day - 1]!;
  const after = result.bands.price.p50[scenario.horizonDays - 1]!;
  const change = after / before - 1;
  const growth =
    shock.newMembersFactor === 0 ? "新会员停止加入" : `新会员降至曲线的 ${percent(shock.newMembersFactor)}`;
  return `从第 ${shock.day} 天起${growth}；单价中位数随后从 ${price(before)} 变为 ${price(after)}（${change >= 0 ? "+" : ""}${percent(change)}）。`;
}

export function summarizeZh(scenario: Scenario, result: MonteCarloResult): string[] {
  const runs = result.runs === 1 ? "一次运行" : `${result.runs} 次运行（不同随机种子）`;
  const sentences = [
    `这是模拟，不是预测：它展示的是情景“${scenario.name}”的模型在 ${scenario.horizonDays} 天内、按该文件关于需求和行为的假设，${runs}的结果。`,
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
      ? `引擎的不变量（现金守恒、无负余额、积分总量等于持有量、出局索引正确）在全部 ${inv.runsChecked} 次运行结束时均成立。`
      : `警告：${inv.runsChecked} 次运行中有 ${inv.runsBroken} 次结束时引擎不变量被破坏（${inv.firstProblem}）。`,
  );
  return sentences;
}

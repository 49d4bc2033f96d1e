/**
 * Rule 1, the order: split, issuance at the price before the order, pool and supply, new position, health value, then exits and the reset check (settle).
 */
import { raiseHealth } from "./release.js";
import { PRICE_DENOMINATOR } from "./core.js";
import { settle } from "./sell.js";
import { DEFAULT_MERCHANT, type EngineCore, reject, tooLarge } from "./core.js";
import { RATIO_SCALE } from "./decimal.js";
import { AMOUNT_MAX, COLUMN_MAX } from "./limits.js";
import { type Split } from "./rules.js";
import { type OrderCommand, type Outcome, type Result } from "./types.js";

export function order(core: EngineCore, command: OrderCommand): Result {
  const { member: memberId, amount, merchant: merchantId = DEFAULT_MERCHANT } = command;
  const split: Split = command.split ?? core.rules.split;
  if (amount <= 0n) return reject("amount_not_positive", "the order amount must be greater than 0");
  if (amount > AMOUNT_MAX) return tooLarge();
  let member = core.memberByHint(memberId, command.memberHint);
  const coins = command.payWith === "coins";
  if (coins && (member === undefined || member.coins < amount)) {
    return reject("insufficient_coins", `member ${memberId} holds fewer legacy coins than the order amount`);
  }
  const { productCost, distributionCost, platformProfit, contribution } = splitAmount(amount, split);
  const issued = issue(core, contribution);
  if (issued > COLUMN_MAX) return tooLarge();

  member = member === undefined ? core.addMember(memberId, null) : core.own(member);
  const first = member.orders === 0;
  const accounts = core.accounts;
  let subsidy = 0n;
  if (coins) {
    // Rule 11: coins pay the order; the tenant's debt-settlement account funds the pool part.
    member.coins -= amount;
    core.coins.redeemed += amount;
    accounts.debtSettlement += contribution;
  } else {
    if (first && core.rules.subsidyRate > 0n) {
      subsidy = (amount * core.rules.subsidyRate) / RATIO_SCALE;
      if (subsidy > accounts.subsidyBudget) subsidy = accounts.subsidyBudget;
      accounts.subsidyBudget -= subsidy;
    }
    accounts.paidByMembers += subsidy === 0n ? amount : amount - subsidy;
    core.merchant(merchantId).settlement += productCost;
    accounts.merchantSettlements += productCost;
    accounts.distribution += distributionCost;
    accounts.platformRevenue += platformProfit;
  }
  accounts.pool += contribution;
  core.supply += issued;
  member.orders++;
  const id = core.openPosition(member, amount, issued, 0);

  if (first && member.inviter !== null && core.rules.healthPerReferral > 0n) {
    raiseHealth(core, core.members.get(member.inviter)!, core.rules.healthPerReferral);
  }
  if (core.rules.healthPerYuan > 0n)
    raiseHealth(core, member, (core.rules.healthPerYuan * amount) / RATIO_SCALE);
  const outcome: Outcome = { ok: true, position: id, points: issued };
  if (subsidy > 0n) outcome.subsidy = subsidy;
  outcome.split = coins
    ? { productCost: 0n, distributionCost: 0n, platformProfit: 0n, contribution }
    : { productCost, distributionCost, platformProfit, contribution };
  return settle(core, outcome);
}

/** Points issued for a pool contribution: issueRatio(day) × contribution at max(price, minPrice), floored. */
export function issue(core: EngineCore, contribution: bigint): bigint {
  return issueAt(core, contribution, core.accounts.pool, core.supply);
}

/** `issue` at the price pool / supply (initialPrice while supply is 0), for prices not yet in the state. */
export function issueAt(core: EngineCore, contribution: bigint, pool: bigint, supply: bigint): bigint {
  let n: bigint;
  let d: bigint;
  if (supply === 0n) {
    n = core.rules.initialPrice;
    d = PRICE_DENOMINATOR;
  } else {
    n = pool;
    d = supply;
  }
  const floor = core.rules.minPrice;
  if (floor > 0n && n * PRICE_DENOMINATOR < floor * d) {
    n = floor;
    d = PRICE_DENOMINATOR;
  }
  const period = core.rules.halvingPeriodDays;
  const divisor = RATIO_SCALE * n;
  // Rule 8: issueRatio(day) = issueRatio × 0.5^floor(day / halvingPeriodDays).
  const halved = period === null ? divisor : divisor << BigInt(Math.floor(core.day / period));
  return (core.rules.issueRatio * contribution * d) / halved;
}

/**
 * Divides an amount by a split: the three parts other than the pool are floored to the fen, the pool
 * takes the rest. The one place the split is computed (orders, online orders, pay with points).
 * Its small result object does not escape the order path, so the optimiser does not allocate it;
 * a reused object in the engine was slower (every write of a new bigint into an old object costs a
 * write barrier).
 */
export function splitAmount(amount: bigint, split: Split) {
  const productCost = (amount * split.productCost) / RATIO_SCALE;
  const distributionCost = (amount * split.distributionCost) / RATIO_SCALE;
  const platformProfit = (amount * split.platformProfit) / RATIO_SCALE;
  const contribution = amount - productCost - distributionCost - platformProfit;
  return { productCost, distributionCost, platformProfit, contribution };
}

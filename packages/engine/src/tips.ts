/**
 * Rule 9, merchant tips: buying points into a merchant's account and tipping them to members.
 */
import { settle } from "./sell.js";
import { type EngineCore, reject, tooLarge } from "./core.js";
import { AMOUNT_MAX, COLUMN_MAX } from "./limits.js";
import { FLAG_TIPPED } from "./positions.js";
import { type Result } from "./types.js";

export function tipBuy(core: EngineCore, merchantId: string, amount: bigint): Result {
  if (amount <= 0n) return reject("amount_not_positive", "the amount must be greater than 0");
  if (amount > AMOUNT_MAX) return tooLarge();
  const [pn, pd] = core.price();
  const bought = (amount * pd) / pn;
  if (bought === 0n) return reject("zero_points", "the amount buys no points at the current price");
  if (bought > COLUMN_MAX) return tooLarge();
  const merchant = core.merchant(merchantId);
  core.accounts.paidByMerchants += amount;
  core.accounts.pool += amount;
  core.supply += bought;
  merchant.points += bought;
  return settle(core, { ok: true, points: bought });
}

export function tip(core: EngineCore, merchantId: string, memberId: string, amount: bigint): Result {
  if (amount <= 0n) return reject("amount_not_positive", "the points to tip must be greater than 0");
  if (amount > COLUMN_MAX) return tooLarge();
  const merchant = core.merchants.get(merchantId);
  if (merchant === undefined || merchant.points < amount) {
    return reject("insufficient_merchant_points", `merchant ${merchantId} holds fewer points than the tip`);
  }
  const member = core.members.get(memberId);
  if (member === undefined) return reject("unknown_member", `member ${memberId} does not exist`);
  if (member.health < core.rules.tipMinHealth) {
    return reject("health_too_low", `member ${memberId}'s health value is below tipMinHealth`);
  }
  merchant.points -= amount;
  const id = core.openPosition(member, 0n, amount, FLAG_TIPPED);
  return { ok: true, position: id, points: amount };
}

/**
 * Rule 9, merchant tips: buying points into a merchant's account and tipping them to members.
 */
import { settle } from "./sell.js";
import { type EngineCore, reject, tooLarge } from "./core.js";
import { formatMoney } from "./decimal.js";
import { AMOUNT_MAX, COLUMN_MAX } from "./limits.js";
import { FLAG_TIPPED } from "./positions.js";
import { type Result } from "./types.js";

/**
 * A merchant buys points into its account at the current price. Paid in cash (the operator records
 * money received) or, with `funding: "prepaid"`, from the merchant's prepaid balance: money the
 * scheme already holds, so the pool entry is funded and a short balance refuses the whole buy.
 */
export function tipBuy(
  core: EngineCore,
  command: { merchant: string; amount: bigint; funding?: "prepaid" },
): Result {
  const { amount } = command;
  if (amount <= 0n) return reject("amount_not_positive", "the amount must be greater than 0");
  if (amount > AMOUNT_MAX) return tooLarge();
  const [pn, pd] = core.price();
  const bought = (amount * pd) / pn;
  if (bought === 0n) return reject("zero_points", "the amount buys no points at the current price");
  if (bought > COLUMN_MAX) return tooLarge();
  const fromPrepaid = command.funding === "prepaid";
  const balance = core.prepaid.balance(command.merchant);
  if (fromPrepaid && amount > balance) {
    const message = `the tip points cost ${formatMoney(amount)} of prepaid balance; ${formatMoney(balance)} is left`;
    return reject("prepaid_insufficient", message);
  }
  const merchant = core.merchant(command.merchant);
  if (fromPrepaid) {
    core.prepaid.balances.set(command.merchant, balance - amount);
    core.prepaid.tipDebited += amount;
    core.accounts.prepaidHeld -= amount;
  } else {
    core.accounts.paidByMerchants += amount;
  }
  core.accounts.pool += amount;
  core.supply += bought;
  merchant.points += bought;
  const outcome = settle(core, { ok: true, points: bought });
  if (fromPrepaid) outcome.prepaid = balance - amount;
  return outcome;
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

/**
 * Rule 10, paying an order with a position's released points.
 */
import { reindex, settle } from "./sell.js";
import { releaseUpToToday } from "./release.js";
import { issueAt } from "./order.js";
import { CLOSE_REASON } from "./positions.js";
import { DEFAULT_MERCHANT, type EngineCore, reject, tooLarge } from "./core.js";
import { splitAmount } from "./order.js";
import { ceilDiv } from "./decimal.js";
import { AMOUNT_MAX, COLUMN_MAX } from "./limits.js";
import { type Outcome, type PayWithPointsCommand, POSITION_CLOSED, type Result } from "./types.js";

export function payWithPoints(core: EngineCore, command: PayWithPointsCommand): Result {
  const { member: memberId, position: positionId, amount, merchant: merchantId = DEFAULT_MERCHANT } = command;
  const i = core.ownedOpenPosition(memberId, positionId);
  if (typeof i !== "number") return i;
  if (amount <= 0n) return reject("amount_not_positive", "the amount must be greater than 0");
  if (amount > AMOUNT_MAX) return tooLarge();
  const t = core.table;
  const pool = core.accounts.pool;
  // n = X / p rounded up: the member burns at least the value received.
  const burned = ceilDiv(amount * core.supply, pool);
  if (burned > t.points[i]!) {
    return reject("insufficient_points", `position ${positionId} holds too few points to pay this amount`);
  }
  releaseUpToToday(core, i);
  if (burned > t.points[i]! - t.locked[i]!) {
    return reject("points_locked", `position ${positionId} has too few released points to pay this amount`);
  }
  let contribution = 0n;
  let issued = 0n;
  if (core.rules.pointsOrdersEarn) {
    // The order's pool part stays in the pool and earns points as rule 1, at the price before that
    // part is added: the price after the burn, (pool − X) / (supply − n), which rounding only raises.
    // A burn of the whole supply leaves no price, so the price before the burn applies.
    contribution = splitAmount(amount, core.rules.split).contribution;
    const supplyAfterBurn = core.supply - burned;
    issued =
      supplyAfterBurn === 0n
        ? issueAt(core, contribution, pool, core.supply)
        : issueAt(core, contribution, pool - amount, supplyAfterBurn);
    if (issued > COLUMN_MAX) return tooLarge();
  }
  core.supply -= burned;
  const left = t.points[i]! - burned;
  t.points[i] = left;
  if (t.locked[i]! > left) t.locked[i] = left;
  t.setSoldGross(i, t.soldGrossOf(i) + amount);
  core.accounts.pool = pool - amount + contribution;
  core.merchant(merchantId).settlement += amount - contribution;
  core.accounts.merchantSettlements += amount - contribution;
  const outcome: Outcome = { ok: true, points: burned };
  if (left === 0n) core.close(i, POSITION_CLOSED, CLOSE_REASON.sold);
  else reindex(core, i);
  if (contribution > 0n) {
    core.supply += issued;
    outcome.position = core.openPosition(core.memberList[t.member[i]!]!, amount, issued, 0);
  }
  return settle(core, outcome);
}

/**
 * Rule 12, withdrawals: requested against the wallet, then approved or rejected. An approved one is
 * paid out by the service (a provider's transfer or a manual one) and ends paid, or returned to the
 * wallet when the payout fails: each once, since only an approved withdrawal can end either way.
 */
import { type EngineCore, reject } from "./core.js";
import { type Result } from "./types.js";

export function withdraw(core: EngineCore, memberId: string, amount: bigint): Result {
  if (amount <= 0n) return reject("amount_not_positive", "the amount must be greater than 0");
  const found = core.members.get(memberId);
  if (found === undefined) return reject("unknown_member", `member ${memberId} does not exist`);
  const member = core.own(found);
  if (amount > member.wallet) return reject("insufficient_funds", "the wallet holds less than the amount");
  const perRequest = core.rules.withdrawalMaxPerRequest;
  if (perRequest !== null && amount > perRequest) {
    return reject("withdrawal_over_request_limit", "the amount is above the limit per request");
  }
  const today = member.withdrawDay === core.day ? member.withdrawnToday : 0n;
  const perDay = core.rules.withdrawalMaxPerDay;
  if (perDay !== null && today + amount > perDay) {
    return reject("withdrawal_over_daily_limit", "the amount would pass the limit per day");
  }
  member.withdrawDay = core.day;
  member.withdrawnToday = today + amount;
  member.wallet -= amount;
  core.accounts.wallets -= amount;
  core.accounts.withdrawalsPending += amount;
  const id = core.withdrawals.length + 1;
  core.withdrawals.push({ id, member, amount, day: core.day, status: "pending" });
  return { ok: true, withdrawal: id };
}

export function decideWithdrawal(core: EngineCore, id: number, approve: boolean): Result {
  const withdrawal = Number.isSafeInteger(id) && id >= 1 ? core.withdrawals[id - 1] : undefined;
  if (withdrawal === undefined) return reject("unknown_withdrawal", `there is no withdrawal ${id}`);
  if (withdrawal.status !== "pending") {
    return reject("withdrawal_not_pending", `withdrawal ${id} was already ${withdrawal.status}`);
  }
  core.accounts.withdrawalsPending -= withdrawal.amount;
  // A fresh object rather than a write: a fork shares the live engine's withdrawal objects.
  const member = core.own(withdrawal.member);
  core.withdrawals[id - 1] = { ...withdrawal, member, status: approve ? "approved" : "rejected" };
  if (approve) {
    core.accounts.withdrawn += withdrawal.amount;
  } else {
    member.wallet += withdrawal.amount;
    core.accounts.wallets += withdrawal.amount;
    if (member.withdrawDay === withdrawal.day) member.withdrawnToday -= withdrawal.amount;
  }
  return { ok: true, withdrawal: id };
}

/** An approved withdrawal's payout ended: paid (the cash stays withdrawn) or returned to the wallet. */
export function settleWithdrawal(core: EngineCore, id: number, paid: boolean): Result {
  const withdrawal = Number.isSafeInteger(id) && id >= 1 ? core.withdrawals[id - 1] : undefined;
  if (withdrawal === undefined) return reject("unknown_withdrawal", `there is no withdrawal ${id}`);
  if (withdrawal.status !== "approved") {
    return reject("withdrawal_not_approved", `withdrawal ${id} is ${withdrawal.status}, not approved`);
  }
  const member = core.own(withdrawal.member);
  core.withdrawals[id - 1] = { ...withdrawal, member, status: paid ? "paid" : "returned" };
  if (!paid) {
    core.accounts.withdrawn -= withdrawal.amount;
    member.wallet += withdrawal.amount;
    core.accounts.wallets += withdrawal.amount;
    if (member.withdrawDay === withdrawal.day) member.withdrawnToday -= withdrawal.amount;
  }
  return { ok: true, withdrawal: id };
}

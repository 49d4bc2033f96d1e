/**
 * Paying approved withdrawals out (issue 12, item 2): approved → sending → paid | failed. The
 * payout's reference (out_biz_no / out_bill_no) is derived from the tenant and the withdrawal, so
 * the provider can never pay one twice; the transfer is sent once, when the payout row is first
 * written. Its end goes into the ledger under a key derived from the withdrawal (`payout-paid|…`,
 * `payout-return|…`) and the engine accepts only an approved withdrawal, so however often the
 * provider reports a failure, the amount goes back to the wallet once. An outcome we did not hear
 * (a timeout) is settled by asking the provider, never by sending again. A bank card is paid by hand.
 */
import { createHash } from "node:crypto";
import type { Payee, PaymentProvider, TransferStatus } from "@zengzhi/payments";
import { selectPaymentSettings } from "../db/payment-settings.js";
import {
  insertPayout,
  selectPayout,
  selectPayoutAccount,
  selectPayouts,
  updatePayout,
  type PayoutRow,
} from "../db/payouts.js";
import { selectOpenidOfMember } from "../db/sign-in.js";
import { noteBy, type Actor } from "./audit-log.js";
import { ApiError, notFound } from "./errors.js";
import { loadPaymentProvider, type ProviderName } from "./payment-settings.js";
import { destinationOf } from "./payout-accounts.js";
import type { Services } from "./services.js";

/** How long we wait for a provider's answer to a transfer before treating it as unknown. */
const TRANSFER_ANSWER_TIMEOUT_MS = 15_000;

export interface PayoutPlan {
  channel: PayoutRow["channel"];
  destination: string;
  payee?: Payee;
}

/** Our out_biz_no: letters and digits only (WeChat's rule), unique per tenant and withdrawal. */
export function payoutReference(tenant: string, withdrawal: number): string {
  const tenantHash = createHash("sha256").update(tenant).digest("hex").slice(0, 10);
  return `ZZP${tenantHash}W${withdrawal}`;
}

const missing = () =>
  new ApiError(409, "payout_account_missing", "the member has no payout account this scheme can pay");
const unavailable = () =>
  new ApiError(409, "payment_method_unavailable", "this scheme has not set up the payout account's provider");

async function providerOf(services: Services, tenant: string, name: ProviderName): Promise<PaymentProvider> {
  const endpoint = services.paymentEndpoints[name];
  const provider = await loadPaymentProvider(services, tenant, {
    provider: name,
    ...(endpoint ? { endpoint } : {}),
  });
  if (provider === undefined) throw unavailable();
  return provider;
}

/**
 * Where and how a member's withdrawal will be paid, checked before the approval is written. A
 * tenant that has set up no provider (a demo) pays through the sandbox at once, as before payouts.
 */
export async function planPayout(services: Services, tenant: string, member: string): Promise<PayoutPlan> {
  const [account, link, providers] = await Promise.all([
    selectPayoutAccount(services.sql, tenant, member),
    selectOpenidOfMember(services.sql, tenant, member),
    selectPaymentSettings(services.sql, tenant),
  ]);
  const configured = new Set(providers.map((row) => row.provider));
  if (account === undefined) {
    if (configured.size === 0) return { channel: "sandbox", destination: "sandbox" };
    throw missing();
  }
  const destination = destinationOf(account, link?.openid);
  if (account.kind === "bank") return { channel: "bank", destination };
  if (!configured.has(account.kind)) throw unavailable();
  if (account.kind === "alipay") {
    const payee: Payee = {
      kind: "alipay_logon_id",
      logonId: account.logon_id ?? "",
      name: account.real_name ?? "",
    };
    return { channel: "alipay", destination, payee };
  }
  if (link === undefined) throw missing();
  return { channel: "wechat", destination, payee: { kind: "wechat_openid", openid: link.openid } };
}

const PROVIDER_ACTOR = { username: "payouts", role: "service" };

/** The ledger records the payout's end once: paid, or the amount back to the wallet. */
async function settleInLedger(services: Services, tenant: string, payout: PayoutRow, paid: boolean) {
  const withdrawal = Number(payout.withdrawal_id);
  await services.gateway.submit(
    tenant,
    `payout-${paid ? "paid" : "return"}|${withdrawal}`,
    { type: paid ? "withdrawPaid" : "withdrawReturn", withdrawal },
    noteBy(
      { tenant, ...PROVIDER_ACTOR },
      {
        action: paid ? "withdrawal.payout-paid" : "withdrawal.payout-return",
        target: `withdrawal ${withdrawal}`,
        detail: { channel: payout.channel },
      },
    ),
  );
}

/**
 * Applies what the provider (or the operator, for a bank card) says about a payout. Pending says
 * nothing new; succeeded and failed settle it. Safe to repeat: the ledger keys make the second
 * submit a no-op, and the row only leaves `sending` once.
 */
export async function applyPayoutStatus(
  services: Services,
  tenant: string,
  status: Pick<TransferStatus, "state" | "providerReference" | "failureReason"> & { withdrawal: number },
): Promise<void> {
  const payout = await selectPayout(services.sql, tenant, status.withdrawal);
  if (payout === undefined) return;
  const reference = status.providerReference ? { providerReference: status.providerReference } : {};
  if (status.state !== "succeeded" && status.state !== "failed") {
    if (status.providerReference)
      await updatePayout(services.sql, tenant, {
        withdrawal: status.withdrawal,
        state: "sending",
        ...reference,
      });
    return;
  }
  const paid = status.state === "succeeded";
  if (payout.state === (paid ? "failed" : "paid")) return;
  await settleInLedger(services, tenant, payout, paid);
  await updatePayout(services.sql, tenant, {
    withdrawal: status.withdrawal,
    state: paid ? "paid" : "failed",
    ...reference,
    ...(paid || status.failureReason === undefined ? {} : { failureReason: status.failureReason }),
  });
}

/** A transfer's answer, or undefined when none came in time (the outcome is then unknown). */
async function sendTransfer(
  provider: PaymentProvider,
  payout: PayoutRow,
  transfer: { payee: Payee; notifyUrl: string },
) {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), TRANSFER_ANSWER_TIMEOUT_MS);
  });
  const sent = provider
    .transfer({
      transferReference: payout.out_biz_no,
      amountFen: BigInt(payout.amount_fen),
      payee: transfer.payee,
      remark: "提现",
      notifyUrl: transfer.notifyUrl,
    })
    .catch(() => undefined);
  try {
    return await Promise.race([sent, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * After the approval: writes the payout row and, the first time only, sends it. A retried approval
 * finds the row and sends nothing.
 */
export async function startPayout(
  services: Services,
  request: { tenant: string; withdrawal: number; plan: PayoutPlan },
  actor: Actor,
): Promise<void> {
  const { tenant, withdrawal, plan } = request;
  const found = await services.gateway.read(tenant, (engine) => engine.withdrawal(withdrawal));
  if (found === undefined) throw notFound(`withdrawal ${withdrawal}`);
  const inserted = await insertPayout(services.sql, tenant, {
    withdrawal_id: String(withdrawal),
    channel: plan.channel,
    out_biz_no: payoutReference(tenant, withdrawal),
    member_id: found.member,
    destination: plan.destination,
    amount_fen: found.amount.toString(),
  });
  if (!inserted) return;
  await services.audit.recordBy(actor, {
    action: "withdrawal.payout-sent",
    target: `withdrawal ${withdrawal}`,
    detail: { channel: plan.channel, destination: plan.destination },
  });
  if (plan.channel === "bank") return;
  if (plan.channel === "sandbox")
    return applyPayoutStatus(services, tenant, { withdrawal, state: "succeeded" });
  const payout = await selectPayout(services.sql, tenant, withdrawal);
  const provider = await providerOf(services, tenant, plan.channel);
  const notifyUrl = `${services.publicUrl}/api/payments/${plan.channel}/${tenant}/notify`;
  const answer =
    payout && plan.payee ? await sendTransfer(provider, payout, { payee: plan.payee, notifyUrl }) : undefined;
  if (answer !== undefined) await applyPayoutStatus(services, tenant, { withdrawal, ...answer });
}

/** A payout still sending: ask the provider how it ended (after a timeout); never sends it again. */
export async function reconcilePayout(services: Services, tenant: string, withdrawal: number): Promise<void> {
  const payout = await selectPayout(services.sql, tenant, withdrawal);
  if (payout === undefined) throw notFound(`the payout of withdrawal ${withdrawal}`);
  if (payout.state !== "sending" || payout.channel === "bank" || payout.channel === "sandbox")
    throw new ApiError(409, "payout_not_sending", "this payout is not in flight through a provider");
  const provider = await providerOf(services, tenant, payout.channel);
  // A query that fails tells nothing: the payout stays sending, to be asked again later.
  const status = await provider.queryTransfer(payout.out_biz_no).catch(() => undefined);
  if (status !== undefined) await applyPayoutStatus(services, tenant, { withdrawal, ...status });
}

/** A transfer notification (WeChat Pay's transfer bill callback): settled by a query, not by its text. */
export async function receiveTransferNotification(services: Services, tenant: string, reference: string) {
  const match = /W(\d+)$/.exec(reference);
  const withdrawal = match ? Number(match[1]) : NaN;
  if (!Number.isSafeInteger(withdrawal) || reference !== payoutReference(tenant, withdrawal)) return;
  const payout = await selectPayout(services.sql, tenant, withdrawal);
  if (payout?.state === "sending") await reconcilePayout(services, tenant, withdrawal);
}

/** The operator records a bank-card payout made by hand: paid with the bank's reference, or failed. */
export async function markManualPayout(
  services: Services,
  request: { actor: Actor; withdrawal: number },
  outcome: { paid: true; reference: string } | { paid: false; reason: string },
): Promise<void> {
  const { actor, withdrawal } = request;
  const payout = await selectPayout(services.sql, actor.tenant, withdrawal);
  if (payout === undefined) throw notFound(`the payout of withdrawal ${withdrawal}`);
  if (payout.channel !== "bank" || payout.state !== "sending")
    throw new ApiError(409, "payout_not_sending", "only a bank-card payout in flight is marked by hand");
  const paid = outcome.paid;
  await services.audit.recordBy(actor, {
    action: paid ? "withdrawal.payout-marked-paid" : "withdrawal.payout-marked-failed",
    target: `withdrawal ${withdrawal}`,
    detail: outcome.paid ? { reference: outcome.reference } : { reason: outcome.reason },
  });
  await applyPayoutStatus(
    services,
    actor.tenant,
    outcome.paid
      ? { withdrawal, state: "succeeded", providerReference: outcome.reference }
      : { withdrawal, state: "failed", failureReason: outcome.reason },
  );
}

/** The payouts of a page of withdrawals, by withdrawal id, as the contract's view. */
export async function payoutViews(services: Services, tenant: string, withdrawals: readonly number[]) {
  const rows = await selectPayouts(services.sql, tenant, withdrawals);
  return new Map(rows.map((row) => [Number(row.withdrawal_id), payoutView(row)]));
}

export function payoutView(row: PayoutRow) {
  return {
    channel: row.channel,
    destination: row.destination,
    state: row.state,
    reference: row.out_biz_no,
    providerReference: row.provider_reference,
    failureReason: row.failure_reason,
    updatedAt: new Date(row.updated_at).toISOString(),
  };
}

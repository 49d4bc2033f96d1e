/**
 * A merchant tops up its prepaid balance (预存) through the tenant's provider (issue 12): a WeChat
 * Pay Native QR or an Alipay page payment on the merchant's desktop. The balance grows only when a
 * verified notification, or a query at the provider, says the top-up was paid; the engine's
 * prepaidCredit is then submitted under a key made of the top-up's reference, so it happens once
 * however many notifications and queries say so. Kept apart from the order payments' files.
 */
import { randomBytes } from "node:crypto";
import { formatMoney } from "@zengzhi/engine";
import type { ClientAction, IncomingNotification, PaymentProvider } from "@zengzhi/payments";
import {
  insertTopUp,
  markTopUpPaid,
  selectTopUp,
  selectTopUps,
  type TopUpRow,
} from "../db/prepaid-top-ups.js";
import { type Actor, noteBy } from "./audit-log.js";
import type { Session } from "./auth.js";
import { once, type RequestKey } from "./idempotency.js";
import { ApiError, forbidden, notFound } from "./errors.js";
import { loadPaymentProvider, type ProviderName } from "./payment-settings.js";
import type { Services } from "./services.js";

export const TOP_UP_METHODS = ["wechat_native", "alipay_page"] as const;
export type TopUpMethod = (typeof TOP_UP_METHODS)[number];

const TOP_UPS_SHOWN = 20;

const providerOfMethod = (method: TopUpMethod): ProviderName =>
  method === "wechat_native" ? "wechat" : "alipay";

async function providerFor(services: Services, tenant: string, name: ProviderName): Promise<PaymentProvider> {
  const endpoint = services.paymentEndpoints[name];
  const provider = await loadPaymentProvider(services, tenant, {
    provider: name,
    ...(endpoint ? { endpoint } : {}),
  });
  if (provider === undefined)
    throw new ApiError(
      409,
      "payment_method_unavailable",
      "this payment method is not set up for this scheme",
      "method",
    );
  return provider;
}

function merchantOf(session: Session): string {
  if (session.merchantId === null) throw forbidden("this login belongs to no merchant");
  return session.merchantId;
}

function topUpView(row: TopUpRow) {
  return {
    reference: row.reference,
    method: row.method as TopUpMethod,
    amount: formatMoney(BigInt(row.amount_fen)),
    status: row.credited_at === null ? ("pending" as const) : ("credited" as const),
    createdAt: row.created_at.toISOString(),
  };
}

function actionView(action: ClientAction) {
  if (action.kind === "qr") return { kind: "qr" as const, codeUrl: action.codeUrl };
  if (action.kind === "redirect") return { kind: "redirect" as const, url: action.url };
  throw new ApiError(409, "payment_method_unavailable", "this method cannot pay a top-up", "method");
}

/** The merchant starts a top-up: what its browser does next (show the QR, or go to the cashier). */
export async function requestTopUp(
  services: Services,
  request: { session: Session; key: RequestKey },
  input: { amount: bigint; method: TopUpMethod },
) {
  const { session } = request;
  const answer = await once(services.sql, { tenant: session.tenant, key: request.key }, async () => ({
    status: 201,
    body: await startTopUp(services, session, input),
  }));
  return answer.body as Awaited<ReturnType<typeof startTopUp>>;
}

async function startTopUp(
  services: Services,
  session: Session,
  input: { amount: bigint; method: TopUpMethod },
) {
  const merchant = merchantOf(session);
  if (input.amount <= 0n)
    throw new ApiError(422, "amount_not_positive", "the amount must be greater than 0", "amount");
  const provider = await providerFor(services, session.tenant, providerOfMethod(input.method));
  // The providers' out_trade_no: at most 32 letters and digits; P marks a prepaid top-up.
  const reference = `P${randomBytes(10).toString("hex")}`;
  await insertTopUp(services.sql, session.tenant, {
    reference,
    merchant_id: merchant,
    provider: provider.name === "wechat" ? "wechat" : "alipay",
    method: input.method,
    amount_fen: input.amount.toString(),
  });
  const action = await provider.createPayment(
    {
      method: input.method,
      reference,
      amountFen: input.amount,
      description: "商户预存充值",
      notifyUrl: `${services.publicUrl}/api/payments/${provider.name}/${session.tenant}/top-up-notify`,
      returnUrl: `${services.publicUrl}/merchant/prepaid?topUp=${reference}`,
    },
    new Date(services.now()),
  );
  await services.audit.recordBy(session, {
    action: "prepaid.top-up-request",
    target: merchant,
    detail: { reference, method: input.method, amount: formatMoney(input.amount) },
  });
  const row = await selectTopUp(services.sql, session.tenant, reference);
  return { topUp: topUpView(row!), action: actionView(action) };
}

/** Credits a paid top-up once: the ledger key is the reference, so repeats get the first answer. */
async function creditTopUp(
  services: Services,
  tenant: string,
  paid: { row: TopUpRow; providerReference: string },
): Promise<void> {
  const { row } = paid;
  await markTopUpPaid(services.sql, tenant, {
    reference: row.reference,
    providerReference: paid.providerReference,
    at: new Date(services.now()),
  });
  const actor: Actor = { tenant, username: row.provider, role: "provider" };
  const amount = formatMoney(BigInt(row.amount_fen));
  await services.gateway.submit(
    tenant,
    `prepaid-top-up|${row.reference}`,
    { type: "prepaidCredit", merchant: row.merchant_id, amount },
    noteBy(actor, {
      action: "prepaid.topUp",
      target: row.merchant_id,
      detail: {
        amount,
        source: row.provider,
        reference: row.reference,
        providerReference: paid.providerReference,
      },
    }),
  );
}

/**
 * The merchant follows its top-up. While it is pending the provider is queried, so a lost
 * notification still credits the balance once the payment went through.
 */
export async function readTopUp(services: Services, session: Session, reference: string) {
  const merchant = merchantOf(session);
  let row = await selectTopUp(services.sql, session.tenant, reference);
  if (row === undefined || row.merchant_id !== merchant) throw notFound("top-up");
  if (row.credited_at === null) {
    const provider = await providerFor(services, session.tenant, row.provider);
    // A provider that cannot answer now leaves the top-up pending: the merchant asks again later.
    const status = await provider.queryPayment(reference).catch(() => undefined);
    if (status?.state === "paid" && status.amountFen === BigInt(row.amount_fen)) {
      await creditTopUp(services, session.tenant, { row, providerReference: status.providerReference ?? "" });
      row = (await selectTopUp(services.sql, session.tenant, reference))!;
    }
  }
  return topUpView(row);
}

/** The merchant's latest top-ups, newest first. */
export async function listTopUps(services: Services, session: Session) {
  const merchant = merchantOf(session);
  const rows = await selectTopUps(services.sql, session.tenant, { merchant, limit: TOP_UPS_SHOWN });
  return { items: rows.map(topUpView) };
}

/**
 * A provider's notification about a top-up: verified, matched with our top-up (reference, amount),
 * then credited once. Anything refused answers 400 and changes nothing (the provider re-sends).
 */
export async function receiveTopUpNotification(
  services: Services,
  target: { provider: ProviderName; tenant: string },
  incoming: IncomingNotification,
): Promise<{ ok: true }> {
  const refuse = (code: "invalid_callback" | "invalid_signature" | "replayed_callback", why: string) =>
    new ApiError(400, code, `the notification was refused (${why}); nothing was changed`);
  if (!(await services.tenantExists(target.tenant))) throw refuse("invalid_callback", "unknown scheme");
  const provider = await providerFor(services, target.tenant, target.provider).catch(() => {
    throw refuse("invalid_callback", "no such provider");
  });
  const verified = provider.verifyNotification(incoming, new Date(services.now()));
  if (!verified.ok) {
    const stale = verified.rejection === "notification_stale";
    throw refuse(stale ? "replayed_callback" : "invalid_signature", verified.rejection);
  }
  const { event } = verified.notification;
  if (event.type !== "payment_paid") return { ok: true };
  const row = await selectTopUp(services.sql, target.tenant, event.reference);
  if (row === undefined || row.provider !== target.provider)
    throw refuse("invalid_callback", "unknown top-up");
  if (BigInt(row.amount_fen) !== event.amountFen) throw refuse("invalid_callback", "the amount differs");
  await creditTopUp(services, target.tenant, { row, providerReference: event.providerReference });
  return { ok: true };
}

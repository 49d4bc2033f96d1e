/**
 * Merchants' prepaid balances (预存) and split bounds: the operator credits a recorded bank transfer
 * and sets bounds, a merchant tops up through the payment provider. Each is one engine command; the
 * engine keeps the balances and decides every till sale against them (packages/engine prepaid.ts).
 */
import { roleSide } from "@zengzhi/contract";
import { randomUUID } from "node:crypto";
import {
  type EngineView,
  RATIO_DECIMALS,
  type Split,
  formatMoney,
  formatRatio,
  parseDecimal,
  parseSplit,
  splitOutsideBounds,
} from "@zengzhi/engine";
import type { Session } from "./auth.js";
import { ApiError, forbidden } from "./errors.js";
import type { RequestKey } from "./idempotency.js";
import { findMerchant } from "./merchants.js";
import type { Services } from "./services.js";
import { noteBy } from "./audit-log.js";

interface Request {
  session: Session;
  key: RequestKey;
}

/** A merchant's prepaid balance and bounds as the API shows them. */
export function prepaidView(engine: EngineView, merchant: string) {
  const { balance, bounds } = engine.merchantPrepaid(merchant);
  return {
    merchant,
    balance: formatMoney(balance),
    bounds: {
      maxPoolContribution: formatRatio(bounds.maxPoolContribution),
      minPlatformProfit: formatRatio(bounds.minPlatformProfit),
    },
  };
}

/** Operators read any merchant's prepaid balance, a merchant only its own. */
export async function readPrepaid(services: Services, session: Session, merchantId: string) {
  if (roleSide(session.role) === "merchant" && session.merchantId !== merchantId)
    throw forbidden("a merchant reads only its own prepaid balance");
  await findMerchant(services, session.tenant, merchantId);
  return services.gateway.read(session.tenant, (engine) => prepaidView(engine, merchantId));
}

/** The operator credits a bank transfer it received; the reference is kept in the audit note. */
export async function creditPrepaid(
  services: Services,
  request: Request & { merchant: string },
  input: { amount: bigint; reference: string },
) {
  const { session, merchant } = request;
  await findMerchant(services, session.tenant, merchant);
  const amount = formatMoney(input.amount);
  await services.gateway.submit(
    session.tenant,
    request.key.ledger,
    { type: "prepaidCredit", merchant, amount },
    noteBy(session, {
      action: "prepaid.credit",
      target: merchant,
      detail: { amount, source: "bank_transfer", reference: input.reference },
    }),
  );
  return services.gateway.read(session.tenant, (engine) => prepaidView(engine, merchant));
}

/**
 * A merchant tops up its own balance through the payment provider: the sandbox signs the payment's
 * callback, the service verifies it like any provider's, and only then credits the balance.
 */
export async function topUpPrepaid(services: Services, request: Request, input: { amount: bigint }) {
  const { session } = request;
  const merchant = session.merchantId;
  if (merchant === null) throw forbidden("this login belongs to no merchant");
  const amount = formatMoney(input.amount);
  const paymentId = `topup-${randomUUID()}`;
  const payment = { tenant: session.tenant, paymentId, orderId: 1, amount };
  const signed = services.payments.signCallback(payment, services.now());
  const callback = services.payments.verify(signed.body, signed.signature, services.now());
  await services.gateway.submit(
    session.tenant,
    request.key.ledger,
    { type: "prepaidCredit", merchant, amount: callback.amount },
    noteBy(session, {
      action: "prepaid.topUp",
      target: merchant,
      detail: { amount, source: services.payments.name, paymentId: callback.paymentId },
    }),
  );
  return services.gateway.read(session.tenant, (engine) => ({
    balance: prepaidView(engine, merchant).balance,
  }));
}

/** The operator sets a merchant's split bounds (fractions from 0 to 1). */
export async function setBounds(
  services: Services,
  request: Request & { merchant: string },
  input: { maxPoolContribution: string; minPlatformProfit: string },
) {
  const { session, merchant } = request;
  await findMerchant(services, session.tenant, merchant);
  const ratio = (field: keyof typeof input) => {
    try {
      return formatRatio(parseDecimal(input[field], RATIO_DECIMALS));
    } catch {
      throw new ApiError(400, "not_a_decimal", `${field} must be a fraction such as "0.30"`, field);
    }
  };
  const bounds = {
    maxPoolContribution: ratio("maxPoolContribution"),
    minPlatformProfit: ratio("minPlatformProfit"),
  };
  await services.gateway.submit(
    session.tenant,
    request.key.ledger,
    { type: "splitBounds", merchant, ...bounds },
    noteBy(session, { action: "prepaid.bounds", target: merchant, detail: bounds }),
  );
  return services.gateway.read(session.tenant, (engine) => prepaidView(engine, merchant));
}

/** Refuses a product split outside its merchant's bounds (the engine's rule, read before writing). */
export async function requireSplitInBounds(
  services: Services,
  input: { tenant: string; merchant: string; split: Record<string, string> },
) {
  const split: Split = parseSplit(input.split as Parameters<typeof parseSplit>[0]);
  const outside = await services.gateway.read(input.tenant, (engine) =>
    splitOutsideBounds(split, engine.merchantPrepaid(input.merchant).bounds),
  );
  if (outside !== null) throw new ApiError(422, outside.code, outside.message, "split");
}

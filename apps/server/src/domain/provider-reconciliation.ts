/**
 * Provider reconciliation (issue 12, item 3): for one local date, each configured provider's
 * statement (bill download) is matched line by line with our records, and every mismatch is stored
 * for the operator, one result per date and provider (a re-run replaces it). Runs after each
 * calendar close for the date that ended, and on demand.
 *
 * Our side comes from SOURCES, one per kind of money movement: order payments, prepaid top-ups and
 * refunds sent through the provider (app_provider_refunds). A payout source (task J's payout table) is added to that list:
 * a function that returns LedgerLine[] of kind "payout" for the provider and window.
 */
import { formatMoney } from "@zengzhi/engine";
import type { BillLine, PaymentProvider } from "@zengzhi/payments";
import {
  type MismatchRow,
  selectOrderAttempts,
  selectReconciliations,
  selectRefundLines,
  selectTopUpLines,
  storeReconciliation,
} from "../db/provider-reconciliation.js";
import { selectPaymentSettings } from "../db/payment-settings.js";
import { type Actor } from "./audit-log.js";
import { addDays, localDate, midnightOf } from "./calendar.js";
import { calendarOf } from "./day-close.js";
import { loadPaymentProvider, type ProviderName } from "./payment-settings.js";
import { type LedgerLine, type MismatchKind, matchStatement, statementLine } from "./reconciliation-match.js";
import type { Services } from "./services.js";

/** What a source is given: the provider, the local date's window, and the statement's references. */
export interface SourceScope {
  tenant: string;
  provider: ProviderName;
  from: Date;
  to: Date;
  statement: readonly BillLine[];
}

export interface ReconciliationSource {
  name: string;
  lines(services: Services, scope: SourceScope): Promise<LedgerLine[]>;
}

const orderPayments: ReconciliationSource = {
  name: "order_payments",
  async lines(services, scope) {
    const references = scope.statement.filter((l) => l.kind === "payment").map((l) => l.reference);
    const rows = await selectOrderAttempts(services.sql, scope.tenant, { ...scope, references });
    return rows.map((row) => ({
      source: "order_payments",
      kind: "payment",
      reference: row.reference,
      amountFen: BigInt(row.amount_fen),
      // Paid after the member cancelled: the provider has the payment (and, below, its refund).
      state: row.provider_reference !== null || row.order_status === "cancelled" ? "succeeded" : "pending",
    }));
  },
};

/**
 * Refunds sent through the provider (an operator's refund of a paid order, or the refund of a payment
 * that arrived after its order was cancelled), as app_provider_refunds records them.
 */
const orderRefunds: ReconciliationSource = {
  name: "order_refunds",
  async lines(services, scope) {
    const references = scope.statement.flatMap((l) =>
      l.kind === "refund" && l.refundReference !== undefined ? [l.refundReference] : [],
    );
    const rows = await selectRefundLines(services.sql, scope.tenant, { ...scope, references });
    return rows.map((row) => ({
      source: "order_refunds",
      kind: "refund",
      reference: row.refund_reference,
      amountFen: BigInt(row.amount_fen),
      state: row.state,
    }));
  },
};

const prepaidTopUps: ReconciliationSource = {
  name: "prepaid_top_ups",
  async lines(services, scope) {
    const references = scope.statement.filter((l) => l.kind === "payment").map((l) => l.reference);
    const rows = await selectTopUpLines(services.sql, scope.tenant, { ...scope, references });
    return rows.map((row) => ({
      source: "prepaid_top_ups",
      kind: "payment",
      reference: row.reference,
      amountFen: BigInt(row.amount_fen),
      state: row.credited ? "succeeded" : "pending",
    }));
  },
};

/** One source per kind of money movement; payouts join here after the payout table lands. */
export const SOURCES: readonly ReconciliationSource[] = [orderPayments, prepaidTopUps, orderRefunds];

async function providerFor(services: Services, tenant: string, name: ProviderName) {
  const endpoint = services.paymentEndpoints[name];
  return loadPaymentProvider(services, tenant, { provider: name, ...(endpoint ? { endpoint } : {}) });
}

/** The statement's lines, or why there are none (an operating error is reported, not thrown). */
async function statementOf(provider: PaymentProvider, date: string): Promise<BillLine[] | string> {
  try {
    const bill = await provider.downloadBill(date);
    if (bill.kind === "lines") return bill.lines;
    return "statement_format_unsupported";
  } catch (error) {
    return `statement_download_failed: ${(error as Error).message}`.slice(0, 200);
  }
}

const fen = (value: bigint | null) => (value === null ? null : value.toString());

/** Reconciles one provider for one local date and stores the result. */
async function reconcileProvider(
  services: Services,
  scope: { tenant: string; provider: ProviderName; date: string; timeZone: string },
) {
  const provider = await providerFor(services, scope.tenant, scope.provider);
  if (provider === undefined) return;
  const statement = await statementOf(provider, scope.date);
  const base = { bill_date: scope.date, provider: scope.provider };
  if (typeof statement === "string") {
    await storeReconciliation(services.sql, scope.tenant, {
      ...base,
      status: "unavailable",
      provider_lines: 0,
      ledger_lines: 0,
      detail: statement,
      mismatches: [],
    });
    return;
  }
  const from = new Date(midnightOf(scope.date, scope.timeZone));
  const to = new Date(midnightOf(addDays(scope.date, 1), scope.timeZone));
  const sourceScope = { tenant: scope.tenant, provider: scope.provider, from, to, statement };
  const ledger = (await Promise.all(SOURCES.map((s) => s.lines(services, sourceScope)))).flat();
  const found = matchStatement(statement.map(statementLine), ledger);
  const mismatches: MismatchRow[] = found.map((m) => ({
    kind: m.kind,
    source: m.source,
    line_kind: m.lineKind,
    reference: m.reference,
    ledger_amount_fen: fen(m.ledgerAmountFen),
    provider_amount_fen: fen(m.providerAmountFen),
    ledger_state: m.ledgerState,
    provider_state: m.providerState,
  }));
  await storeReconciliation(services.sql, scope.tenant, {
    ...base,
    status: mismatches.length === 0 ? "matched" : "mismatched",
    provider_lines: statement.length,
    ledger_lines: ledger.length,
    detail: "",
    mismatches,
  });
}

/** Reconciles every configured provider for `date` (default: yesterday, local); idempotent per date. */
export async function reconcileProviders(services: Services, tenant: string, date?: string): Promise<string> {
  const calendar = await calendarOf(services, tenant);
  const day = date ?? addDays(localDate(services.now(), calendar.timeZone), -1);
  const providers = (await selectPaymentSettings(services.sql, tenant)).map((row) => row.provider);
  for (const provider of providers) {
    if (provider === "wechat" || provider === "alipay")
      await reconcileProvider(services, { tenant, provider, date: day, timeZone: calendar.timeZone });
  }
  return day;
}

/** The operator asks for a date's reconciliation now (audited); answers the stored results. */
export async function reconcileProvidersNow(
  services: Services,
  actor: Actor,
  input: { date?: string | undefined },
) {
  const date = await reconcileProviders(services, actor.tenant, input.date);
  await services.audit.recordBy(actor, { action: "provider-reconciliation", target: date, detail: { date } });
  return listProviderReconciliations(services, actor.tenant);
}

const RUNS_SHOWN = 14;

/** The latest results, newest date first, with their mismatches (amounts in yuan). */
export async function listProviderReconciliations(services: Services, tenant: string) {
  const runs = await selectReconciliations(services.sql, tenant, RUNS_SHOWN);
  const money = (value: string | null) => (value === null ? null : formatMoney(BigInt(value)));
  return {
    items: runs.map((run) => ({
      date: run.bill_date,
      provider: run.provider as ProviderName,
      status: run.status,
      providerLines: run.provider_lines,
      ledgerLines: run.ledger_lines,
      detail: run.detail,
      ranAt: run.ran_at.toISOString(),
      mismatches: run.mismatches.map((m) => ({
        kind: m.kind as MismatchKind,
        source: m.source,
        lineKind: m.line_kind as "payment" | "refund" | "payout",
        reference: m.reference,
        ledgerAmount: money(m.ledger_amount_fen),
        providerAmount: money(m.provider_amount_fen),
        ledgerState: m.ledger_state,
        providerState: m.provider_state,
      })),
    })),
  };
}

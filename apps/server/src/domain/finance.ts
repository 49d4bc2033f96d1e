/**
 * The operator's money commands: financing rounds, listing (terminal), tips (a merchant's cash buys
 * points; points tipped to members) and legacy-coin import from CSV. Each is an engine command.
 */
import {
  DecimalError,
  MONEY_DECIMALS,
  formatMoney,
  formatPoints,
  formatRatio,
  parseDecimal,
} from "@zengzhi/engine";
import { LIMITS } from "../limits.js";
import type { Session } from "./auth.js";
import { ApiError, forbidden } from "./errors.js";
import { once, type RequestKey } from "./idempotency.js";
import { findMerchant } from "./merchants.js";
import type { Services } from "./services.js";

interface Request {
  session: Session;
  key: RequestKey;
}

export async function financing(
  services: Services,
  request: Request,
  input: { toPool?: bigint | undefined; toSubsidy?: bigint | undefined; label?: string | undefined },
) {
  const { session } = request;
  const command = {
    type: "financing" as const,
    toPool: formatMoney(input.toPool ?? 0n),
    toSubsidy: formatMoney(input.toSubsidy ?? 0n),
    ...(input.label === undefined ? {} : { label: input.label }),
  };
  const outcome = await services.gateway.submit(session.tenant, request.key.ledger, command);
  services.audit.recordBy(session, {
    action: "financing",
    target: input.label ?? null,
    detail: { toPool: command.toPool, toSubsidy: command.toSubsidy },
  });
  return { ok: true, exits: outcome.exits ?? [] };
}

export async function listing(services: Services, request: Request, input: { sharesPerPoint: bigint }) {
  const { session } = request;
  const sharesPerPoint = formatRatio(input.sharesPerPoint);
  await services.gateway.submit(session.tenant, request.key.ledger, { type: "listing", sharesPerPoint });
  services.audit.recordBy(session, { action: "listing", target: null, detail: { sharesPerPoint } });
  return { ok: true };
}

export async function buyTipPoints(
  services: Services,
  request: Request,
  input: { merchant: string; amount: bigint },
) {
  const { session } = request;
  await findMerchant(services, session.tenant, input.merchant);
  const amount = formatMoney(input.amount);
  const outcome = await services.gateway.submit(session.tenant, request.key.ledger, {
    type: "tipBuy",
    merchant: input.merchant,
    amount,
  });
  services.audit.recordBy(session, { action: "tipBuy", target: input.merchant, detail: { amount } });
  return { ok: true, points: outcome.points ?? null };
}

export async function tip(
  services: Services,
  request: Request,
  input: { merchant: string; member: string; points: bigint },
) {
  const { session } = request;
  if (session.role === "merchant" && session.merchantId !== input.merchant)
    throw forbidden("a merchant tips only its own points");
  await findMerchant(services, session.tenant, input.merchant);
  const points = formatPoints(input.points);
  const outcome = await services.gateway.submit(session.tenant, request.key.ledger, {
    type: "tip",
    merchant: input.merchant,
    member: input.member,
    points,
  });
  services.audit.recordBy(session, {
    action: "tip",
    target: input.member,
    detail: { merchant: input.merchant, points },
  });
  return { ok: true, position: outcome.position ?? null };
}

interface RowError {
  row: number;
  field: string;
  code: string;
  reason: string;
}

/** Reads `member,coins` lines; every row is checked before anything is imported. */
export function parseCoinCsv(csv: string, knownMember: (id: string) => boolean) {
  const lines = csv.split(/\r?\n/);
  const rows: { member: string; coins: bigint }[] = [];
  const errors: RowError[] = [];
  const seen = new Set<string>();
  lines.forEach((line, index) => {
    const row = index + 1;
    if (line.trim() === "" || (index === 0 && /^\s*member\s*,\s*coins\s*$/i.test(line))) return;
    const cells = line.split(",").map((c) => c.trim());
    if (cells.length !== 2) {
      errors.push({
        row,
        field: "line",
        code: "invalid_field",
        reason: "expected two columns: member,coins",
      });
      return;
    }
    const [member, coinsText] = cells as [string, string];
    if (!knownMember(member))
      errors.push({
        row,
        field: "member",
        code: "unknown_member",
        reason: `member ${member} does not exist`,
      });
    else if (seen.has(member))
      errors.push({
        row,
        field: "member",
        code: "duplicate_member",
        reason: `member ${member} appears twice`,
      });
    seen.add(member);
    try {
      const coins = parseDecimal(coinsText, MONEY_DECIMALS);
      if (coins <= 0n || coins > LIMITS.amountFenMax) {
        errors.push({
          row,
          field: "coins",
          code: "out_of_range",
          reason: "coins must be greater than 0 and within the amount limit",
        });
      } else rows.push({ member, coins });
    } catch (error) {
      const code = error instanceof DecimalError ? error.code : "not_a_decimal";
      errors.push({ row, field: "coins", code, reason: (error as Error).message });
    }
  });
  if (rows.length + errors.length > LIMITS.csvRowsMax) {
    errors.unshift({
      row: 0,
      field: "csv",
      code: "out_of_range",
      reason: `at most ${LIMITS.csvRowsMax} rows per import`,
    });
  }
  if (rows.length === 0 && errors.length === 0) {
    errors.push({ row: 0, field: "csv", code: "invalid_field", reason: "no rows to import" });
  }
  return { rows, errors };
}

/** Imports legacy coin balances from CSV (member,coins); any bad row and nothing is imported. */
export async function importCoins(services: Services, request: Request, input: { csv: string }) {
  const { session } = request;
  const tenant = session.tenant;
  const answer = await once(services.sql, { tenant, key: request.key }, async () => {
    const { rows, errors } = await services.gateway.read(tenant, (engine) => {
      if (engine.listed)
        throw new ApiError(409, "listed", "the scheme has listed; no event is accepted afterwards");
      return parseCoinCsv(input.csv, (id) => engine.members.has(id));
    });
    if (errors.length > 0) {
      throw new ApiError(
        400,
        "invalid_rows",
        `${errors.length} row(s) are invalid; nothing was imported`,
        undefined,
        {
          rows: errors.slice(0, 1000),
        },
      );
    }
    // Every row passed the checks the engine makes for coinImport, so each submission is accepted; the
    // per-row keys make a retry after a crash finish the import without importing a row twice.
    let total = 0n;
    for (const [i, row] of rows.entries()) {
      await services.gateway.submit(tenant, `${request.key.ledger}|row${i}`, {
        type: "coinImport",
        member: row.member,
        coins: formatMoney(row.coins),
      });
      total += row.coins;
    }
    services.audit.recordBy(session, {
      action: "coins.import",
      target: null,
      detail: { rows: rows.length, total: formatMoney(total) },
    });
    return { status: 200, body: { imported: rows.length, total: formatMoney(total) } };
  });
  return answer.body;
}

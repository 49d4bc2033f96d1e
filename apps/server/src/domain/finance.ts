/**
 * The operator's money commands: financing rounds, listing (terminal), tips (a merchant's cash buys
 * points; points tipped to members) and legacy-coin import from CSV. Each is an engine command.
 */
import { roleSide } from "@zengzhi/contract";
import {
  DecimalError,
  MONEY_DECIMALS,
  formatMoney,
  formatPoints,
  formatRatio,
  parseDecimal,
  type RowRejection,
} from "@zengzhi/engine";
import { LIMITS } from "../limits.js";
import type { Session } from "./auth.js";
import { ApiError, forbidden } from "./errors.js";
import { once, type RequestKey } from "./idempotency.js";
import { findMerchant } from "./merchants.js";
import type { Services } from "./services.js";
import { noteBy } from "./audit-log.js";
import { expecting } from "./previews.js";

interface Request {
  session: Session;
  key: RequestKey;
}

export async function financing(
  services: Services,
  request: Request,
  input: {
    toPool?: bigint | undefined;
    toSubsidy?: bigint | undefined;
    label?: string | undefined;
    stateHash?: string | undefined;
  },
) {
  const { session } = request;
  const command = {
    type: "financing" as const,
    toPool: formatMoney(input.toPool ?? 0n),
    toSubsidy: formatMoney(input.toSubsidy ?? 0n),
    ...(input.label === undefined ? {} : { label: input.label }),
    ...expecting(input.stateHash),
  };
  const outcome = await services.gateway.submit(
    session.tenant,
    request.key.ledger,
    command,
    noteBy(session, {
      action: "financing",
      target: input.label ?? null,
      detail: { toPool: command.toPool, toSubsidy: command.toSubsidy },
    }),
  );
  return { ok: true, exits: outcome.exits ?? [] };
}

export async function listing(
  services: Services,
  request: Request,
  input: { sharesPerPoint: bigint; stateHash?: string | undefined },
) {
  const { session } = request;
  const sharesPerPoint = formatRatio(input.sharesPerPoint);
  await services.gateway.submit(
    session.tenant,
    request.key.ledger,
    { type: "listing", sharesPerPoint, ...expecting(input.stateHash) },
    noteBy(session, { action: "listing", target: null, detail: { sharesPerPoint } }),
  );
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
  const outcome = await services.gateway.submit(
    session.tenant,
    request.key.ledger,
    { type: "tipBuy", merchant: input.merchant, amount },
    noteBy(session, { action: "tipBuy", target: input.merchant, detail: { amount } }),
  );
  return { ok: true, points: outcome.points ?? null };
}

export async function tip(
  services: Services,
  request: Request,
  input: { merchant: string; member: string; points: bigint },
) {
  const { session } = request;
  if (roleSide(session.role) === "merchant" && session.merchantId !== input.merchant)
    throw forbidden("a merchant tips only its own points");
  await findMerchant(services, session.tenant, input.merchant);
  const points = formatPoints(input.points);
  const outcome = await services.gateway.submit(
    session.tenant,
    request.key.ledger,
    { type: "tip", merchant: input.merchant, member: input.member, points },
    noteBy(session, { action: "tip", target: input.member, detail: { merchant: input.merchant, points } }),
  );
  return { ok: true, position: outcome.position ?? null };
}

interface RowError {
  row: number;
  field: string;
  code: string;
  reason: string;
}

/** One `member,coins` line, its coins read when they could be (undefined when the line says why not). */
interface CoinLine {
  line: number;
  member: string;
  coins: bigint | undefined;
}

/**
 * Reads `member,coins` lines: the CSV's syntax and each amount's decimals and input limit. Whether
 * a member exists or appears twice is the engine's rule (`previewCoinImport`, then `coinImport`).
 */
export function parseCoinCsv(csv: string): { lines: CoinLine[]; errors: RowError[] } {
  const lines: CoinLine[] = [];
  const errors: RowError[] = [];
  csv.split(/\r?\n/).forEach((text, index) => {
    const line = index + 1;
    if (text.trim() === "" || (index === 0 && /^\s*member\s*,\s*coins\s*$/i.test(text))) return;
    // Cells are taken as written: a coins cell follows the one rule for money (no blank around it).
    const cells = text.split(",");
    if (cells.length !== 2) {
      errors.push({
        row: line,
        field: "line",
        code: "invalid_field",
        reason: "expected two columns: member,coins",
      });
      return;
    }
    const [member, coinsText] = cells as [string, string];
    lines.push({ line, member, coins: readCoins(coinsText, line, errors) });
  });
  if (lines.length > LIMITS.csvRowsMax) {
    errors.unshift({
      row: 0,
      field: "csv",
      code: "out_of_range",
      reason: `at most ${LIMITS.csvRowsMax} rows per import`,
    });
  }
  if (lines.length === 0 && errors.length === 0) {
    errors.push({ row: 0, field: "csv", code: "invalid_field", reason: "no rows to import" });
  }
  return { lines, errors };
}

function readCoins(text: string, line: number, errors: RowError[]): bigint | undefined {
  try {
    const coins = parseDecimal(text, MONEY_DECIMALS);
    if (coins > 0n && coins <= LIMITS.amountFenMax) return coins;
    errors.push({
      row: line,
      field: "coins",
      code: "out_of_range",
      reason: "coins must be greater than 0 and within the amount limit",
    });
  } catch (error) {
    const code = error instanceof DecimalError ? error.code : "not_a_decimal";
    errors.push({ row: line, field: "coins", code, reason: (error as Error).message });
  }
  return undefined;
}

/**
 * The CSV's own errors and the engine's row rejections in one list, by line. A line whose coins
 * could not be read is checked for its member only (its coins are already reported).
 */
function rowErrors(
  lines: readonly CoinLine[],
  errors: RowError[],
  preview: readonly RowRejection[],
): RowError[] {
  const unread = new Set(errors.filter((e) => e.field === "coins").map((e) => e.row));
  const fromEngine = preview
    .map((p) => ({ row: lines[p.row]!.line, field: p.field, code: p.code, reason: p.message }))
    .filter((e) => !(e.field === "coins" && unread.has(e.row)));
  return [...errors, ...fromEngine].sort((x, y) => x.row - y.row || (x.field === "member" ? -1 : 1));
}

/** Imports legacy coin balances from CSV (member,coins) as one engine command: every row or none. */
export async function importCoins(services: Services, request: Request, input: { csv: string }) {
  const { session } = request;
  const tenant = session.tenant;
  const answer = await once(services.sql, { tenant, key: request.key }, async () => {
    const { lines, errors } = parseCoinCsv(input.csv);
    // Rows whose coins could not be read stand in with 1 fen, so their member is still checked.
    const rows = lines.map((l) => ({ member: l.member, coins: l.coins ?? 1n }));
    const problems = rowErrors(
      lines,
      errors,
      await services.gateway.read(tenant, (engine) => engine.previewCoinImport(rows)),
    );
    if (problems.length > 0) {
      throw new ApiError(
        400,
        "invalid_rows",
        `${problems.length} row(s) are invalid; nothing was imported`,
        undefined,
        {
          rows: problems.slice(0, 1000),
        },
      );
    }
    const total = rows.reduce((sum, row) => sum + row.coins, 0n);
    await services.gateway.submit(
      tenant,
      request.key.ledger,
      {
        type: "coinImport",
        rows: rows.map((row) => ({ member: row.member, coins: formatMoney(row.coins) })),
      },
      noteBy(session, {
        action: "coins.import",
        target: null,
        detail: { rows: rows.length, total: formatMoney(total) },
      }),
    );
    return { status: 200, body: { imported: rows.length, total: formatMoney(total) } };
  });
  return answer.body;
}

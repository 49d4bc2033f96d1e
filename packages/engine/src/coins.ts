/**
 * Rule 11, importing legacy coin balances: every row or none.
 */
import { type EngineCore, reject, tooLarge } from "./core.js";
import { AMOUNT_MAX, COIN_IMPORT_ROWS_MAX } from "./limits.js";
import { type CoinImportRow, type Result, type RowRejection } from "./types.js";

/** Imports every row or none: a refusal lists each refused row. Members must already exist. */
export function coinImport(core: EngineCore, rows: readonly CoinImportRow[]): Result {
  if (rows.length === 0 || rows.length > COIN_IMPORT_ROWS_MAX) {
    return reject("invalid_rows", `a coin import holds 1 to ${COIN_IMPORT_ROWS_MAX} rows`);
  }
  const problems = coinRowProblems(core, rows);
  if (problems.length > 0) {
    const message = `${problems.length} problem(s) in ${rows.length} row(s); nothing was imported`;
    return { ok: false, rejection: { code: "invalid_rows", message, rows: problems } };
  }
  for (const row of rows) {
    core.own(core.members.get(row.member)!).coins += row.coins;
    core.coins.imported += row.coins;
  }
  return { ok: true };
}

export function coinRowProblems(core: EngineCore, rows: readonly CoinImportRow[]): RowRejection[] {
  const problems: RowRejection[] = [];
  const seen = new Set<string>();
  rows.forEach(({ member, coins }, row) => {
    if (!core.members.has(member)) {
      problems.push({
        row,
        field: "member",
        code: "unknown_member",
        message: `member ${member} does not exist`,
      });
    } else if (seen.has(member)) {
      problems.push({
        row,
        field: "member",
        code: "duplicate_member",
        message: `member ${member} appears twice`,
      });
    }
    seen.add(member);
    if (coins <= 0n) {
      problems.push({
        row,
        field: "coins",
        code: "amount_not_positive",
        message: "coins must be greater than 0",
      });
    } else if (coins > AMOUNT_MAX) {
      problems.push({
        row,
        field: "coins",
        code: "amount_too_large",
        message: "coins are above the amount limit",
      });
    }
  });
  return problems;
}

/** The single-member form of older journals, unchanged: it creates a missing member. */
export function coinImportLegacy(core: EngineCore, memberId: string, coins: bigint): Result {
  if (coins <= 0n) return reject("amount_not_positive", "the coins imported must be greater than 0");
  if (coins > AMOUNT_MAX) return tooLarge();
  const member = core.own(core.members.get(memberId) ?? core.addMember(memberId, null));
  member.coins += coins;
  core.coins.imported += coins;
  return { ok: true };
}

/**
 * The one JSON shape of a command's result, used by `zengzhi replay` and stored by the ledger's
 * journal (whose hash chain covers these bytes: the key order below never changes, new keys go last).
 */
import { formatMoney, formatPoints } from "./decimal.js";
import type { RejectionCode, Result, RowRejection, SplitParts } from "./types.js";

export type OutcomeJson = {
  position?: number;
  points?: string;
  net?: string;
  fee?: string;
  subsidy?: string;
  withdrawal?: number;
  exits?: number[];
  reset?: true;
  settled?: { order: number; position: number; points: string }[];
  prepaid?: string;
  split?: { productCost: string; distributionCost: string; platformProfit: string; contribution: string };
  owed?: string;
};

export type ResultJson =
  | { ok: true; outcome: OutcomeJson }
  | { ok: false; rejection: RejectionCode; message: string; rows?: RowRejection[] };

export function resultToJson(result: Result): ResultJson {
  if (!result.ok) {
    const { code, message, rows } = result.rejection;
    return rows === undefined
      ? { ok: false, rejection: code, message }
      : { ok: false, rejection: code, message, rows };
  }
  const outcome: OutcomeJson = {};
  if (result.position !== undefined) outcome.position = result.position;
  if (result.points !== undefined) outcome.points = formatPoints(result.points);
  if (result.net !== undefined) outcome.net = formatMoney(result.net);
  if (result.fee !== undefined) outcome.fee = formatMoney(result.fee);
  if (result.subsidy !== undefined) outcome.subsidy = formatMoney(result.subsidy);
  if (result.withdrawal !== undefined) outcome.withdrawal = result.withdrawal;
  if (result.exits !== undefined && result.exits.length > 0) outcome.exits = result.exits;
  if (result.reset === true) outcome.reset = true;
  if (result.settled !== undefined) {
    outcome.settled = result.settled.map((s) => ({
      order: s.order,
      position: s.position,
      points: formatPoints(s.points),
    }));
  }
  if (result.prepaid !== undefined) outcome.prepaid = formatMoney(result.prepaid);
  if (result.split !== undefined) outcome.split = splitPartsToJson(result.split);
  if (result.owed !== undefined) outcome.owed = formatMoney(result.owed);
  return { ok: true, outcome };
}

function splitPartsToJson(parts: SplitParts) {
  return {
    productCost: formatMoney(parts.productCost),
    distributionCost: formatMoney(parts.distributionCost),
    platformProfit: formatMoney(parts.platformProfit),
    contribution: formatMoney(parts.contribution),
  };
}

/**
 * A stored result as it was written before results carried their split parts (`split`, `owed`):
 * the journal keeps such rows, and a replay of them compares against this form.
 */
export function withoutSplitParts(json: ResultJson): ResultJson {
  if (!json.ok) return json;
  const { split, owed, ...outcome } = json.outcome;
  return split === undefined && owed === undefined ? json : { ok: true, outcome };
}

/**
 * The journal's canonical forms. A command is stored as JSON.stringify(commandToJson(parseCommand(x))),
 * a result as the JSON below; a batch's canonical bytes are one line per command,
 * `seq TAB JSON(key) TAB command TAB result LF`, and the chain hash is SHA-256(prevHash || bytes).
 */
import { createHash } from "node:crypto";
import {
  type Command,
  type EngineView,
  commandToJson,
  formatDecimal,
  formatMoney,
  formatPoints,
  parseCommand,
  PRICE_DECIMALS,
} from "@zengzhi/engine";
import type { SubmitResult } from "./api.js";

export const IDEMPOTENCY_KEY_LENGTH_MAX = 200;

/** Parses a command (throws the engine's CommandError naming the field) and returns its canonical text. */
export function canonicalCommand(json: unknown): { command: Command; text: string } {
  const command = parseCommand(json);
  return { command, text: JSON.stringify(commandToJson(command)) };
}

/** The answer a caller gets: the stored answer plus the command's sequence number. */
export function answerWithSeq(resultText: string, seq: number): SubmitResult {
  return { ...(JSON.parse(resultText) as SubmitResult), seq };
}

export interface JournalRow {
  seq: number;
  key: string;
  command: string;
  result: string;
}

/** One command's line in the canonical batch bytes. */
export function journalLine(seq: number, key: string, command: string, result: string): string {
  return `${seq}\t${JSON.stringify(key)}\t${command}\t${result}\n`;
}

export function batchBytes(rows: readonly JournalRow[]): string {
  let text = "";
  for (const row of rows) text += journalLine(row.seq, row.key, row.command, row.result);
  return text;
}

/** Idempotency keys: 1 to 200 characters, no control characters and no unpaired surrogates. */
export function idempotencyKeyProblem(key: unknown): string | null {
  if (typeof key !== "string" || key.length === 0 || key.length > IDEMPOTENCY_KEY_LENGTH_MAX) {
    return `must be 1 to ${IDEMPOTENCY_KEY_LENGTH_MAX} characters`;
  }
  if (/[\p{Cc}\p{Cs}]/u.test(key)) return "must not contain control characters or unpaired surrogates";
  return null;
}

export function chainHash(previous: Uint8Array, bytes: string): Buffer {
  return createHash("sha256").update(previous).update(bytes, "utf8").digest();
}

/** The hash a tenant's chain starts from: it covers the tenant id and its first rule set. */
export function genesisHash(tenantId: string, rulesText: string): Buffer {
  return createHash("sha256").update(`zengzhi ledger\n${tenantId}\n${rulesText}`, "utf8").digest();
}

/** The figures the projections hold, as the strings stored in tenant_state and price_history. */
export function headline(engine: EngineView): { day: number; pool: string; supply: string; price: string } {
  return {
    day: engine.day,
    pool: formatMoney(engine.pool),
    supply: formatPoints(engine.supply),
    price: formatDecimal(engine.priceUnits(), PRICE_DECIMALS),
  };
}

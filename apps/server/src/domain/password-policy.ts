/**
 * The password policy: a password must not be one of the commonest or otherwise easy to guess. The
 * judge is zxcvbn-ts with its common-password and diceware lists and keyboard patterns (maintained
 * upstream), told the account's own names so that "alice2024" does not pass for alice.
 */
import { ZxcvbnFactory } from "@zxcvbn-ts/core";
import { adjacencyGraphs, dictionary } from "@zxcvbn-ts/language-common";
import { LIMITS } from "../limits.js";
import { badField } from "./errors.js";

let judge: ZxcvbnFactory | undefined;

/** Built on first use: the dictionaries take a few tens of milliseconds to index. */
function passwordJudge(): ZxcvbnFactory {
  judge ??= new ZxcvbnFactory({ dictionary, graphs: adjacencyGraphs });
  return judge;
}

/**
 * The zxcvbn score (0–4) of a password, with the account's names counted as guessable words. Only
 * its first LIMITS.passwordJudgedLengthMax characters are judged: zxcvbn's time grows faster than
 * the length (a 128-character password took about 8 times as long as a 32-character one), and it
 * runs on the event loop. A password is then judged by its start alone, which errs towards refusing.
 */
export function passwordScore(password: string, names: readonly string[]): number {
  const judged = Array.from(password).slice(0, LIMITS.passwordJudgedLengthMax).join("");
  return passwordJudge().check(judged, [...names]).score;
}

/** Throws 400 password_too_weak (naming `field`) when the password scores below the policy's minimum. */
export function requireStrongPassword(
  password: string,
  context: { names: readonly string[]; field: string },
): void {
  if (passwordScore(password, context.names) < LIMITS.passwordScoreMin) {
    throw badField(
      context.field,
      "this password is among the commonest or too easy to guess; choose a longer or less common one",
      "password_too_weak",
    );
  }
}

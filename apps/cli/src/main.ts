/**
 * The `zengzhi` command line. Each subcommand returns its exit code; errors the user can fix are one
 * line on stderr with exit code 2, never a stack trace.
 */
import { readFile } from "node:fs/promises";
import { ScenarioError, replay } from "@zengzhi/engine";
import { backupCommand, restoreCommand } from "./backup.js";
import { verifyCommand } from "./verify.js";
import { verifyInclusionCommand } from "./verify-inclusion.js";
import { startCommand } from "./start.js";
import { simulateCommand } from "./simulate.js";
import { resealSecretsCommand } from "./reseal-secrets.js";

const USAGE = `usage: zengzhi <command> [options]

commands:
  replay FILE.json     run a scenario { "rules": {...}, "events": [...] } and print the final state as JSON
  start                run the HTTP service (PORT, DATABASE_URL or ZENGZHI_DATA_DIR; demo tenant seeded once)
  verify               check a ledger: hash chain, replayed results, projections, invariants (zengzhi verify --help)
  verify-inclusion PROOF.json ROOT
                       check a member's proof of liabilities offline against a published root
  backup --out FILE    consistent copy of a PGlite ledger, also while the service runs (--data-dir DIR)
  restore FILE         bring a backup back into a new folder (--data-dir NEW_DIR), then run verify on it
  reseal-secrets       after a key rotation, re-seal payment credentials under the first ZENGZHI_SECRETS_KEY key
  simulate FILE.json   Monte Carlo of a scenario: summary, --json/--csv/--report out.html, --sweep (zengzhi simulate --help)
  help                 show this text`;

/** A problem with the user's input: printed as one line, exit code 2. */
export class UsageError extends Error {}

async function readJsonFile(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(
      `cannot read ${file}: ${code === "ENOENT" ? "no such file" : (code ?? "unknown error")}`,
    );
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new UsageError(`${file} is not valid JSON: ${(error as Error).message}`);
  }
}

async function replayCommand(args: string[]): Promise<number> {
  const [file, ...rest] = args;
  if (file === undefined || rest.length > 0) throw new UsageError("usage: zengzhi replay FILE.json");
  const raw = await readJsonFile(file);
  process.stdout.write(JSON.stringify(replay(raw), null, 2) + "\n");
  return 0;
}

export async function main(argv: string[]): Promise<number> {
  const [command, ...args] = argv;
  try {
    switch (command) {
      case "replay":
        return await replayCommand(args);
      case "verify":
        return await verifyCommand(args);
      case "verify-inclusion":
        return await verifyInclusionCommand(args);
      case "simulate":
        return await simulateCommand(args);
      case "start":
        return await startCommand(args);
      case "backup":
        return await backupCommand(args);
      case "restore":
        return await restoreCommand(args);
      case "reseal-secrets":
        return await resealSecretsCommand(args);
      case undefined:
      case "help":
      case "--help":
      case "-h":
        console.log(USAGE);
        return command === undefined ? 2 : 0;
      default:
        throw new UsageError(`unknown command "${command}" (try: zengzhi help)`);
    }
  } catch (error) {
    if (error instanceof UsageError || error instanceof ScenarioError) {
      process.stderr.write(`zengzhi: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
}

/**
 * `zengzhi verify`: replays a ledger's journal from its first command and checks the hash chain,
 * every stored result, the snapshots, the projections, cash conservation, the engine's invariants and
 * (for the service's tenants) the audit log against the journal.
 * Exit code 0 when every tenant checks out, 1 on any break, 2 on a usage error.
 */
import { existsSync } from "node:fs";
import { type TenantReport, type VerifyReport, WriterLockError, verifyLedger } from "@zengzhi/store";

/** A usage problem: one line on stderr, exit code 2 (handled here, so this file needs nothing from main.ts). */
class VerifyUsageError extends Error {}

const VERIFY_USAGE =
  "usage: zengzhi verify (--database-url URL | --data-dir DIR) [--tenant ID] [--json]  (defaults: DATABASE_URL, ZENGZHI_DATA_DIR)";

interface VerifyArgs {
  databaseUrl?: string;
  dataDir?: string;
  tenant?: string;
  json: boolean;
  help?: boolean;
}

function parseVerifyArgs(args: string[]): VerifyArgs {
  const parsed: VerifyArgs = { json: false };
  if (args.includes("--help") || args.includes("-h")) return { ...parsed, help: true };
  for (let i = 0; i < args.length; i++) {
    const flag = args[i]!;
    if (flag === "--json") {
      parsed.json = true;
      continue;
    }
    const value = args[i + 1];
    if (!["--database-url", "--data-dir", "--tenant"].includes(flag))
      throw new VerifyUsageError(`unknown option ${flag}; ${VERIFY_USAGE}`);
    if (value === undefined || value.startsWith("--"))
      throw new VerifyUsageError(`${flag} needs a value; ${VERIFY_USAGE}`);
    i++;
    if (flag === "--database-url") parsed.databaseUrl = value;
    else if (flag === "--data-dir") parsed.dataDir = value;
    else parsed.tenant = value;
  }
  if (parsed.databaseUrl !== undefined && parsed.dataDir !== undefined) {
    throw new VerifyUsageError("give --database-url or --data-dir, not both");
  }
  if (parsed.databaseUrl === undefined && parsed.dataDir === undefined) {
    const fromEnv = process.env.DATABASE_URL;
    if (fromEnv !== undefined && fromEnv !== "") parsed.databaseUrl = fromEnv;
    else parsed.dataDir = process.env.ZENGZHI_DATA_DIR ?? "./data";
  }
  if (parsed.dataDir !== undefined && !existsSync(parsed.dataDir)) {
    throw new VerifyUsageError(`no data directory ${parsed.dataDir}; ${VERIFY_USAGE}`);
  }
  return parsed;
}

function describeTenant(t: TenantReport): string {
  const lines = [
    `tenant ${t.tenant}: ${t.commands} commands (${t.rejected} rejected) in ${t.batches} batches, ${t.snapshots} snapshots`,
    `  pool ${t.pool}  supply ${t.supply}  price ${t.price}  cash paid in ${t.cashIn}, held ${t.cashHeld}`,
  ];
  if (t.problems.length === 0)
    lines.push("  ok: hash chain, results, snapshots, projections, cash conservation, invariants, audit log");
  for (const problem of t.problems) lines.push(`  BROKEN: ${problem}`);
  return lines.join("\n");
}

function describeReport(report: VerifyReport, where: string): string {
  const broken = report.tenants.filter((t) => t.problems.length > 0).length;
  const summary =
    broken === 0
      ? `OK: ${report.tenants.length} tenant(s) verified`
      : `FAILED: ${broken} of ${report.tenants.length} tenant(s) broken`;
  return [`zengzhi verify: ${report.kind} ${where}`, ...report.tenants.map(describeTenant), summary].join(
    "\n",
  );
}

export async function verifyCommand(args: string[]): Promise<number> {
  try {
    return await runVerify(args);
  } catch (error) {
    if (!(error instanceof VerifyUsageError)) throw error;
    process.stderr.write(`zengzhi: ${error.message}\n`);
    return 2;
  }
}

async function runVerify(args: string[]): Promise<number> {
  const options = parseVerifyArgs(args);
  if (options.help === true) {
    process.stdout.write(`${VERIFY_USAGE}\n`);
    return 0;
  }
  const where = options.databaseUrl !== undefined ? redactPassword(options.databaseUrl) : options.dataDir!;
  let report: VerifyReport;
  try {
    report = await verifyLedger(options);
  } catch (error) {
    const message = (error as Error).message;
    if (error instanceof WriterLockError || /^unknown tenant|holds no zengzhi ledger/.test(message)) {
      throw new VerifyUsageError(message);
    }
    process.stderr.write(`zengzhi verify: cannot verify ${where}: ${message}\n`);
    return 1;
  }
  process.stdout.write(
    (options.json ? JSON.stringify(report, null, 2) : describeReport(report, where)) + "\n",
  );
  return report.ok ? 0 : 1;
}

function redactPassword(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== "") parsed.password = "***";
    return parsed.toString();
  } catch {
    return "(the given database URL)";
  }
}

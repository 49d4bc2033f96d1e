/**
 * `zengzhi reseal-secrets`: after a key rotation (a new key first in ZENGZHI_SECRETS_KEY, the old
 * ones after it, and every node restarted with it), re-seals every tenant's payment credentials
 * under the new key so the old key can then be dropped. Safe to repeat; prints how many moved.
 */
import { existsSync } from "node:fs";
import { parseKeyRing, resealPaymentSettings, resealWechatApps } from "@zengzhi/server";
import { openLedger } from "@zengzhi/store";

const USAGE =
  "usage: zengzhi reseal-secrets (--database-url URL | --data-dir DIR)  (defaults: DATABASE_URL, ZENGZHI_DATA_DIR; key ring: ZENGZHI_SECRETS_KEY)";

function fail(message: string): number {
  process.stderr.write(`zengzhi: ${message}\n`);
  return 2;
}

function whereOf(args: string[]): { databaseUrl: string } | { dataDir: string } | string {
  if (args.length === 0) {
    const url = process.env["DATABASE_URL"];
    if (url !== undefined && url !== "") return { databaseUrl: url };
    return { dataDir: process.env["ZENGZHI_DATA_DIR"] ?? "./data" };
  }
  const [flag, value, ...rest] = args;
  if (value === undefined || rest.length > 0) return USAGE;
  if (flag === "--database-url") return { databaseUrl: value };
  if (flag === "--data-dir") return { dataDir: value };
  return USAGE;
}

export async function resealSecretsCommand(args: string[]): Promise<number> {
  if (args.includes("--help") || args.includes("-h")) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const where = whereOf(args);
  if (typeof where === "string") return fail(where);
  if ("dataDir" in where && !existsSync(where.dataDir)) return fail(`no data directory ${where.dataDir}`);
  const ring = parseKeyRing(process.env["ZENGZHI_SECRETS_KEY"]);
  if (typeof ring === "string") return fail(`ZENGZHI_SECRETS_KEY: ${ring} (see docs/PAYMENTS.md)`);
  const ledger = await openLedger(where);
  try {
    let moved = 0;
    for (const tenant of await ledger.listTenants()) {
      moved += await resealPaymentSettings(ledger.sql, ring, tenant);
      moved += await resealWechatApps(ledger.sql, ring, tenant);
    }
    process.stdout.write(`re-sealed ${moved} field(s) under key ${ring.currentKeyId}\n`);
    return 0;
  } finally {
    await ledger.close();
  }
}

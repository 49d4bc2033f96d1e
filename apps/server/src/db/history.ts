/** SQL on app_price_history and app_rule_versions: the public page's price samples and rule versions. */
import type { Sql } from "@zengzhi/store";

export interface PriceSample {
  at: string;
  day: number;
  poolFen: bigint;
  supply: string;
  price: string;
}

export async function selectLastSample(sql: Sql, tenant: string) {
  const { rows } = await sql.query<{ price: string; pool: string; day: number }>(
    "SELECT price, pool_fen::text AS pool, day FROM app_price_history WHERE tenant_id = $1 ORDER BY at DESC LIMIT 1",
    [tenant],
  );
  return rows[0];
}

export async function insertSample(sql: Sql, tenant: string, sample: PriceSample): Promise<void> {
  await sql.query(
    `INSERT INTO app_price_history (tenant_id, at, day, pool_fen, supply, price) VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (tenant_id, at) DO NOTHING`,
    [tenant, sample.at, sample.day, sample.poolFen.toString(), sample.supply, sample.price],
  );
}

/** The latest `limit` samples, oldest first. */
export async function selectRecentSamples(sql: Sql, tenant: string, limit: number) {
  const { rows } = await sql.query<{
    at: string | Date;
    day: number;
    pool: string;
    supply: string;
    price: string;
  }>(
    `SELECT at, day, pool_fen::text AS pool, supply, price FROM
       (SELECT * FROM app_price_history WHERE tenant_id = $1 ORDER BY at DESC LIMIT ${limit}) recent
     ORDER BY at`,
    [tenant],
  );
  return rows;
}

export async function insertRuleVersion(
  sql: Sql,
  version: { tenant: string; rules: unknown; seq: number | null; createdBy: string },
): Promise<number> {
  const { rows } = await sql.query<{ version: number }>(
    `INSERT INTO app_rule_versions (tenant_id, version, rules, seq, created_by)
     SELECT $1, coalesce(max(version), 0) + 1, $2::jsonb, $3, $4 FROM app_rule_versions WHERE tenant_id = $1
     RETURNING version`,
    [version.tenant, JSON.stringify(version.rules), version.seq, version.createdBy],
  );
  return Number(rows[0]!.version);
}

export async function selectLatestRuleVersion(sql: Sql, tenant: string): Promise<number> {
  const { rows } = await sql.query<{ version: number | null }>(
    "SELECT max(version) AS version FROM app_rule_versions WHERE tenant_id = $1",
    [tenant],
  );
  return Number(rows[0]?.version ?? 1);
}

export async function selectRuleVersions(sql: Sql, tenant: string, limit: number) {
  const { rows } = await sql.query<{
    version: number;
    rules: unknown;
    seq: string | null;
    created_at: string | Date;
    created_by: string;
  }>(
    `SELECT version, rules, seq::text AS seq, created_at, created_by FROM app_rule_versions
      WHERE tenant_id = $1 ORDER BY version DESC LIMIT ${limit}`,
    [tenant],
  );
  return rows;
}

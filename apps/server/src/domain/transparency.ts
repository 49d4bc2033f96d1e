/**
 * The public transparency view (pool, supply, price, the rule set in force, totals paid in and out,
 * price history; no personal data) and the price samples behind its chart.
 */
import { formatMoney, formatPoints } from "@zengzhi/engine";
import {
  insertSample,
  selectLastSample,
  selectLatestRuleVersion,
  selectRecentSamples,
} from "../db/history.js";
import { ping } from "../db/settings.js";
import { LIMITS } from "../limits.js";
import { nodeStatus } from "./cluster.js";
import type { Services } from "./services.js";
import { formatPrice, marketView, rulesView, totalsView } from "./views.js";

/** Records the tenant's price if it changed since the last sample (or always, when forced). */
export async function samplePrice(services: Services, tenant: string, force = false): Promise<void> {
  const sample = await services.gateway.read(tenant, (engine) => ({
    day: engine.day,
    pool: engine.pool,
    supply: formatPoints(engine.supply),
    price: formatPrice(engine.priceUnits()),
  }));
  if (!force) {
    const last = await selectLastSample(services.sql, tenant);
    if (
      last !== undefined &&
      last.price === sample.price &&
      last.pool === String(sample.pool) &&
      last.day === sample.day
    )
      return;
  }
  await insertSample(services.sql, tenant, {
    at: new Date(services.now()).toISOString(),
    day: sample.day,
    poolFen: sample.pool,
    supply: sample.supply,
    price: sample.price,
  });
}

export async function readPublicView(services: Services, tenantOrDefault: string | undefined) {
  const tenant = tenantOrDefault ?? services.defaultTenant;
  await services.requireTenant(tenant);
  const view = await services.gateway.read(tenant, (engine) => ({
    ...marketView(engine),
    rules: rulesView(engine),
    totals: totalsView(engine),
    counts: { members: engine.memberCount, positions: engine.positionCount },
  }));
  const [version, history, paused] = await Promise.all([
    selectLatestRuleVersion(services.sql, tenant),
    selectRecentSamples(services.sql, tenant, LIMITS.priceHistoryMax),
    services.isPaused(tenant),
  ]);
  const { rules, ...market } = view;
  return {
    tenant,
    ...market,
    paused,
    rules: { version, rules },
    priceHistory: history.map((row) => ({
      at: new Date(row.at).toISOString(),
      day: row.day,
      pool: formatMoney(BigInt(row.pool)),
      supply: row.supply,
      price: row.price,
    })),
  };
}

/** Liveness: the database answers; with this node's leases (which tenants it writes, or standby). */
export async function health(services: Services) {
  await ping(services.sql);
  return { ok: true, store: services.ledger.kind, node: nodeStatus(services.ledger) };
}

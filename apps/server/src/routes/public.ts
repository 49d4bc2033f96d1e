/**
 * Routes open to everyone: health, metrics and the public transparency view (pool, supply, price,
 * the rule set in force, totals paid in and out, price history). No personal data.
 */
import { formatMoney, formatPoints } from "@zengzhi/engine";
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { tenantField } from "../fields.js";
import { route } from "../http.js";
import { LIMITS } from "../limits.js";
import type { Services } from "../services.js";
import { formatPrice, marketView, rulesView, totalsView } from "../views.js";

/** Records the tenant's price if it changed since the last sample (or always, when forced). */
export async function samplePrice(services: Services, tenant: string, force = false): Promise<void> {
  const sample = await services.read(tenant, (engine) => ({
    day: engine.day,
    pool: engine.pool,
    supply: formatPoints(engine.supply),
    price: formatPrice(engine.priceUnits()),
  }));
  if (!force) {
    const { rows } = await services.sql.query<{ price: string; pool: string; day: number }>(
      "SELECT price, pool_fen::text AS pool, day FROM app_price_history WHERE tenant_id = $1 ORDER BY at DESC LIMIT 1",
      [tenant],
    );
    const last = rows[0];
    if (
      last !== undefined &&
      last.price === sample.price &&
      last.pool === String(sample.pool) &&
      last.day === sample.day
    )
      return;
  }
  await services.sql.query(
    `INSERT INTO app_price_history (tenant_id, at, day, pool_fen, supply, price) VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (tenant_id, at) DO NOTHING`,
    [
      tenant,
      new Date(services.now()).toISOString(),
      sample.day,
      sample.pool.toString(),
      sample.supply,
      sample.price,
    ],
  );
}

export function publicRoutes(app: FastifyInstance, services: Services): void {
  route(app, services, {
    method: "GET",
    url: "/healthz",
    summary: "Liveness and store kind",
    tags: ["system"],
    roles: "public",
    handler: async () => {
      await services.sql.query("SELECT 1");
      return { ok: true, store: services.ledger.kind };
    },
  });

  route(app, services, {
    method: "GET",
    url: "/metrics",
    summary: "Prometheus metrics",
    tags: ["system"],
    roles: "public",
    handler: async ({ reply }) => {
      reply.header("content-type", services.registry.contentType);
      return services.registry.metrics();
    },
  });

  route(app, services, {
    method: "GET",
    url: "/api/public",
    summary: "Public transparency view: pool, supply, price, rules in force, totals, price history",
    tags: ["public"],
    roles: "public",
    query: z.strictObject({ tenant: tenantField.optional() }),
    handler: async ({ query }) => {
      const tenant = query.tenant ?? services.defaultTenant;
      await services.requireTenant(tenant);
      const view = await services.read(tenant, (engine) => ({
        ...marketView(engine),
        rules: rulesView(engine),
        totals: totalsView(engine),
        counts: { members: engine.memberCount, positions: engine.positionCount },
      }));
      const [versions, history, paused] = await Promise.all([
        services.sql.query<{ version: number }>(
          "SELECT max(version) AS version FROM app_rule_versions WHERE tenant_id = $1",
          [tenant],
        ),
        services.sql.query<{ at: string | Date; day: number; pool: string; supply: string; price: string }>(
          `SELECT at, day, pool_fen::text AS pool, supply, price FROM
             (SELECT * FROM app_price_history WHERE tenant_id = $1 ORDER BY at DESC LIMIT ${LIMITS.priceHistoryMax}) recent
           ORDER BY at`,
          [tenant],
        ),
        services.isPaused(tenant),
      ]);
      const { rules, ...market } = view;
      return {
        tenant,
        ...market,
        paused,
        rules: { version: Number(versions.rows[0]?.version ?? 1), rules },
        priceHistory: history.rows.map((row) => ({
          at: new Date(row.at).toISOString(),
          day: row.day,
          pool: formatMoney(BigInt(row.pool)),
          supply: row.supply,
          price: row.price,
        })),
      };
    },
  });
}

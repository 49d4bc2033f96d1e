/**
 * Starting the service: open the ledger (PostgreSQL when DATABASE_URL is set, else PGlite in ./data;
 * it applies the migrations, the service's own included), seed the demo tenant once, hand the engine any paid order a crash kept from it, sample
 * prices each minute, and listen on PORT (default 3000).
 */
import { fileURLToPath } from "node:url";
import { openLedger, type OpenLedgerOptions } from "@zengzhi/store";
import { syncOnlineOrders } from "./domain/orders.js";
import { DEMO_LOGINS, seedDemo } from "./seed.js";
import { samplePrice } from "./domain/transparency.js";
import { buildApp } from "./http/app.js";
import { type HardeningOptions, hardeningFromEnv } from "./http/hardening.js";

export interface StartOptions {
  port?: number;
  host?: string;
  databaseUrl?: string;
  dataDir?: string;
  /** Seed the demo tenant when missing (default true). */
  seed?: boolean;
  paymentSecret?: string;
  logLevel?: string;
  webDist?: string | null;
  /** CORS origins and the /metrics token (default: from ZENGZHI_CORS_ORIGINS and ZENGZHI_METRICS_TOKEN). */
  hardening?: HardeningOptions;
}

export interface RunningServer {
  url: string;
  close(): Promise<void>;
  seeded: boolean;
}

const WEB_DIST = fileURLToPath(new URL("../../web/dist", import.meta.url));

export async function startServer(options: StartOptions = {}): Promise<RunningServer> {
  const ledgerOptions: OpenLedgerOptions = {};
  if (options.databaseUrl !== undefined) ledgerOptions.databaseUrl = options.databaseUrl;
  if (options.dataDir !== undefined) ledgerOptions.dataDir = options.dataDir;
  // openLedger applies every migration, the service's tables (0100 and up) included.
  const ledger = await openLedger(ledgerOptions);
  const { app, services } = await buildApp({
    ledger,
    logger: { level: options.logLevel ?? "info" },
    webDist: options.webDist === undefined ? WEB_DIST : options.webDist,
    hardening: options.hardening ?? hardeningFromEnv(process.env),
    ...(options.paymentSecret === undefined ? {} : { paymentSecret: options.paymentSecret }),
  });
  const seeded = options.seed === false ? false : await seedDemo(app, services);
  for (const tenant of await ledger.listTenants()) await syncOnlineOrders(services, tenant);

  const sampler = setInterval(() => {
    void (async () => {
      for (const tenant of await ledger.listTenants()) await samplePrice(services, tenant);
    })().catch((error: unknown) => app.log.error({ err: error }, "price sample failed"));
  }, 60_000);
  sampler.unref();

  const address = await app.listen({ port: options.port ?? 3000, host: options.host ?? "127.0.0.1" });
  return {
    url: address,
    seeded,
    async close() {
      clearInterval(sampler);
      await app.close();
      await ledger.close();
    },
  };
}

export { DEMO_LOGINS };

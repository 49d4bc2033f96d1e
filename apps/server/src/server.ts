/**
 * Starting the service: open the ledger (PostgreSQL when DATABASE_URL is set, else PGlite in ./data;
 * it applies the migrations, the service's own included), seed the demo tenant once, hand the engine any paid order a crash kept from it, sample
 * prices each minute, and listen on PORT (default 3000).
 */
import { fileURLToPath } from "node:url";
import { openLedger, type LedgerOptions } from "@zengzhi/store";
import { syncOnlineOrders } from "./domain/orders.js";
import { DEMO_LOGINS, seedDemo } from "./seed.js";
import { startRetention } from "./domain/retention.js";
import { samplePrice } from "./domain/transparency.js";
import { buildApp } from "./http/app.js";

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
  /** Days idempotency answers are kept (default 30; ZENGZHI_IDEMPOTENCY_RETENTION_DAYS). */
  idempotencyRetentionDays?: number;
  /** Complete ledger snapshots kept per tenant (default 3; ZENGZHI_SNAPSHOTS_KEPT). */
  snapshotsKept?: number;
}

export interface RunningServer {
  url: string;
  close(): Promise<void>;
  seeded: boolean;
}

const WEB_DIST = fileURLToPath(new URL("../../web/dist", import.meta.url));

export async function startServer(options: StartOptions = {}): Promise<RunningServer> {
  const ledgerOptions: LedgerOptions = {};
  if (options.snapshotsKept !== undefined) ledgerOptions.snapshotsKept = options.snapshotsKept;
  if (options.databaseUrl !== undefined) ledgerOptions.databaseUrl = options.databaseUrl;
  if (options.dataDir !== undefined) ledgerOptions.dataDir = options.dataDir;
  // openLedger applies every migration, the service's tables (0100 and up) included.
  const ledger = await openLedger(ledgerOptions);
  const { app, services } = await buildApp({
    ledger,
    logger: { level: options.logLevel ?? "info" },
    webDist: options.webDist === undefined ? WEB_DIST : options.webDist,
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
  const retention = startRetention(services, {
    ...(options.idempotencyRetentionDays === undefined
      ? {}
      : { retentionDays: options.idempotencyRetentionDays }),
    onError: (error) => app.log.error({ err: error }, "expiring idempotency answers failed"),
  });

  const address = await app.listen({ port: options.port ?? 3000, host: options.host ?? "127.0.0.1" });
  return {
    url: address,
    seeded,
    async close() {
      clearInterval(sampler);
      await retention.stop();
      await app.close();
      await ledger.close();
    },
  };
}

export { DEMO_LOGINS };

/**
 * Starting the service: open the ledger (PostgreSQL when DATABASE_URL is set, else PGlite in ./data;
 * it applies the migrations, the service's own included), seed the demo tenant once, hand the engine any paid order a crash kept from it, sample
 * prices each minute, and listen on PORT (default 3000).
 */
import type { WechatSignInEndpoints } from "@zengzhi/payments";
import { fileURLToPath } from "node:url";
import type { Ledger } from "@zengzhi/store";
import { type LeaseEvent, type LedgerOptions, openLedger } from "@zengzhi/store";
import { httpForwarder } from "./domain/cluster.js";
import { syncOnlineOrders } from "./domain/orders.js";
import { DEMO_LOGINS, DEMO_TENANT, seedDemo } from "./seed.js";
import type { Services } from "./domain/services.js";
import { startNotifications } from "./domain/notifications.js";
import { startPaymentSweep } from "./domain/payment-query.js";
import { startRetention } from "./domain/retention.js";
import { LIMITS } from "./limits.js";
import { startCalendar } from "./domain/day-close.js";
import { reconcileProviders } from "./domain/provider-reconciliation.js";
import { samplePrice } from "./domain/transparency.js";
import { buildApp } from "./http/app.js";
import { type SecuritySettings, calendarCheckMsFromEnv, manualCloseFromEnv } from "./settings.js";
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
  /** Proxy trust, session timeouts, registration ceiling (read from the environment by `zengzhi start`). */
  security?: Partial<SecuritySettings>;
  /** The URL other nodes forward commands to (default: the address it listens on). */
  advertiseUrl?: string;
  /** This node's id in the lease table (default host:pid:random; a stable one takes its own lease back at once on restart). */
  nodeId?: string;
  /** Writer lease time to live in ms (default ZENGZHI_LEASE_TTL_MS, else 3,000). */
  leaseTtlMs?: number;
  /** Days idempotency answers are kept (default 30; ZENGZHI_IDEMPOTENCY_RETENTION_DAYS). */
  idempotencyRetentionDays?: number;
  /** Complete ledger snapshots kept per tenant (default 3; ZENGZHI_SNAPSHOTS_KEPT). */
  snapshotsKept?: number;
  /** CORS origins and the /metrics token (default: from ZENGZHI_CORS_ORIGINS and ZENGZHI_METRICS_TOKEN). */
  hardening?: HardeningOptions;
  /** The operator's manual close, for tests and demos (default: ZENGZHI_MANUAL_CLOSE=on, else off). */
  manualClose?: boolean;
  /** The service's clock in ms (tests move it; default Date.now): days close at its local midnight. */
  now?: () => number;
  /** How often the calendar checks for dates to close (default 30 s; ZENGZHI_CALENDAR_CHECK_SECONDS). */
  calendarCheckMs?: number;
  /** The secrets key ring (default ZENGZHI_SECRETS_KEY) and the public URL the providers call back (default ZENGZHI_PUBLIC_URL). */
  secretsKey?: string;
  publicUrl?: string;
  /** The payment providers' endpoints (tests point them at the local fakes; default production). */
  paymentEndpoints?: Partial<Record<"wechat" | "alipay", string>>;
  /** WeChat sign-in's endpoints other than production (tests: the local fake). */
  wechatSignIn?: WechatSignInEndpoints;
}

export interface RunningServer {
  url: string;
  close(): Promise<void>;
  seeded: boolean;
}

const WEB_DIST = fileURLToPath(new URL("../../web/dist", import.meta.url));

export async function startServer(options: StartOptions = {}): Promise<RunningServer> {
  // Lease changes and forwarded commands are told to the app's logger and metrics once they exist.
  let onLease: (event: LeaseEvent) => void = () => undefined;
  let onForward: () => void = () => undefined;
  const ledgerOptions: LedgerOptions = {
    forward: httpForwarder(() => onForward()),
    onLease: (event) => onLease(event),
  };
  if (options.snapshotsKept !== undefined) ledgerOptions.snapshotsKept = options.snapshotsKept;
  if (options.databaseUrl !== undefined) ledgerOptions.databaseUrl = options.databaseUrl;
  if (options.dataDir !== undefined) ledgerOptions.dataDir = options.dataDir;
  if (options.nodeId !== undefined) ledgerOptions.nodeId = options.nodeId;
  if (options.leaseTtlMs !== undefined) ledgerOptions.leaseTtlMs = options.leaseTtlMs;
  // openLedger applies every migration, the service's tables (0100 and up) included.
  const ledger = await openLedger(ledgerOptions);
  try {
    return await serve(ledger, options, (log, metrics) => {
      onLease = log;
      onForward = metrics;
    });
  } catch (error) {
    // Never half-alive: a node that cannot serve lets its database connections go and says why.
    await ledger.close().catch(() => undefined);
    throw error;
  }
}

/** Seeds the demo unless it exists; a node that lost the race to another node seeding it carries on. */
async function seedOnce(
  app: Awaited<ReturnType<typeof buildApp>>["app"],
  services: Services,
): Promise<boolean> {
  try {
    return await seedDemo(app, services);
  } catch (error) {
    const tenants = await services.ledger.listTenants().catch((): string[] => []);
    if (tenants.includes(DEMO_TENANT)) return false;
    throw error;
  }
}

async function serve(
  ledger: Ledger,
  options: StartOptions,
  wire: (onLease: (event: LeaseEvent) => void, onForward: () => void) => void,
): Promise<RunningServer> {
  const { app, services } = await buildApp({
    ledger,
    logger: { level: options.logLevel ?? "info" },
    webDist: options.webDist === undefined ? WEB_DIST : options.webDist,
    hardening: options.hardening ?? hardeningFromEnv(process.env),
    ...(options.paymentSecret === undefined ? {} : { paymentSecret: options.paymentSecret }),
    ...(options.security === undefined ? {} : { security: options.security }),
    ...(options.now === undefined ? {} : { now: options.now }),
    ...(options.secretsKey === undefined ? {} : { secretsKey: options.secretsKey }),
    ...(options.publicUrl === undefined ? {} : { publicUrl: options.publicUrl }),
    ...(options.paymentEndpoints === undefined ? {} : { paymentEndpoints: options.paymentEndpoints }),
    manualClose: options.manualClose ?? manualCloseFromEnv(process.env),
    ...(options.wechatSignIn === undefined ? {} : { wechatSignIn: options.wechatSignIn }),
  });
  wire(
    (event) => {
      const line = { tenant: event.tenantId, epoch: event.epoch, holder: event.holder, reason: event.reason };
      if (event.kind === "lost") app.log.warn(line, `lease lost: stopped writing tenant ${event.tenantId}`);
      else if (event.kind === "standby")
        app.log.info(line, `standby for tenant ${event.tenantId}: node ${event.holder} holds it; forwarding`);
      else app.log.info(line, `lease ${event.kind}: tenant ${event.tenantId}, epoch ${event.epoch}`);
    },
    () => services.metrics.countForwarded("sent"),
  );
  const seeded = options.seed === false ? false : await seedOnce(app, services);
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

  const notifications = startNotifications(services, {
    onError: (error) => app.log.error({ err: error }, "notifications failed"),
  });
  // Payments and refunds no notification settled are asked about at their provider (issue 12).
  const paymentSweep = startPaymentSweep(services, {
    intervalMs: LIMITS.providerSweepIntervalMs,
    ageSeconds: LIMITS.providerSweepAgeSeconds,
    onError: (error) => app.log.error({ err: error }, "asking the payment providers failed"),
  });
  const calendar = startCalendar(services, {
    checkMs: options.calendarCheckMs ?? calendarCheckMsFromEnv(process.env),
    onError: (error) => app.log.error({ err: error }, "closing the calendar's due dates failed"),
    // Each closed date's provider statements are matched with the ledger (a failure is stored per
    // provider as "unavailable"; the operator can re-run a date from the finance page).
    afterClose: async (tenant, dates) => {
      for (const date of dates) await reconcileProviders(services, tenant, date);
    },
  });
  await calendar.runNow();

  const address = await app.listen({ port: options.port ?? 3000, host: options.host ?? "127.0.0.1" });
  await ledger.advertise(options.advertiseUrl ?? address);
  return {
    url: address,
    seeded,
    async close() {
      clearInterval(sampler);
      await calendar.stop();
      await retention.stop();
      await notifications.stop();
      await paymentSweep.stop();
      await app.close();
      await ledger.close();
    },
  };
}

export { DEMO_LOGINS };

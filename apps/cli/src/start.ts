/**
 * `zengzhi start`: runs the HTTP service. PGlite in ./data (or ZENGZHI_DATA_DIR) unless DATABASE_URL
 * names a PostgreSQL; PORT (default 3000) and HOST (default 127.0.0.1). Seeds the demo tenant once
 * and prints the URL and the demo logins; stops cleanly on Ctrl-C or SIGTERM. The security settings
 * (ZENGZHI_TRUST_PROXY, session timeouts, registration ceiling) are read as docs/SECURITY.md lists.
 */
import type { StartOptions } from "@zengzhi/server";
// The settings module alone (no HTTP stack): the other subcommands need not load the service.
import { securityFromEnv, SettingError } from "@zengzhi/server/settings";
import { UsageError } from "./main.js";

function readPort(text: string, where: string): number {
  const port = Number(text);
  if (!/^\d{1,5}$/.test(text) || port > 65_535)
    throw new UsageError(`${where} must be a port number (0–65535), got "${text}"`);
  return port;
}

function readCount(text: string, where: string, range: { min: number; max: number }): number {
  const count = Number(text);
  if (!/^\d{1,6}$/.test(text) || count < range.min || count > range.max)
    throw new UsageError(`${where} must be a whole number from ${range.min} to ${range.max}, got "${text}"`);
  return count;
}

export function parseStartArgs(args: string[], env: NodeJS.ProcessEnv): StartOptions {
  const options: StartOptions = {
    port: env.PORT === undefined || env.PORT === "" ? 3000 : readPort(env.PORT, "PORT"),
  };
  if (env.HOST !== undefined && env.HOST !== "") options.host = env.HOST;
  if (env.DATABASE_URL !== undefined && env.DATABASE_URL !== "") options.databaseUrl = env.DATABASE_URL;
  if (env.ZENGZHI_DATA_DIR !== undefined && env.ZENGZHI_DATA_DIR !== "")
    options.dataDir = env.ZENGZHI_DATA_DIR;
  if (env.ZENGZHI_PAYMENT_SECRET !== undefined && env.ZENGZHI_PAYMENT_SECRET !== "") {
    options.paymentSecret = env.ZENGZHI_PAYMENT_SECRET;
  }
  if (env.LOG_LEVEL !== undefined && env.LOG_LEVEL !== "") options.logLevel = env.LOG_LEVEL;
  try {
    options.security = securityFromEnv(env);
  } catch (error) {
    if (error instanceof SettingError) throw new UsageError(error.message);
    throw error;
  }
  if (env.ZENGZHI_ADVERTISE_URL !== undefined && env.ZENGZHI_ADVERTISE_URL !== "")
    options.advertiseUrl = env.ZENGZHI_ADVERTISE_URL;
  if (env.ZENGZHI_NODE_ID !== undefined && env.ZENGZHI_NODE_ID !== "") options.nodeId = env.ZENGZHI_NODE_ID;
  if (env.ZENGZHI_LEASE_TTL_MS !== undefined && env.ZENGZHI_LEASE_TTL_MS !== "") {
    const ttl = Number(env.ZENGZHI_LEASE_TTL_MS);
    if (!Number.isInteger(ttl) || ttl < 100 || ttl > 600_000)
      throw new UsageError(
        `ZENGZHI_LEASE_TTL_MS must be milliseconds (100–600000), got "${env.ZENGZHI_LEASE_TTL_MS}"`,
      );
    options.leaseTtlMs = ttl;
  }
  const retention = env.ZENGZHI_IDEMPOTENCY_RETENTION_DAYS;
  if (retention !== undefined && retention !== "") {
    options.idempotencyRetentionDays = readCount(retention, "ZENGZHI_IDEMPOTENCY_RETENTION_DAYS", {
      min: 1,
      max: 3650,
    });
  }
  const kept = env.ZENGZHI_SNAPSHOTS_KEPT;
  if (kept !== undefined && kept !== "")
    options.snapshotsKept = readCount(kept, "ZENGZHI_SNAPSHOTS_KEPT", { min: 1, max: 1000 });
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const value = () => {
      const next = args[++i];
      if (next === undefined) throw new UsageError(`${arg} needs a value`);
      return next;
    };
    if (arg === "--port") options.port = readPort(value(), "--port");
    else if (arg === "--host") options.host = value();
    else if (arg === "--data-dir") options.dataDir = value();
    else if (arg === "--no-seed") options.seed = false;
    else
      throw new UsageError(
        `unknown option ${arg} (usage: zengzhi start [--port N] [--host H] [--data-dir DIR] [--no-seed])`,
      );
  }
  return options;
}

export async function startCommand(args: string[]): Promise<number> {
  const options = parseStartArgs(args, process.env);
  // Loaded here, not at the top: the other subcommands need not load the HTTP stack.
  const { DEMO_LOGINS, startServer } = await import("@zengzhi/server");
  let server;
  try {
    server = await startServer(options);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "EADDRINUSE")
      throw new UsageError(`port ${options.port} is in use (set PORT to another port)`);
    if ((error as Error).name === "WriterLockError") throw new UsageError((error as Error).message);
    throw error;
  }
  const store =
    options.databaseUrl === undefined
      ? `PGlite in ${options.dataDir ?? process.env.ZENGZHI_DATA_DIR ?? "./data"}`
      : "PostgreSQL (DATABASE_URL)";
  console.log(`zengzhi is running at ${server.url}  (store: ${store})`);
  console.log(`  web app ${server.url}/   public page ${server.url}/public   API docs ${server.url}/docs`);
  // The link an operator shares with members: the tenant is in it, so nobody types it.
  console.log(`  members' H5 of the demo tenant ${server.url}/t/demo/`);
  console.log(
    `demo tenant "demo"${server.seeded ? " (seeded just now)" : ""}; logins (username / password):`,
  );
  for (const login of DEMO_LOGINS)
    console.log(`  ${login.role.padEnd(8)} ${login.username.padEnd(9)} / ${login.password}`);
  // The handlers stay: a signal repeated while stopping (the launcher passing on a SIGTERM that the
  // process group also received) must not cut the shutdown short.
  await new Promise<void>((resolve) => {
    process.on("SIGINT", () => resolve());
    process.on("SIGTERM", () => resolve());
  });
  console.log("zengzhi: stopping");
  await server.close();
  return 0;
}

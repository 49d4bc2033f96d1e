#!/usr/bin/env node
// bench:capacity — the figures of the capacity model in docs/SCALING.md: how much the database writes
// per order, and what an open tenant costs a node.
// On a throwaway PostgreSQL (or DATABASE_URL): the WAL (pg_current_wal_lsn difference, and
// pg_stat_wal's records and full-page images) and the growth of tables and indexes, per order, for
//   (a) the ledger alone: ledger.submit of N orders with many in flight (the bench:store path);
//   (b) the service: POST /api/sales through the HTTP routes in process (app.inject), which also
//       writes the request's idempotency row and the audit trail;
//   (c) many small tenants: T tenants open in one ledger, orders sent one at a time per tenant, so
//       each commit holds about one order (the regime of 100,000 quiet tenants); WAL per order there,
//       and the resident memory and heap an open tenant's writer holds (run with --expose-gc).
// A CHECKPOINT runs before each part, so its first writes to each page are full-page images, as
// after any checkpoint in production; the figures say how much of the WAL they were.
// `--json` prints one object. BENCH_WAL_ORDERS (default 50,000), BENCH_WAL_SALES (10,000),
// BENCH_TENANTS (1,000) and BENCH_TENANT_ORDERS (5 per tenant) set the sizes, BENCH_LEASE_TTL_MS
// the lease TTL of part (c).
import os from "node:os";
import { performance } from "node:perf_hooks";
import pg from "pg";
import { createDatabaseIn, openLedger, startTemporaryPostgres } from "@zengzhi/store";

const json = process.argv.includes("--json");
const ORDERS = Number(process.env.BENCH_WAL_ORDERS ?? 50_000);
const SALES = Number(process.env.BENCH_WAL_SALES ?? 10_000);
const TENANTS = Number(process.env.BENCH_TENANTS ?? 1_000);
const TENANT_ORDERS = Number(process.env.BENCH_TENANT_ORDERS ?? 5);
// The lease TTL of part (c): the store's default unless BENCH_LEASE_TTL_MS is set.
const LEASE_TTL_MS = process.env.BENCH_LEASE_TTL_MS ? Number(process.env.BENCH_LEASE_TTL_MS) : undefined;
const IN_FLIGHT = 5_000;
const log = (line) => (json ? process.stderr : process.stdout).write(`${line}\n`);

/** WAL position, WAL statistics and the size of every table with its indexes. */
async function sample(client) {
  const { rows: lsn } = await client.query("SELECT pg_current_wal_lsn()::text AS lsn");
  const { rows: wal } = await client.query(
    "SELECT wal_records::bigint AS records, wal_fpi::bigint AS fpi, wal_bytes::bigint AS bytes FROM pg_stat_wal",
  );
  const { rows: tables } = await client.query(
    `SELECT relname AS name, pg_total_relation_size(relid)::bigint AS bytes FROM pg_stat_user_tables`,
  );
  return {
    lsn: lsn[0].lsn,
    wal: wal[0],
    tables: Object.fromEntries(tables.map((t) => [t.name, Number(t.bytes)])),
  };
}

async function difference(client, before, after, count) {
  const { rows } = await client.query("SELECT pg_wal_lsn_diff($1, $2)::bigint AS bytes", [
    after.lsn,
    before.lsn,
  ]);
  const per = (value) => Math.round((Number(value) / count) * 10) / 10;
  const growth = Object.entries(after.tables)
    .map(([name, bytes]) => [name, per(bytes - (before.tables[name] ?? 0))])
    .filter(([, bytes]) => bytes > 0)
    .sort((a, b) => b[1] - a[1]);
  return {
    count,
    walBytesPerOrder: per(rows[0].bytes),
    walRecordsPerOrder: per(after.wal.records - before.wal.records),
    fullPageImageShare:
      Math.round(
        ((after.wal.fpi - before.wal.fpi) / Math.max(1, after.wal.records - before.wal.records)) * 1000,
      ) / 1000,
    statWalBytesPerOrder: per(after.wal.bytes - before.wal.bytes),
    storageBytesPerOrder: Object.fromEntries(growth),
    storageBytesPerOrderTotal: per(growth.reduce((sum, [, bytes]) => sum + bytes * count, 0)),
  };
}

async function ledgerPart(url, client) {
  const batches = [];
  const ledger = await openLedger({
    databaseUrl: url,
    snapshotEvery: 10_000_000,
    onBatch: (b) => batches.push(b),
  });
  await ledger.createTenant("wal", {});
  await ledger.submit("wal", "warm-up", { type: "order", member: "w", amount: "1.00" });
  await client.query("CHECKPOINT");
  batches.length = 0;
  const before = await sample(client);
  let next = 0;
  const started = performance.now();
  const submitter = async () => {
    while (next < ORDERS) {
      const i = next++;
      await ledger.submit("wal", `o${i}`, {
        type: "order",
        member: `m${i % 5000}`,
        amount: `${10 + (i % 90)}.00`,
      });
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, submitter));
  const seconds = (performance.now() - started) / 1000;
  const after = await sample(client);
  await ledger.close();
  const meanBatch = Math.round(batches.reduce((sum, b) => sum + b.commands, 0) / Math.max(1, batches.length));
  return {
    ...(await difference(client, before, after, ORDERS)),
    ordersPerSecond: Math.round(ORDERS / seconds),
    meanBatchSize: meanBatch,
  };
}

async function servicePart(url, client) {
  const { buildApp, seedDemo } = await import("@zengzhi/server");
  const ledger = await openLedger({ databaseUrl: url, snapshotEvery: 10_000_000 });
  const { app, services } = await buildApp({ ledger, webDist: null, logger: false });
  await seedDemo(app, services);
  const login = await app.inject({
    method: "POST",
    url: "/api/auth/login",
    payload: { tenant: "demo", username: "teahouse", password: "merchant-demo" },
  });
  const token = login.json().token;
  // Till sales are paid from the merchant's prepaid balance (issue 12): enough for the whole run.
  const operator = await app.inject({
    method: "POST",
    url: "/api/auth/login",
    payload: { tenant: "demo", username: "operator", password: "operator-demo" },
  });
  await app.inject({
    method: "POST",
    url: "/api/merchants/teahouse/prepaid/credits",
    headers: { authorization: `Bearer ${operator.json().token}`, "idempotency-key": "capacity-prepaid" },
    payload: { amount: "1000000000.00", reference: "CAPACITY" },
  });
  await client.query("CHECKPOINT");
  const before = await sample(client);
  let next = 0;
  const started = performance.now();
  const seller = async () => {
    while (next < SALES) {
      const i = next++;
      const answer = await app.inject({
        method: "POST",
        url: "/api/sales",
        headers: { authorization: `Bearer ${token}`, "idempotency-key": `wal-${i}` },
        payload: { member: ["alice", "bob", "carol"][i % 3], amount: `${10 + (i % 90)}.00` },
      });
      if (answer.statusCode !== 201) throw new Error(`sale ${i}: ${answer.statusCode} ${answer.body}`);
    }
  };
  await Promise.all(Array.from({ length: 200 }, seller));
  const seconds = (performance.now() - started) / 1000;
  const after = await sample(client);
  await app.close();
  await ledger.close();
  return { ...(await difference(client, before, after, SALES)), salesPerSecond: Math.round(SALES / seconds) };
}

/** Memory after a full collection (when exposed), in bytes. */
function memory() {
  globalThis.gc?.();
  const { rss, heapUsed, arrayBuffers } = process.memoryUsage();
  return { rss, heapUsed, arrayBuffers };
}

async function tenantsPart(url, client) {
  // Each open tenant's lease is renewed every third of its TTL, one UPDATE each, while the orders
  // run: their WAL counts in this part. One renewal's WAL is measured by itself below.
  const ledger = await openLedger({
    databaseUrl: url,
    snapshotEvery: 10_000_000,
    ...(LEASE_TTL_MS === undefined ? {} : { leaseTtlMs: LEASE_TTL_MS }),
  });
  const names = Array.from({ length: TENANTS }, (_, i) => `t${String(i).padStart(6, "0")}`);
  for (const name of names) await ledger.createTenant(name, {});
  const empty = memory();
  // Open every writer (its first order), then measure: what stays per open tenant.
  await runInParallel(names, 50, (name) =>
    ledger.submit(name, "open", { type: "order", member: "m0", amount: "10.00" }),
  );
  const open = memory();
  await client.query("CHECKPOINT");
  const before = await sample(client);
  const started = performance.now();
  for (let round = 1; round <= TENANT_ORDERS; round++) {
    await runInParallel(names, 50, (name) =>
      ledger.submit(name, `r${round}`, { type: "order", member: `m${round}`, amount: "10.00" }),
    );
  }
  const seconds = (performance.now() - started) / 1000;
  const after = await sample(client);
  await ledger.close();
  // After close: no renewals of the ledger's own run in the background of this measurement.
  const renewal = await leaseRenewalWal(client, names);
  const count = TENANTS * TENANT_ORDERS;
  const perTenant = (key) => Math.round((open[key] - empty[key]) / TENANTS);
  return {
    tenants: TENANTS,
    ...(await difference(client, before, after, count)),
    ordersPerSecond: Math.round(count / seconds),
    // Heap and typed arrays (the key index, position columns) after a full collection; the resident
    // set does not shrink when the heap does, so it is too noisy to divide by the tenants.
    openTenantBytes: {
      heapAndArrays: perTenant("heapUsed") + perTenant("arrayBuffers"),
      heapUsed: perTenant("heapUsed"),
      arrayBuffers: perTenant("arrayBuffers"),
    },
    gcExposed: typeof globalThis.gc === "function",
    leaseRenewalWalBytes: renewal,
    leaseTtlMs: LEASE_TTL_MS ?? "default",
  };
}

/**
 * WAL of one lease renewal: the statement lease.ts sends, each in its own transaction, once per
 * tenant (expires_at set to the value it has, so the leases themselves do not change).
 */
async function leaseRenewalWal(client, names) {
  const { rows: start } = await client.query("SELECT pg_current_wal_lsn()::text AS lsn");
  for (const name of names) {
    await client.query(
      "UPDATE tenant_leases SET expires_at = expires_at + interval '0 ms' WHERE tenant_id = $1 AND epoch = epoch RETURNING 1",
      [name],
    );
  }
  const { rows } = await client.query("SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), $1)::bigint AS bytes", [
    start[0].lsn,
  ]);
  return Math.round(Number(rows[0].bytes) / names.length);
}

/** Runs fn over items with at most `width` at a time. */
async function runInParallel(items, width, fn) {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]);
  };
  await Promise.all(Array.from({ length: width }, worker));
}

let cluster = null;
let url = process.env.DATABASE_URL;
if (url === undefined || url === "") {
  log("starting a throwaway PostgreSQL cluster …");
  cluster = await startTemporaryPostgres();
  url = cluster.url;
}
try {
  const ledgerUrl = await createDatabaseIn(url, `wal_ledger_${Date.now().toString(36)}`);
  const serviceUrl = await createDatabaseIn(url, `wal_service_${Date.now().toString(36)}`);
  const client = new pg.Client({ connectionString: ledgerUrl });
  await client.connect();
  const { rows: version } = await client.query("SHOW server_version");
  const ledgerRun = await ledgerPart(ledgerUrl, client);
  await client.end();
  log(
    `(a) ledger: ${ledgerRun.walBytesPerOrder} WAL bytes per order (${ledgerRun.walRecordsPerOrder} records, ` +
      `${Math.round(ledgerRun.fullPageImageShare * 100)} % full-page images), ${ledgerRun.storageBytesPerOrderTotal} bytes of tables and indexes per order; ` +
      `${ORDERS.toLocaleString()} orders, batches of ${ledgerRun.meanBatchSize}, ${ledgerRun.ordersPerSecond.toLocaleString()} orders/s`,
  );
  log(`    growth per order: ${JSON.stringify(ledgerRun.storageBytesPerOrder)}`);
  const serviceClient = new pg.Client({ connectionString: serviceUrl });
  await serviceClient.connect();
  const serviceRun = await servicePart(serviceUrl, serviceClient);
  await serviceClient.end();
  log(
    `(b) service: ${serviceRun.walBytesPerOrder} WAL bytes per sale (${serviceRun.walRecordsPerOrder} records, ` +
      `${Math.round(serviceRun.fullPageImageShare * 100)} % full-page images), ${serviceRun.storageBytesPerOrderTotal} bytes of tables and indexes per sale; ` +
      `${SALES.toLocaleString()} sales, ${serviceRun.salesPerSecond.toLocaleString()} sales/s in process`,
  );
  log(`    growth per sale: ${JSON.stringify(serviceRun.storageBytesPerOrder)}`);
  const tenantsUrl = await createDatabaseIn(url, `wal_tenants_${Date.now().toString(36)}`);
  const tenantsClient = new pg.Client({ connectionString: tenantsUrl });
  await tenantsClient.connect();
  const tenantsRun = await tenantsPart(tenantsUrl, tenantsClient);
  await tenantsClient.end();
  log(
    `(c) ${TENANTS.toLocaleString()} tenants, one order at a time each: ${tenantsRun.walBytesPerOrder} WAL bytes per order ` +
      `(${tenantsRun.walRecordsPerOrder} records, ${Math.round(tenantsRun.fullPageImageShare * 100)} % full-page images), ` +
      `${tenantsRun.storageBytesPerOrderTotal} bytes of tables and indexes per order, ${tenantsRun.ordersPerSecond.toLocaleString()} orders/s; ` +
      `an open tenant holds ${tenantsRun.openTenantBytes.heapAndArrays.toLocaleString()} bytes of heap and typed arrays (${tenantsRun.openTenantBytes.heapUsed.toLocaleString()} of JS heap` +
      `${tenantsRun.gcExposed ? "" : ", without --expose-gc: rough"}); one lease renewal writes ${tenantsRun.leaseRenewalWalBytes} WAL bytes`,
  );
  log(`    growth per order: ${JSON.stringify(tenantsRun.storageBytesPerOrder)}`);
  if (json) {
    console.log(
      JSON.stringify({
        ledger: ledgerRun,
        service: serviceRun,
        tenants: tenantsRun,
        postgres: version[0].server_version,
        machine: {
          cpu: os.cpus()[0]?.model ?? "unknown",
          cores: os.cpus().length,
          load: os.loadavg(),
          node: process.version,
        },
      }),
    );
  }
} finally {
  if (cluster !== null) await cluster.stop();
}

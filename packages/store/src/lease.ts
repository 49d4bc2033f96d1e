/**
 * Writer leases with fencing epochs (issue #15). A tenant's writer runs on the one node holding the
 * tenant's row in `tenant_leases`. Taking the lease increments its epoch; every batch commit names the
 * epoch (see COMMIT_SQL in writer.ts) and fails unless the row still carries it, so a writer that
 * was deposed while paused can never commit. Expiry is measured by the database's clock; the holder
 * renews it on a timer. All functions here are single statements, safe to race between nodes.
 */
import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import type { Sql } from "./api.js";

/** Default lease time to live: a writer silent this long may be replaced. */
export const DEFAULT_LEASE_TTL_MS = 3_000;

/** A node's identity in the lease table: host, pid and a random part (a restarted node is another node). */
export function newNodeId(): string {
  return `${hostname()}:${process.pid}:${randomBytes(3).toString("hex")}`;
}

export interface LeaseRow {
  tenantId: string;
  epoch: number;
  nodeId: string;
  address: string;
  /** Milliseconds until it expires by the database's clock (negative: expired). */
  expiresInMs: number;
}

/**
 * Takes the tenant's lease when it is free, expired or already this node's (or always, `force`: PGlite,
 * where the data directory's lock file already excludes every other process). Returns the new epoch,
 * or undefined when another node holds it.
 */
export async function acquireLease(
  sql: Sql,
  tenantId: string,
  nodeId: string,
  address: string,
  ttlMs: number,
  force = false,
): Promise<number | undefined> {
  const { rows } = await sql.query<{ epoch: string }>(
    `INSERT INTO tenant_leases (tenant_id, epoch, node_id, address, expires_at)
     VALUES ($1, 1, $2, $3, now() + $4::double precision * interval '1 millisecond')
     ON CONFLICT (tenant_id) DO UPDATE
       SET epoch = tenant_leases.epoch + 1, node_id = EXCLUDED.node_id, address = EXCLUDED.address,
           acquired_at = now(), expires_at = EXCLUDED.expires_at
       WHERE tenant_leases.expires_at <= now() OR tenant_leases.node_id = $2 OR $5::boolean
     RETURNING epoch`,
    [tenantId, nodeId, address, ttlMs, force],
  );
  return rows[0] === undefined ? undefined : Number(rows[0].epoch);
}

/** Extends the lease held under `epoch`; false when it was taken over meanwhile. */
export async function renewLease(sql: Sql, tenantId: string, epoch: number, ttlMs: number): Promise<boolean> {
  const { rows } = await sql.query(
    `UPDATE tenant_leases SET expires_at = now() + $3::double precision * interval '1 millisecond'
     WHERE tenant_id = $1 AND epoch = $2 RETURNING 1`,
    [tenantId, epoch, ttlMs],
  );
  return rows.length > 0;
}

/**
 * Lets the lease go at once (clean shutdown): the next node that gets a request for the tenant takes
 * it. A released lease names no node, so the other nodes' timers leave it to the requests (a rolling
 * restart spreads tenants where their traffic goes) instead of taking it as a failover.
 */
export async function releaseLease(sql: Sql, tenantId: string, epoch: number): Promise<void> {
  await sql.query(
    `UPDATE tenant_leases SET expires_at = now(), node_id = '' WHERE tenant_id = $1 AND epoch = $2`,
    [tenantId, epoch],
  );
}

/** Records the holder's advertised address on the leases it holds. */
export async function advertiseAddress(sql: Sql, nodeId: string, address: string): Promise<void> {
  await sql.query(`UPDATE tenant_leases SET address = $2 WHERE node_id = $1`, [nodeId, address]);
}

export async function readLease(sql: Sql, tenantId: string): Promise<LeaseRow | undefined> {
  const { rows } = await sql.query<{ epoch: string; node_id: string; address: string; expires_in: number }>(
    `SELECT epoch, node_id, address,
            (extract(epoch FROM expires_at - now()) * 1000)::double precision AS expires_in
     FROM tenant_leases WHERE tenant_id = $1`,
    [tenantId],
  );
  const row = rows[0];
  if (row === undefined) return undefined;
  return {
    tenantId,
    epoch: Number(row.epoch),
    nodeId: row.node_id,
    address: row.address,
    expiresInMs: Number(row.expires_in),
  };
}

/** Tenants (existing ones) whose lease expired unreleased: a writer died or stalled; someone should take them. */
export async function expiredLeases(sql: Sql): Promise<string[]> {
  const { rows } = await sql.query<{ tenant_id: string }>(
    `SELECT l.tenant_id FROM tenant_leases l JOIN tenants t ON t.tenant_id = l.tenant_id
     WHERE l.expires_at <= now() AND l.node_id <> '' ORDER BY l.tenant_id`,
  );
  return rows.map((row) => row.tenant_id);
}

/** The secret that authenticates commands forwarded between nodes, made once per database. */
export async function clusterSecret(sql: Sql): Promise<string> {
  await sql.query(
    `INSERT INTO cluster_settings (name, value) VALUES ('forward_secret', $1) ON CONFLICT (name) DO NOTHING`,
    [randomBytes(24).toString("hex")],
  );
  const { rows } = await sql.query<{ value: string }>(
    `SELECT value FROM cluster_settings WHERE name = 'forward_secret'`,
  );
  return rows[0]!.value;
}

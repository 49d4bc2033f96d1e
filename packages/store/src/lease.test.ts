/**
 * Writer leases on a real PostgreSQL (issue #15): two ledgers (two nodes) on one database. A deposed
 * writer's commit is refused by the commit's own SQL and the writer steps down; a clean close hands
 * the tenant over at once; a lease nobody renews is taken over after its TTL; a node that does not
 * hold a tenant reads it from a follower copy that shows every acknowledged command.
 */
import type { CommandJson } from "@zengzhi/engine";
import { afterEach, describe, expect, it } from "vitest";
import { type Ledger, LedgerUnavailableError, openLedger, readLease, verifyLedger } from "./index.js";
import { createTestDatabase, postgresAvailable } from "./testing/index.js";

const order = (member: string, amount: string): CommandJson => ({ type: "order", member, amount });

const opened: Ledger[] = [];
async function node(databaseUrl: string, nodeId: string, leaseTtlMs = 3_000): Promise<Ledger> {
  const ledger = await openLedger({ databaseUrl, nodeId, leaseTtlMs });
  opened.push(ledger);
  return ledger;
}

afterEach(async () => {
  for (const ledger of opened.splice(0)) await ledger.close().catch(() => undefined);
});

describe.runIf(postgresAvailable)("writer leases on PostgreSQL", () => {
  it("refuses a deposed writer's commit in SQL; the writer steps down and the new holder serves", async () => {
    const url = await createTestDatabase();
    const a = await node(url, "node-a");
    const b = await node(url, "node-b");
    await a.createTenant("t1", {});
    expect((await a.submit("t1", "k1", order("m", "10"))).seq).toBe(1);
    const first = await readLease(a.sql, "t1");
    expect(first).toMatchObject({ nodeId: "node-a", epoch: 1 });
    // node-a stalls past its lease (as under SIGSTOP): the row expires and node-b takes the tenant.
    await a.sql.query(
      "UPDATE tenant_leases SET expires_at = now() - interval '1 second' WHERE tenant_id = 't1'",
    );
    expect((await b.submit("t1", "k2", order("m", "20"))).seq).toBe(2);
    expect(await readLease(b.sql, "t1")).toMatchObject({ nodeId: "node-b", epoch: 2 });
    // node-a wakes up believing it still writes: its commit carries epoch 1 and is refused.
    await expect(a.submit("t1", "k3", order("m", "30"))).rejects.toThrow(LedgerUnavailableError);
    const rows = await a.sql.query<{ idempotency_key: string }>(
      "SELECT idempotency_key FROM journal WHERE tenant_id = 't1' ORDER BY seq",
    );
    expect(rows.rows.map((r) => r.idempotency_key)).toEqual(["k1", "k2"]);
    // It stepped down: no lease of its own any more; the retry with the same key is committed once, by node-b.
    expect(a.status().leases).toEqual([]);
    expect(b.status()).toMatchObject({ role: "writer", ready: true, leases: [{ tenantId: "t1", epoch: 2 }] });
    expect((await b.submit("t1", "k3", order("m", "30"))).seq).toBe(3);
    expect((await b.submit("t1", "k3", order("m", "30"))).seq).toBe(3);
    // node-a reads from its follower copy: it shows node-b's commands.
    expect(await a.read("t1", (view) => view.positionCount)).toBe(3);
    expect((await verifyLedger({ databaseUrl: url })).ok).toBe(true);
  });

  it("forwards nothing without a forwarder, hands over on close, takes over an expired lease by itself", async () => {
    const url = await createTestDatabase();
    const a = await node(url, "node-a", 600);
    const b = await node(url, "node-b", 600);
    await a.createTenant("t1", {});
    await a.submit("t1", "k1", order("m", "10"));
    await expect(b.submit("t1", "k2", order("m", "10"))).rejects.toThrow(/written by node node-a/);
    expect(b.status()).toMatchObject({ role: "standby", elsewhere: [{ tenantId: "t1", nodeId: "node-a" }] });
    // A clean close lets the lease go: node-b takes the tenant at once.
    await a.close();
    expect((await b.submit("t1", "k2", order("m", "10"))).seq).toBe(2);
    // A lease nobody renews (its node died: here a row naming a node that does not run) is taken by
    // another node's timer, without a request, under the next epoch.
    await b.sql.query(
      "UPDATE tenant_leases SET node_id = 'ghost', epoch = 5, expires_at = now() - interval '1 second' WHERE tenant_id = 't1'",
    );
    let lease = await readLease(b.sql, "t1");
    for (let i = 0; i < 100 && lease?.nodeId === "ghost"; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      lease = await readLease(b.sql, "t1");
    }
    expect(lease).toMatchObject({ nodeId: "node-b", epoch: 6 });
    expect(lease!.expiresInMs).toBeGreaterThan(0);
    expect((await b.submit("t1", "k3", order("m", "10"))).seq).toBe(3);
  });

  it("a node restarted under the same id takes its own lease back at once", async () => {
    const url = await createTestDatabase();
    const a = await node(url, "node-a");
    await a.createTenant("t1", {});
    await a.submit("t1", "k1", order("m", "10"));
    // Not closed (as after kill -9): the lease still runs; the same node id takes it under a new epoch.
    const again = await node(url, "node-a");
    expect((await again.submit("t1", "k2", order("m", "10"))).seq).toBe(2);
    expect(await readLease(again.sql, "t1")).toMatchObject({ nodeId: "node-a", epoch: 2 });
    await expect(a.submit("t1", "k3", order("m", "10"))).rejects.toThrow(LedgerUnavailableError);
  });
});

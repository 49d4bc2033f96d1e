/**
 * The ledger's contract, run against both stores: answers equal the engine's, idempotency (also
 * across restarts), restart from snapshot + journal, single writer, recovery from a failed commit,
 * migrations, the tenant-first primary keys and the indexes the service's queries need.
 */
import {
  CommandError,
  type CommandJson,
  Engine,
  RuleSetError,
  engineToJson,
  loadRuleSet,
  parseCommand,
  resultToJson,
} from "@zengzhi/engine";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import {
  LOCK_FILE_NAME,
  type Ledger,
  LedgerBusyError,
  LedgerUnavailableError,
  WriterLockError,
  verifyLedger,
} from "./index.js";
import { type Location, STORES, open } from "./testing/stores.js";

const order = (member: string, amount: string): CommandJson => ({ type: "order", member, amount });

/** A mixed workload: orders, sells (some rejected), a financing round and a day advance. */
function workload(count: number): CommandJson[] {
  const commands: CommandJson[] = [{ type: "financing", toPool: "100.00" }];
  for (let i = 0; i < count; i++) {
    commands.push(order(`m${i % 7}`, `${100 + ((i * 37) % 900)}.${String(i % 100).padStart(2, "0")}`));
    if (i % 5 === 4)
      commands.push({ type: "sell", member: `m${(i - 2) % 7}`, position: i - 2, points: "1.5" });
    if (i === count / 2) commands.push({ type: "advance", days: 3 });
  }
  return commands;
}

for (const store of STORES) {
  describe.runIf(store.available)(`ledger contract: ${store.name}`, () => {
    const opened: Ledger[] = [];
    const start = async (location: Location, options = {}) => {
      const ledger = await open(location, options);
      opened.push(ledger);
      return ledger;
    };
    afterEach(async () => {
      for (const ledger of opened.splice(0)) await ledger.close();
    });

    it("answers exactly what the engine answers, and the state matches a plain replay", async () => {
      const location = await store.create();
      const ledger = await start(location);
      await ledger.createTenant("t1", { exitMultiple: "2" });
      const engine = new Engine(loadRuleSet({ exitMultiple: "2" }));
      const commands = workload(60);
      for (const [i, command] of commands.entries()) {
        const answer = await ledger.submit("t1", `k${i}`, command);
        expect(answer).toEqual({ ...resultToJson(engine.apply(parseCommand(command))), seq: i + 1 });
      }
      expect(await ledger.read("t1", (e) => engineToJson(e))).toEqual(engineToJson(engine));
      await ledger.close();
      const report = await verifyLedger({ ...location, tenant: "t1" });
      expect(report.tenants[0]!.problems).toEqual([]);
      expect(report.tenants[0]!.commands).toBe(commands.length);
      expect(report.tenants[0]!.rejected).toBeGreaterThan(0);
    });

    it("gives a retry the first answer, refuses a reused key, and keeps both across a restart", async () => {
      const location = await store.create();
      let ledger = await start(location);
      await ledger.createTenant("t1", {});
      const first = await ledger.submit("t1", "a", order("m1", "1000"));
      expect(first).toMatchObject({ ok: true, seq: 1, outcome: { position: 1, points: "210.00000000" } });
      const rejected = await ledger.submit("t1", "b", {
        type: "sell",
        member: "m1",
        position: 9,
        points: "1",
      });
      expect(rejected).toMatchObject({ ok: false, rejection: "unknown_position", seq: 2 });
      await ledger.submit("t1", "c", order("m2", "1000"));
      expect(await ledger.submit("t1", "a", order("m1", "1000"))).toEqual(first);
      // The same command written differently is the same body: it is compared in canonical form.
      expect(await ledger.submit("t1", "a", order("m1", "1000.00"))).toEqual(first);
      expect(await ledger.submit("t1", "a", order("m1", "999"))).toMatchObject({
        ok: false,
        rejection: "idempotency_key_reused",
      });
      await ledger.close();
      ledger = await start(location);
      expect(await ledger.submit("t1", "a", order("m1", "1000"))).toEqual(first);
      expect(
        await ledger.submit("t1", "b", { type: "sell", member: "m1", position: 9, points: "1" }),
      ).toEqual(rejected);
      expect(await ledger.submit("t1", "b", order("m1", "1"))).toMatchObject({
        rejection: "idempotency_key_reused",
      });
      expect(await ledger.read("t1", (e) => [e.positionCount, e.pool])).toEqual([2, 60000n]);
    });

    it("journals no preview_stale refusal, so its key can be used again after a new preview", async () => {
      const location = await store.create();
      let ledger = await start(location);
      await ledger.createTenant("t1", {});
      const previewed = await ledger.read("t1", (e) => e.stateDigest());
      await ledger.submit("t1", "o", order("m1", "1000"));
      const close = (expect: string): CommandJson => ({ type: "advance", days: 1, expect });
      const stale = await ledger.submit("t1", "close|day-0", close(previewed));
      expect(stale).toMatchObject({ ok: false, rejection: "preview_stale" });
      expect(stale.seq).toBeUndefined();
      await ledger.close();
      ledger = await start(location);
      const fresh = await ledger.read("t1", (e) => e.stateDigest());
      const closed = await ledger.submit("t1", "close|day-0", close(fresh));
      expect(closed).toMatchObject({ ok: true, seq: 2 });
      expect(await ledger.read("t1", (e) => e.day)).toBe(1);
      expect(await ledger.submit("t1", "close|day-0", close(fresh))).toEqual(closed);
      await ledger.close();
      const report = await verifyLedger({ ...location, tenant: "t1" });
      expect(report.tenants[0]!.problems).toEqual([]);
    });

    it("answers concurrent duplicates of one key once, in one batch or across batches", async () => {
      // Small batches, so duplicates meet their first submission in the same, the in-flight and
      // an already committed batch.
      const ledger = await start(await store.create(), { batchSizeMax: 16 });
      await ledger.createTenant("t1", {});
      const submits = [];
      for (let i = 0; i < 300; i++)
        submits.push(ledger.submit("t1", `k${i % 100}`, order(`m${i % 100}`, "10")));
      submits.push(ledger.submit("t1", "k5", order("m5", "11")));
      const answers = await Promise.all(submits);
      for (let i = 0; i < 300; i++) expect(answers[i]).toEqual(answers[i % 100]);
      expect(answers[300]).toMatchObject({ rejection: "idempotency_key_reused" });
      expect(new Set(answers.slice(0, 100).map((a) => a.seq)).size).toBe(100);
      expect(await ledger.read("t1", (e) => e.positionCount)).toBe(100);
    });

    it("keeps idempotency exact when the in-memory key index confuses keys (hash collisions)", async () => {
      // The writer keeps only a hash of each key and confirms a hit in the journal. With hashes that
      // put every key in one bucket, or in four, the answers must keep every promise of idempotency.
      const weakHashes = [
        () => [7, 7] as [number, number],
        (key: string) => [key.length % 2, key.charCodeAt(key.length - 1) % 2] as [number, number],
      ];
      for (const keyHash of weakHashes) {
        const location = await store.create();
        let ledger = await start(location, { batchSizeMax: 8, keyHash });
        await ledger.createTenant("t1", {});
        const submits = [];
        for (let i = 0; i < 90; i++)
          submits.push(ledger.submit("t1", `k${i % 30}`, order(`m${i % 30}`, "10")));
        submits.push(ledger.submit("t1", "k5", order("m5", "11")));
        const answers = await Promise.all(submits);
        for (let i = 0; i < 90; i++) expect(answers[i]).toEqual(answers[i % 30]);
        // k5 was submitted concurrently with two bodies: one is recorded, the other refused. Which one
        // is not fixed: a submit whose hash matched is checked in the journal and may queue again
        // behind the others.
        const winnerAmount = answers[5]!.ok ? "10" : "11";
        const [winner, loser] = answers[5]!.ok ? [answers[5]!, answers[90]!] : [answers[90]!, answers[5]!];
        expect(winner.ok).toBe(true);
        expect(loser).toMatchObject({ rejection: "idempotency_key_reused" });
        const recorded = answers.slice(0, 30).map((answer, i) => (i === 5 ? winner : answer));
        expect(new Set(recorded.map((a) => a.seq))).toEqual(
          new Set(Array.from({ length: 30 }, (_, i) => i + 1)),
        );
        // One position per key, and each answer names its own member's position.
        expect(await ledger.read("t1", (e) => e.positionCount)).toBe(30);
        for (let i = 0; i < 30; i++) {
          const position = (recorded[i]!.outcome as { position: number }).position;
          expect(await ledger.read("t1", (e) => e.position(position)?.member)).toBe(`m${i}`);
        }
        await ledger.close();
        ledger = await start(location, { keyHash });
        for (let i = 0; i < 30; i++) {
          const amount = i === 5 ? winnerAmount : "10";
          expect(await ledger.submit("t1", `k${i}`, order(`m${i}`, amount))).toEqual(recorded[i]);
        }
        for (const amount of ["10", "11", "12"].filter((a) => a !== winnerAmount)) {
          expect(await ledger.submit("t1", "k5", order("m5", amount))).toMatchObject({
            rejection: "idempotency_key_reused",
          });
        }
        expect(await ledger.submit("t1", "new", order("m1", "10"))).toMatchObject({ ok: true, seq: 31 });
        expect(await ledger.read("t1", (e) => e.positionCount)).toBe(31);
      }
    });

    it("lets readers see committed state only, and serves them while submits keep coming", async () => {
      const ledger = await start(await store.create(), { batchSizeMax: 25 });
      await ledger.createTenant("t1", {});
      let acknowledged = 0;
      let finished = false;
      const submits = Array.from({ length: 1500 }, (_, i) =>
        ledger.submit("t1", `k${i}`, order(`m${i % 30}`, "10")).then((answer) => {
          acknowledged++;
          return answer;
        }),
      );
      const all = Promise.all(submits).then(() => (finished = true));
      const seen: Array<{ positions: number; before: number; during: boolean }> = [];
      while (!finished && seen.length < 200) {
        const before = acknowledged;
        const positions = await ledger.read("t1", (e) => e.positionCount);
        const { rows } = await ledger.sql.query<{ seq: string }>(
          "SELECT coalesce(max(seq), 0) AS seq FROM journal",
        );
        // Everything a reader saw was committed before it looked.
        expect(Number(rows[0]!.seq)).toBeGreaterThanOrEqual(positions);
        seen.push({ positions, before, during: !finished });
      }
      await all;
      expect(seen.some((s) => s.during && s.positions > 0 && s.positions < 1500)).toBe(true);
      // Whatever was acknowledged before a read was asked for is in what the read sees.
      for (const s of seen) expect(s.positions).toBeGreaterThanOrEqual(s.before);
    });

    it("rebuilds the same state from the latest snapshot plus the journal after it", async () => {
      const location = await store.create();
      let ledger = await start(location, { snapshotEvery: 25, batchSizeMax: 16 });
      await ledger.createTenant("t1", {
        release: { mode: "percentOfRemaining", tiers: [{ minHealth: "0", rate: "0.01" }] },
      });
      await Promise.all(workload(120).map((command, i) => ledger.submit("t1", `k${i}`, command)));
      // Snapshot parts are written between commits, at most one per 10 ms under load, and all of them
      // once the writer is idle: wait for a complete snapshot. Then a restart with snapshots out of
      // reach adds a journal tail that the final restart must replay after the latest snapshot.
      const latest = async () =>
        Number(
          (await ledger.sql.query<{ seq: string | null }>("SELECT max(seq) AS seq FROM snapshots")).rows[0]!
            .seq ?? 0,
        );
      for (let tries = 0; tries < 200 && (await latest()) === 0; tries++)
        await new Promise((resolve) => setTimeout(resolve, 10));
      expect(await latest()).toBeGreaterThan(0);
      await ledger.close();
      ledger = await start(location, { snapshotEvery: 1_000_000 });
      const snapshotSeq = await latest();
      let last = 0;
      for (let i = 0; i < 10; i++)
        last = (await ledger.submit("t1", `tail${i}`, order(`m${i % 3}`, "12.34"))).seq!;
      expect(await latest()).toBe(snapshotSeq);
      expect(last).toBeGreaterThan(snapshotSeq);
      const before = await ledger.read("t1", (e) => JSON.stringify(engineToJson(e)));
      await ledger.close();
      ledger = await start(location, { snapshotEvery: 25, batchSizeMax: 16 });
      expect(await ledger.read("t1", (e) => JSON.stringify(engineToJson(e)))).toBe(before);
      await ledger.close();
      expect((await verifyLedger(location)).ok).toBe(true);
    });

    it("refuses submits beyond the queue limit without recording them", async () => {
      const ledger = await start(await store.create(), { queueLengthMax: 5, batchSizeMax: 2 });
      await ledger.createTenant("t1", {});
      const results = await Promise.allSettled(
        Array.from({ length: 40 }, (_, i) => ledger.submit("t1", `k${i}`, order("m", "1"))),
      );
      const refused = results.filter((r) => r.status === "rejected");
      expect(refused.length).toBeGreaterThan(0);
      for (const r of refused) expect((r as PromiseRejectedResult).reason).toBeInstanceOf(LedgerBusyError);
      const accepted = results.filter((r) => r.status === "fulfilled").length;
      expect(await ledger.read("t1", (e) => e.positionCount)).toBe(accepted);
    });

    it("keeps tenants apart", async () => {
      const ledger = await start(await store.create());
      await ledger.createTenant("a", {});
      await ledger.createTenant("b", { initialPrice: "2" });
      expect(await ledger.listTenants()).toEqual(["a", "b"]);
      const [x, y] = await Promise.all([
        ledger.submit("a", "k", order("m", "100")),
        ledger.submit("b", "k", order("m", "100")),
      ]);
      expect(x).toMatchObject({ seq: 1, outcome: { points: "21.00000000" } });
      expect(y).toMatchObject({ seq: 1, outcome: { points: "10.50000000" } });
    });

    it("refuses bad input with errors that name the field", async () => {
      const ledger = await start(await store.create());
      await expect(ledger.createTenant("t1", { sellFee: "2" })).rejects.toBeInstanceOf(RuleSetError);
      await ledger.createTenant("t1", {});
      await expect(ledger.createTenant("t1", {})).rejects.toThrow(/already exists/);
      await expect(ledger.createTenant("bad tenant", {})).rejects.toMatchObject({ path: "tenantId" });
      await expect(
        ledger.submit("t1", "k", { type: "order", member: "m", amount: "1.234" }),
      ).rejects.toMatchObject({
        path: "amount",
      });
      await expect(ledger.submit("t1", "", order("m", "1"))).rejects.toBeInstanceOf(CommandError);
      await expect(ledger.submit("t1", "a\u0000b", order("m", "1"))).rejects.toMatchObject({
        path: "idempotencyKey",
      });
      await expect(ledger.submit("t1", "x".repeat(201), order("m", "1"))).rejects.toMatchObject({
        path: "idempotencyKey",
      });
      await expect(ledger.submit("nope", "k", order("m", "1"))).rejects.toThrow(/unknown tenant nope/);
      // Nothing of the above was recorded.
      expect((await ledger.submit("t1", "k", order("m", "1"))).seq).toBe(1);
    });

    it("allows one writer per tenant; the loser gets a clear error", async () => {
      const location = await store.create();
      const ledger = await start(location);
      await ledger.createTenant("t1", {});
      await ledger.submit("t1", "k1", order("m", "1"));
      if ("dataDir" in location) {
        await expect(open(location)).rejects.toThrow(WriterLockError);
        await expect(open(location)).rejects.toThrow(/in use by process/);
      } else {
        // Another node on the same database: the lease is held, and with no forwarder it says so.
        const second = await start(location);
        await expect(second.submit("t1", "k2", order("m", "1"))).rejects.toThrow(LedgerUnavailableError);
        expect(second.status()).toMatchObject({ role: "standby", elsewhere: [{ tenantId: "t1" }] });
        await ledger.close();
        // Once the first writer is gone the tenant may be taken over.
        expect(await second.submit("t1", "k2", order("m", "1"))).toMatchObject({ ok: true, seq: 2 });
      }
    });

    it("answers nothing from a failed commit and rebuilds the engine from the database", async () => {
      const location = await store.create();
      const ledger = await start(location);
      await ledger.createTenant("t1", {});
      await ledger.submit("t1", "k1", order("m", "100"));
      await ledger.sql.query("ALTER TABLE price_history RENAME TO price_history_away");
      await expect(ledger.submit("t1", "k2", order("m", "100"))).rejects.toThrow();
      expect(await ledger.read("t1", (e) => [e.positionCount, e.pool])).toEqual([1, 3000n]);
      await ledger.sql.query("ALTER TABLE price_history_away RENAME TO price_history");
      expect(await ledger.submit("t1", "k2", order("m", "100"))).toMatchObject({ ok: true, seq: 2 });
      await ledger.close();
      expect((await verifyLedger(location)).ok).toBe(true);
    });

    it("drops a writer that cannot reload after a failed commit and opens a fresh one later", async () => {
      const location = await store.create();
      const ledger = await start(location);
      await ledger.createTenant("t1", {});
      await ledger.submit("t1", "k1", order("m", "100"));
      // Both the commit (price_history) and the reload (tenant_state) fail now.
      await ledger.sql.query("ALTER TABLE price_history RENAME TO price_history_away");
      await ledger.sql.query("ALTER TABLE tenant_state RENAME TO tenant_state_away");
      await expect(ledger.submit("t1", "k2", order("m", "100"))).rejects.toThrow();
      await expect(ledger.read("t1", (e) => e.positionCount)).rejects.toThrow();
      await ledger.sql.query("ALTER TABLE price_history_away RENAME TO price_history");
      await ledger.sql.query("ALTER TABLE tenant_state_away RENAME TO tenant_state");
      expect(await ledger.read("t1", (e) => e.positionCount)).toBe(1);
      expect(await ledger.submit("t1", "k2", order("m", "100"))).toMatchObject({ ok: true, seq: 2 });
      await ledger.close();
      expect((await verifyLedger(location)).ok).toBe(true);
    });

    it("applies each migration once, starts every primary key with tenant_id, indexes orders by merchant", async () => {
      const location = await store.create();
      let ledger = await start(location);
      await ledger.close();
      ledger = await start(location);
      const { rows } = await ledger.sql.query<{ version: number }>(
        "SELECT version FROM schema_migrations ORDER BY version",
      );
      expect(rows.map((r) => r.version)).toContain(1);
      const keys = await ledger.sql.query<{ table_name: string; column_name: string }>(
        `SELECT k.table_name, k.column_name FROM information_schema.table_constraints c
         JOIN information_schema.key_column_usage k ON k.constraint_name = c.constraint_name AND k.table_schema = c.table_schema
         WHERE c.constraint_type = 'PRIMARY KEY' AND c.table_schema = 'public' AND k.ordinal_position = 1
           AND c.table_name NOT IN ('schema_migrations', 'cluster_settings')`,
      );
      expect(keys.rows.length).toBeGreaterThanOrEqual(6);
      for (const row of keys.rows)
        expect(`${row.table_name}.${row.column_name}`).toBe(`${row.table_name}.tenant_id`);
      // Migration 0101: a merchant's orders are found without reading the whole tenant's.
      const indexes = await ledger.sql.query<{ indexdef: string }>(
        "SELECT indexdef FROM pg_indexes WHERE schemaname = 'public' AND tablename = 'app_orders' AND indexname = 'app_orders_merchant'",
      );
      expect(indexes.rows.map((row) => row.indexdef)).toEqual([
        expect.stringContaining("(tenant_id, merchant_id, order_id)"),
      ]);
    });

    if (store.name === "pglite") {
      it("takes over a lock file left by a process that no longer runs", async () => {
        const location = (await store.create()) as { dataDir: string };
        writeFileSync(join(location.dataDir, LOCK_FILE_NAME), "999999999\n");
        const ledger = await start(location);
        await ledger.createTenant("t1", {});
        expect(await ledger.listTenants()).toEqual(["t1"]);
      });
    }
  });
}

/**
 * Statements resume from their checkpoint: a new process's projector starts from the ledger snapshot
 * at or before the stored checkpoint, reads only the journal after it, and answers the same lines.
 */
import { describe, expect, it } from "vitest";
import { Engine, engineSnapshot, loadRuleSet, parseCommand } from "@zengzhi/engine";
import type { Sql } from "@zengzhi/store";
import { STORES, useDemoSuite } from "../testing/helpers.js";
import type { Services } from "./services.js";
import { Statements } from "./statements.js";

/** An Sql that records the `after` of every journal read the projector makes. */
function recording(sql: Sql, afters: number[]): Sql {
  return {
    query: (text, params) => {
      if (text.includes("FROM journal j JOIN batches b")) afters.push(Number(params?.[1]));
      return sql.query(text, params);
    },
    transaction: (fn) => sql.transaction(fn),
  };
}

for (const store of STORES) {
  describe.runIf(store.available)(`statement checkpoints on ${store.kind}`, () => {
    const { t, post } = useDemoSuite(store.kind);

    it("starts a new projector from the snapshot at its checkpoint, with the same lines", async () => {
      const page = (statements: Statements) =>
        statements.page("demo", { subject: "member:alice", account: "points", limit: 100 });
      expect((await post("/api/sales", t.teahouse, { member: "alice", amount: "20.00" })).status).toBe(201);
      const before = await page(t.services.statements);
      const sql = t.ledger.sql;
      const { rows } = await sql.query<{ seq: string; command: string }>(
        "SELECT seq::text AS seq, command FROM journal WHERE tenant_id = 'demo' ORDER BY seq",
      );
      const checkpoint = Number(rows[rows.length - 1]!.seq);
      expect(checkpoint).toBeGreaterThan(5);
      // The ledger snapshots every 100,000 commands: store the one it would write at the checkpoint.
      const genesis = await sql.query<{ rules: string }>(
        "SELECT rules FROM tenants WHERE tenant_id = 'demo'",
      );
      const engine = new Engine(loadRuleSet(JSON.parse(genesis.rows[0]!.rules)));
      for (const row of rows) engine.apply(parseCommand(JSON.parse(row.command)));
      await sql.query("INSERT INTO snapshots (tenant_id, seq, batch, state) VALUES ('demo', $1, 0, $2)", [
        checkpoint,
        engineSnapshot(engine),
      ]);

      const afters: number[] = [];
      const services = Object.create(t.services) as Services;
      Object.defineProperty(services, "sql", { value: recording(t.services.sql, afters) });
      const restarted = new Statements(services);
      expect(await page(restarted)).toEqual(before);
      expect(afters[0]).toBe(checkpoint);

      expect((await post("/api/sales", t.teahouse, { member: "alice", amount: "10.00" })).status).toBe(201);
      const after = await page(restarted);
      expect(after.items.length).toBe(before.items.length + 1);
      expect(after).toEqual(await page(t.services.statements));
    });
  });
}

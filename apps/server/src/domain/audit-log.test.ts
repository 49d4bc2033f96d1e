/**
 * The audit log loses nothing (issue #11): a command's entry is committed with it or the command
 * fails, an entry PostgreSQL would refuse (a NUL byte) no longer throws other entries away, numbering
 * is gapless per tenant, and `verify` checks the log against the journal. Both stores.
 */
import { verifyDatabase } from "@zengzhi/store";
import { describe, expect, it } from "vitest";
import { login, STORES, useDemoSuite } from "../testing/helpers.js";
import type { Session } from "./auth.js";
import { financing } from "./finance.js";

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

for (const store of STORES) {
  describe.runIf(store.available)(`audit log on ${store.kind}`, () => {
    const { t, get, post, engine } = useDemoSuite(store.kind);

    const operatorSession: Session = {
      id: "1",
      tenant: "demo",
      username: "operator",
      role: "operator",
      memberId: null,
      merchantId: null,
      tokenHash: "",
      expiresAt: Number.MAX_SAFE_INTEGER,
    };

    async function auditRows(tenant: string) {
      const { rows } = await t.ledger.sql.query<{ seq: string; action: string; target: string | null }>(
        "SELECT seq::text AS seq, action, target FROM app_audit WHERE tenant_id = $1 ORDER BY app_audit.seq",
        [tenant],
      );
      return rows;
    }

    it("keeps every entry of two tenants when one entry holds a NUL byte; numbers stay gapless", async () => {
      expect(
        (
          await post("/api/tenants", t.operator, {
            tenant: "acme",
            operator: { username: "boss", password: "boss-password" },
          })
        ).status,
      ).toBe(201);
      const boss = await login(t.app, "boss", "boss-password", "acme");
      const sales = Array.from({ length: 20 }, () =>
        post("/api/sales", t.teahouse, { member: "alice", amount: "1.00" }),
      );
      const acme = Array.from({ length: 10 }, () =>
        post("/api/operator/financing", boss, { toPool: "1.00" }),
      );
      // The use case straight, past the HTTP layer that now refuses control characters.
      const poisoned = financing(
        t.services,
        { session: operatorSession, key: { ledger: "audit-test|nul", fingerprint: () => "nul" } },
        { toPool: 100n, label: "A\u0000轮" },
      );
      const answers = await Promise.all([...sales, ...acme]);
      expect(answers.map((a) => a.status)).toEqual([...sales.map(() => 201), ...acme.map(() => 200)]);
      await poisoned;
      const demo = await auditRows("demo");
      expect(demo.filter((r) => r.action === "sale").length).toBeGreaterThanOrEqual(20);
      expect(demo.find((r) => r.action === "financing" && r.target === "A\uFFFD轮")).toBeDefined();
      const acmeRows = await auditRows("acme");
      expect(acmeRows.filter((r) => r.action === "financing")).toHaveLength(10);
      for (const rows of [demo, acmeRows])
        expect(rows.map((r) => Number(r.seq))).toEqual(rows.map((_, i) => i + 1));
      const report = await verifyDatabase(t.ledger.sql, t.ledger.kind);
      expect(report.tenants.map((r) => r.problems)).toEqual([[], []]);
    });

    it("fails the command when its entry cannot be stored, and records neither", async () => {
      await t.ledger.sql.query(
        "ALTER TABLE app_audit ADD CONSTRAINT audit_test_refuses CHECK (action <> 'tipBuy')",
      );
      try {
        const before = await engine((e) => ({ ...e.accounts }));
        const refused = await post("/api/operator/tips/buy", t.operator, {
          merchant: "teahouse",
          amount: "5.00",
        });
        expect(refused.status).toBeGreaterThanOrEqual(500);
        expect(await engine((e) => ({ ...e.accounts }))).toEqual(before);
        const { rows } = await t.ledger.sql.query(
          `SELECT 1 FROM journal WHERE tenant_id = 'demo' AND command LIKE '{"type":"tipBuy"%'`,
        );
        expect(rows).toHaveLength(0);
      } finally {
        await t.ledger.sql.query("ALTER TABLE app_audit DROP CONSTRAINT audit_test_refuses");
      }
      // The writer recovered: the next command and its entry go through.
      const again = await post("/api/operator/tips/buy", t.operator, {
        merchant: "teahouse",
        amount: "5.00",
      });
      expect(again.status).toBe(200);
      expect((await auditRows("demo")).at(-1)?.action).toBe("tipBuy");
      const report = await verifyDatabase(t.ledger.sql, t.ledger.kind, "demo");
      expect(report.tenants[0]!.problems).toEqual([]);
    });

    it("verify finds a command without its entry and a gap in the numbering", async () => {
      const entries = await get("/api/operator/audit?limit=5", t.operator);
      const sale = (entries.body.items as Json[])[0]!;
      await t.ledger.sql.query("DELETE FROM app_audit WHERE tenant_id = 'demo' AND seq = $1", [sale.seq]);
      const report = await verifyDatabase(t.ledger.sql, t.ledger.kind, "demo");
      const problems = report.tenants[0]!.problems.join("\n");
      expect(problems).toMatch(/journal seq \d+ \(tipBuy\) has no audit entry/);
      expect(problems).toMatch(/the audit counter is at \d+ but \d+ entries exist/);
      await t.ledger.sql.query("DELETE FROM app_audit WHERE tenant_id = 'demo' AND seq = 2");
      const gap = (await verifyDatabase(t.ledger.sql, t.ledger.kind, "demo")).tenants[0]!.problems;
      expect(gap.join("\n")).toMatch(/not numbered 1–\d+ without a gap/);
    });
  });
}

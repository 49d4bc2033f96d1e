/**
 * Idempotency retention (issue #11, item 6), on both stores: an answer is replayed within the window;
 * after it the retention task leaves a tombstone and a retry is refused with idempotency_key_expired,
 * running nothing again. A ledger-only request is answered from the journal, which keeps its key for
 * good: its retry still gets the first answer, never a second command.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call, login, newKey, openTestApp, type TestApp, STORES } from "../testing/helpers.js";
import { expireIdempotencyAnswers } from "./retention.js";

const DAY_MS = 24 * 60 * 60 * 1000;

for (const store of STORES) {
  describe.runIf(store.available)(`idempotency retention on ${store.kind}`, () => {
    let t: TestApp;
    let clock = Date.now();
    const count = async (sql: string, params: unknown[] = []) =>
      Number(
        (await t.services.sql.query<{ n: string }>(`SELECT count(*) AS n FROM ${sql}`, params)).rows[0]!.n,
      );

    beforeAll(async () => {
      t = await openTestApp(store.kind, { now: () => clock });
    });
    afterAll(async () => {
      await t?.close();
    });

    it("replays inside the window, refuses after it, and never runs the request twice", async () => {
      let operator = await login(t.app, "operator");
      let teahouse = await login(t.app, "teahouse");
      const merchantKey = newKey();
      const merchant = { id: "kept", name: "Kept shop", username: "keeper", password: "keeper-password" };
      const first = await call(t.app, "POST", "/api/merchants", {
        token: operator,
        body: merchant,
        key: merchantKey,
      });
      expect(first.statusCode).toBe(201);
      const saleKey = newKey();
      const sale = { member: "alice", amount: "100.00" };
      const firstSale = await call(t.app, "POST", "/api/sales", {
        token: teahouse,
        body: sale,
        key: saleKey,
      });
      expect(firstSale.statusCode).toBe(201);

      // 29 days on: inside the window, the task expires nothing and the retry gets the first answer.
      clock += 29 * DAY_MS;
      operator = await login(t.app, "operator");
      expect(await expireIdempotencyAnswers(t.services)).toBe(0);
      const again = await call(t.app, "POST", "/api/merchants", {
        token: operator,
        body: merchant,
        key: merchantKey,
      });
      expect(again.statusCode).toBe(201);
      expect(again.json()).toEqual(first.json());

      // 31 days on: the answer becomes a tombstone (no fingerprint, no body).
      clock += 2 * DAY_MS;
      operator = await login(t.app, "operator");
      teahouse = await login(t.app, "teahouse");
      expect(await expireIdempotencyAnswers(t.services, { rowsPerStatement: 2, pauseMs: 0 })).toBeGreaterThan(
        0,
      );
      expect(
        await count("app_idempotency WHERE status >= 0 AND created_at < $1", [new Date(clock - 30 * DAY_MS)]),
      ).toBe(0);
      const merchantsBefore = await count("app_merchants WHERE tenant_id = 'demo'");
      const journalBefore = await count("journal WHERE tenant_id = 'demo'");

      for (const body of [merchant, { ...merchant, name: "Another name" }]) {
        const late = await call(t.app, "POST", "/api/merchants", { token: operator, body, key: merchantKey });
        expect(late.statusCode).toBe(422);
        expect(late.json().error.code).toBe("idempotency_key_expired");
      }
      expect(await count("app_merchants WHERE tenant_id = 'demo'")).toBe(merchantsBefore);

      // The sale's key is in the journal: the retry gets the first answer, with the same seq.
      const lateSale = await call(t.app, "POST", "/api/sales", { token: teahouse, body: sale, key: saleKey });
      expect(lateSale.statusCode).toBe(201);
      expect(lateSale.json()).toEqual(firstSale.json());
      expect(await count("journal WHERE tenant_id = 'demo'")).toBe(journalBefore);

      // A new key is a new request, as always.
      const fresh = await call(t.app, "POST", "/api/merchants", {
        token: operator,
        body: { ...merchant, id: "kept-2", username: "keeper-2" },
        key: newKey(),
      });
      expect(fresh.statusCode).toBe(201);
    });
  });
}

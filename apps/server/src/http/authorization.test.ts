/**
 * The authorization matrix, walked from the contract: every operation of OPERATIONS × every role of
 * ROLES, in process (app.inject), on both stores. A role an operation declares is never refused with
 * 403; any other role gets 403 `forbidden` and nothing is written (ledger, staff, webhooks, answers
 * kept for Idempotency-Keys); without a session every non-public operation answers 401.
 */
import { OPERATION_LIST, ROLES, roleSide, type Operation, type RoleName } from "@zengzhi/contract";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call, type DemoSuite, newStaff, openDemoSuite, STORES } from "../testing/helpers.js";

/** Whether the operation's declared callers include the role. */
function allows(operation: Operation, role: RoleName): boolean {
  if (operation.callers === "public" || operation.callers === "session") return true;
  return operation.callers.includes(role);
}

/**
 * The operation's path with every parameter filled in: "1" (a valid integer id, unknown elsewhere), or
 * for a merchant's login its own merchant, so that a merchant's scope (its own settlement) is not the refusal.
 */
const urlOf = (operation: Operation, role?: RoleName) =>
  operation.path.replace(
    /:[A-Za-z]+/g,
    role !== undefined && roleSide(role) === "merchant" ? "teahouse" : "1",
  );

/** Every table a refused call could write to, as row counts, and the ledger's last sequence number. */
async function writes(t: DemoSuite): Promise<string> {
  const counts = await t.ledger.sql.query(
    `SELECT (SELECT max(seq) FROM journal) AS journal, (SELECT count(*) FROM app_idempotency) AS answers,
            (SELECT count(*) FROM app_users WHERE revoked_at IS NULL) AS users,
            (SELECT count(*) FROM app_staff_invites) AS invites, (SELECT count(*) FROM app_webhooks) AS webhooks,
            (SELECT count(*) FROM app_orders) AS orders, (SELECT count(*) FROM app_products) AS products`,
  );
  return JSON.stringify(counts.rows[0]);
}

for (const store of STORES) {
  describe.runIf(store.available)(`authorization matrix on ${store.kind}`, () => {
    let t: DemoSuite;
    const tokens = {} as Record<RoleName, string>;
    beforeAll(async () => {
      t = await openDemoSuite(store.kind);
      Object.assign(tokens, { operator: t.operator, merchant: t.teahouse, member: t.alice });
      for (const role of ["admin", "finance", "support", "auditor"] as const)
        tokens[role] = await newStaff(t.app, { inviter: t.operator, role, username: `staff-${role}` });
      tokens.cashier = await newStaff(t.app, { inviter: t.teahouse, role: "cashier", username: "till-1" });
    });
    afterAll(async () => {
      await t?.close();
    });

    it("declares callers for every operation, each a known role", () => {
      for (const operation of OPERATION_LIST) {
        if (typeof operation.callers === "string") continue;
        expect(operation.callers.length, operation.operationId).toBeGreaterThan(0);
        for (const role of operation.callers) expect(ROLES, operation.operationId).toContain(role);
      }
    });

    it("answers 403 forbidden to every role an operation does not declare, and writes nothing", async () => {
      const before = await writes(t);
      let refused = 0;
      for (const operation of OPERATION_LIST) {
        for (const role of ROLES) {
          if (allows(operation, role)) continue;
          const r = await call(t.app, operation.method, urlOf(operation, role), {
            token: tokens[role],
            body: {},
          });
          expect([operation.operationId, role, r.statusCode]).toEqual([operation.operationId, role, 403]);
          expect(r.json().error.code).toBe("forbidden");
          refused++;
        }
      }
      expect(refused).toBeGreaterThan(200);
      expect(await writes(t)).toBe(before);
    });

    it("answers 401 without a session to every operation that is not public", async () => {
      for (const operation of OPERATION_LIST.filter((o) => o.callers !== "public")) {
        const r = await call(t.app, operation.method, urlOf(operation), { body: {} });
        expect([operation.operationId, r.statusCode]).toEqual([operation.operationId, 401]);
      }
    });

    it("never refuses a declared role with 403 forbidden", async () => {
      // Reads first, then changes, so a change (a day closed, sessions revoked) cannot hide a refusal.
      const ordered = [...OPERATION_LIST].sort(
        (a, b) => Number(a.method !== "GET") - Number(b.method !== "GET"),
      );
      for (const operation of ordered) {
        if (operation.callers === "public") continue;
        for (const role of ROLES) {
          if (!allows(operation, role)) continue;
          const r = await call(t.app, operation.method, urlOf(operation, role), {
            token: tokens[role],
            body: {},
          });
          const code = r.statusCode === 403 ? r.json().error.code : null;
          expect([operation.operationId, role, code]).not.toEqual([operation.operationId, role, "forbidden"]);
          expect([operation.operationId, role, r.statusCode]).not.toEqual([operation.operationId, role, 401]);
        }
      }
    });
  });
}

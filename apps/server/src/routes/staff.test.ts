/**
 * Staff accounts end to end on both stores: who may invite which role, an invite used once, a staff
 * login doing what its role allows (and its scope: a cashier's till sells for its own merchant),
 * revoking ending the login and its sessions at once.
 */
import { describe, expect, it } from "vitest";
import { call, login, newStaff, STAFF_PASSWORD, STORES, useDemoSuite } from "../testing/helpers.js";

for (const store of STORES) {
  describe.runIf(store.available)(`staff on ${store.kind}`, () => {
    const { t, get, post } = useDemoSuite(store.kind);

    it("lets an operator invite its staff roles and a merchant only cashiers", async () => {
      expect((await post("/api/staff/invites", t.operator, { role: "finance" })).status).toBe(201);
      const cashierByOperator = await post("/api/staff/invites", t.operator, { role: "cashier" });
      expect([cashierByOperator.status, cashierByOperator.body.error.code]).toEqual([
        403,
        "staff_role_not_allowed",
      ]);
      const adminByMerchant = await post("/api/staff/invites", t.teahouse, { role: "admin" });
      expect([adminByMerchant.status, adminByMerchant.body.error.code]).toEqual([
        403,
        "staff_role_not_allowed",
      ]);
      const cashier = await post("/api/staff/invites", t.teahouse, { role: "cashier" });
      expect(cashier.body).toMatchObject({ role: "cashier", merchantId: "teahouse" });
      expect((await post("/api/staff/invites", t.operator, { role: "operator" })).status).toBe(400);
    });

    it("uses an invite once, keeps only its hash, and refuses an unknown code", async () => {
      const invite = await post("/api/staff/invites", t.operator, { role: "support" });
      const code = invite.body.code as string;
      const { rows } = await t.ledger.sql.query("SELECT 1 FROM app_staff_invites WHERE code_hash = $1", [
        code,
      ]);
      expect(rows).toHaveLength(0);
      const body = { tenant: "demo", inviteCode: code, username: "support-1", password: STAFF_PASSWORD };
      const first = await post("/api/auth/staff", null, body);
      expect([first.status, first.body.user.role]).toEqual([201, "support"]);
      const again = await post("/api/auth/staff", null, { ...body, username: "support-2" });
      expect([again.status, again.body.error.code]).toEqual([404, "invite_not_valid"]);
      const unknown = await post("/api/auth/staff", null, {
        ...body,
        inviteCode: "nothing",
        username: "support-3",
      });
      expect(unknown.body.error.code).toBe("invite_not_valid");
      // The invitee logs in like anyone else.
      expect(await login(t.app, "support-1", STAFF_PASSWORD)).toMatch(/./);
    });

    it("gives each role what it declares: support reads members, finance decides withdrawals, a cashier runs its till", async () => {
      const support = await newStaff(t.app, { inviter: t.operator, role: "support", username: "support-9" });
      expect((await get("/api/operator/members", support)).status).toBe(200);
      expect((await post("/api/operator/withdrawals/2/approve", support)).status).toBe(403);
      const finance = await newStaff(t.app, { inviter: t.operator, role: "finance", username: "finance-9" });
      expect((await post("/api/operator/withdrawals/2/approve", finance)).status).toBe(200);
      expect((await post("/api/operator/pause", finance, { paused: true })).status).toBe(403);
      const cashier = await newStaff(t.app, { inviter: t.teahouse, role: "cashier", username: "till-9" });
      const sale = await post("/api/sales", cashier, { member: "bob", amount: "8.00" });
      expect(sale.status).toBe(201);
      expect((await get("/api/merchant/settlement", cashier)).status).toBe(403);
      // Each side lists only its own staff.
      const operatorStaff = (await get("/api/staff", t.operator)).body.items as { username: string }[];
      expect(operatorStaff.map((s) => s.username)).toEqual(
        expect.arrayContaining(["support-9", "finance-9"]),
      );
      expect(operatorStaff.map((s) => s.username)).not.toContain("till-9");
      const merchantStaff = (await get("/api/staff", t.teahouse)).body.items as { username: string }[];
      expect(merchantStaff.map((s) => s.username)).toEqual(["till-9"]);
      expect((await get("/api/staff", t.bakery)).body.items).toEqual([]);
    });

    it("revokes a login: its session ends at once and it can no longer log in", async () => {
      const auditor = await newStaff(t.app, { inviter: t.operator, role: "auditor", username: "auditor-9" });
      expect((await get("/api/operator/audit", auditor)).status).toBe(200);
      const id = (
        (await get("/api/staff", t.operator)).body.items as { id: string; username: string }[]
      ).find((s) => s.username === "auditor-9")!.id;
      // A merchant cannot revoke the operator's staff.
      expect((await call(t.app, "DELETE", `/api/staff/${id}`, { token: t.teahouse })).statusCode).toBe(404);
      expect((await call(t.app, "DELETE", `/api/staff/${id}`, { token: t.operator })).statusCode).toBe(204);
      expect((await get("/api/operator/audit", auditor)).status).toBe(401);
      const relog = await call(t.app, "POST", "/api/auth/login", {
        body: { tenant: "demo", username: "auditor-9", password: STAFF_PASSWORD },
      });
      expect(relog.statusCode).toBe(401);
      expect((await call(t.app, "DELETE", `/api/staff/${id}`, { token: t.operator })).statusCode).toBe(404);
    });
  });
}

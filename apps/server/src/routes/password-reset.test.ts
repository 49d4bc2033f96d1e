/**
 * The operator's password reset on both stores: a one-time code ends the user's sessions at once,
 * sets a new password once, never twice, and a wrong or expired code is refused as a failed login.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DemoSuite, login, openTestApp, requests, STORES } from "../testing/helpers.js";

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

for (const store of STORES) {
  describe.runIf(store.available)(`password reset on ${store.kind}`, () => {
    let t: Omit<DemoSuite, "teahouse" | "bakery" | "alice">;
    let clock = Date.parse("2026-12-03T08:00:00Z");
    const { get, post } = requests(
      () => t.app,
      () => t.ledger,
    );
    beforeAll(async () => {
      const app = await openTestApp(store.kind, { now: () => clock });
      t = { ...app, operator: await login(app.app, "operator"), bob: await login(app.app, "bob") };
    });
    afterAll(async () => {
      await t?.close();
    });
    const reset = (body: Json) => post("/api/auth/password-reset", null, { tenant: "demo", ...body }, null);

    it("issues a code that ends the user's sessions and sets a new password once", async () => {
      expect((await get("/api/auth/me", t.bob)).status).toBe(200);
      const issued = await post("/api/operator/users/bob/password-reset", t.operator);
      expect(issued.status).toBe(201);
      expect(issued.body.username).toBe("bob");
      expect(issued.body.sessionsRevoked).toBeGreaterThanOrEqual(1);
      expect(issued.body.code).toMatch(/^[A-Z2-9]{4}(-[A-Z2-9]{4}){3}$/);
      expect((await get("/api/auth/me", t.bob)).status).toBe(401);
      const weak = await reset({ username: "bob", code: issued.body.code, newPassword: "12345678" });
      expect(weak.body.error.code).toBe("password_too_weak");
      const done = await reset({
        username: "bob",
        code: issued.body.code.toLowerCase(),
        newPassword: "new-bob-pass-42",
      });
      expect(done).toMatchObject({ status: 200, body: { sessionsRevoked: 0 } });
      const again = await reset({
        username: "bob",
        code: issued.body.code,
        newPassword: "other-bob-pass-42",
      });
      expect(again).toMatchObject({ status: 401, body: { error: { code: "invalid_credentials" } } });
      await login(t.app, "bob", "new-bob-pass-42");
      await expect(login(t.app, "bob", "member-demo")).rejects.toThrow(/401/);
      const audit = (await get("/api/operator/audit", t.operator)).body.items as Json[];
      expect(audit.map((entry) => entry.action)).toEqual(
        expect.arrayContaining(["password.reset-issued", "password.reset"]),
      );
      expect(JSON.stringify(audit)).not.toContain(issued.body.code);
    });

    it("refuses a code after a newer one, after a day, for another user, and to non-operators", async () => {
      const first = (await post("/api/operator/users/carol/password-reset", t.operator)).body;
      const second = (await post("/api/operator/users/carol/password-reset", t.operator)).body;
      expect(
        (await reset({ username: "carol", code: first.code, newPassword: "carol-new-pass-1" })).status,
      ).toBe(401);
      expect(
        (await reset({ username: "bob", code: second.code, newPassword: "carol-new-pass-1" })).status,
      ).toBe(401);
      expect((await post("/api/operator/users/nobody/password-reset", t.operator)).status).toBe(404);
      const bob = await login(t.app, "bob", "new-bob-pass-42");
      expect((await post("/api/operator/users/carol/password-reset", bob)).status).toBe(403);
      clock += 24 * 60 * 60 * 1000 + 1;
      expect(
        (await reset({ username: "carol", code: second.code, newPassword: "carol-new-pass-1" })).status,
      ).toBe(401);
    });
  });
}

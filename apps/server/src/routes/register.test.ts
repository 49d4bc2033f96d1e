/**
 * Registration opens a session the way login does (HttpOnly cookie and bearer token), on both
 * stores; a retry with the same Idempotency-Key gets the same member and a session of its own, and
 * input refused with 400 writes nothing (no account, no member, no session, no stored answer).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call, newKey, openTestApp, type TestApp, STORES } from "../testing/helpers.js";

for (const store of STORES) {
  describe.runIf(store.available)(`registration on ${store.kind}`, () => {
    let t: TestApp;
    const register = (body: Record<string, unknown>, key: string | null = newKey()) =>
      call(t.app, "POST", "/api/auth/register", { body, key });
    const count = async (sql: string, params: unknown[]) =>
      Number((await t.services.sql.query<{ n: string }>(sql, params)).rows[0]!.n);
    /** What a registration may write: the account, its sessions, the stored answer, the member. */
    const written = async (username: string) => ({
      users: await count(
        "SELECT count(*)::text AS n FROM app_users WHERE tenant_id = 'demo' AND username = $1",
        [username],
      ),
      sessions: await count(
        `SELECT count(*)::text AS n FROM app_sessions s JOIN app_users u USING (tenant_id, user_id)
          WHERE s.tenant_id = 'demo' AND u.username = $1`,
        [username],
      ),
      answers: await count(
        "SELECT count(*)::text AS n FROM app_idempotency WHERE tenant_id = 'demo' AND key LIKE $1",
        [`register:demo:${username}|%`],
      ),
      member: await t.ledger.read("demo", (engine) => engine.members.has(username)),
    });

    beforeAll(async () => {
      t = await openTestApp(store.kind);
    });
    afterAll(async () => {
      await t?.close();
    });

    it("answers like login: the token in the body works as a bearer and is the HttpOnly cookie", async () => {
      const r = await register({
        tenant: "demo",
        username: "fern",
        password: "fern-password",
        inviteCode: "alice",
      });
      expect(r.statusCode).toBe(201);
      const body = r.json() as { token: string; user: Record<string, unknown> };
      expect(Object.keys(body).sort()).toEqual(["token", "user"]);
      expect(body.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
      const user = { tenant: "demo", username: "fern", role: "member", memberId: "fern", merchantId: null };
      expect(body.user).toMatchObject(user);

      const cookie = r.cookies.find((c) => c.name === "zz_session")!;
      expect(cookie).toMatchObject({ value: body.token, httpOnly: true, sameSite: "Lax", path: "/" });
      expect(cookie.maxAge).toBeGreaterThan(0);

      const bearer = await call(t.app, "GET", "/api/auth/me", { token: body.token });
      expect(bearer.statusCode).toBe(200);
      expect(bearer.json().user).toEqual({ ...user, id: body.user.id });
      const byCookie = await call(t.app, "GET", "/api/auth/me", {
        headers: { cookie: `zz_session=${cookie.value}` },
      });
      expect(byCookie.json().user.id).toBe(body.user.id);
      // The session is a member's: member routes answer, and the new member is in the engine.
      expect((await call(t.app, "GET", "/api/me", { token: body.token })).json()).toMatchObject({
        member: "fern",
        inviter: "alice",
      });

      // The same shape as login's answer.
      const login = await call(t.app, "POST", "/api/auth/login", {
        body: { tenant: "demo", username: "fern", password: "fern-password" },
      });
      expect(Object.keys(login.json() as object).sort()).toEqual(["token", "user"]);
      expect(login.json().user).toEqual(body.user);
      expect(login.cookies.find((c) => c.name === "zz_session")).toMatchObject({
        httpOnly: true,
        sameSite: "Lax",
        path: "/",
        maxAge: cookie.maxAge,
      });
    });

    it("answers a retry with the same key with the same member and a new session, never a stored token", async () => {
      const key = newKey();
      const body = { tenant: "demo", username: "gale", password: "gale-password" };
      const first = await register(body, key);
      const again = await register(body, key);
      expect([first.statusCode, again.statusCode]).toEqual([201, 201]);
      expect(again.json().user).toEqual(first.json().user);
      expect(again.json().token).not.toBe(first.json().token);
      for (const answer of [first, again]) {
        expect((await call(t.app, "GET", "/api/auth/me", { token: answer.json().token })).statusCode).toBe(
          200,
        );
      }
      const stored = await t.services.sql.query<{ body: unknown }>(
        "SELECT body FROM app_idempotency WHERE tenant_id = 'demo' AND key LIKE 'register:demo:gale|%'",
      );
      expect(stored.rows).toHaveLength(1);
      expect(JSON.stringify(stored.rows[0]!.body)).not.toContain(first.json().token as string);
      expect(await written("gale")).toEqual({ users: 1, sessions: 2, answers: 1, member: true });
    });

    it.each([
      [{ tenant: "demo", username: "hazel", password: "short" }, "password", "out_of_range"],
      [{ tenant: "demo", username: "Hazel!", password: "hazel-password" }, "username", "invalid_field"],
      [{ tenant: "demo", password: "hazel-password" }, "username", "invalid_field"],
      [{ tenant: "NOT VALID", username: "hazel", password: "hazel-password" }, "tenant", "invalid_field"],
      [
        { tenant: "demo", username: "hazel", password: "hazel-password", inviteCode: "No Such" },
        "inviteCode",
        "invalid_field",
      ],
      [
        { tenant: "demo", username: "hazel", password: "hazel-password", role: "operator" },
        "role",
        "unknown_field",
      ],
    ])("refuses %j with 400 naming %s, and writes nothing", async (body, field, code) => {
      const r = await register(body);
      expect(r.statusCode).toBe(400);
      expect(r.json().error).toMatchObject({ field, code, reason: expect.any(String) });
      expect(r.cookies.find((c) => c.name === "zz_session")).toBeUndefined();
      expect(await written("hazel")).toEqual({ users: 0, sessions: 0, answers: 0, member: false });
    });

    it("refuses a missing Idempotency-Key with 400 naming it, and writes nothing", async () => {
      const r = await register({ tenant: "demo", username: "hazel", password: "hazel-password" }, null);
      expect(r.statusCode).toBe(400);
      expect(r.json().error).toMatchObject({ code: "missing_idempotency_key", field: "Idempotency-Key" });
      expect(r.cookies).toEqual([]);
      expect(await written("hazel")).toEqual({ users: 0, sessions: 0, answers: 0, member: false });
    });

    it("opens no session when the username is taken or the inviter unknown", async () => {
      const taken = await register({ tenant: "demo", username: "alice", password: "alice-password" });
      expect(taken.statusCode).toBe(409);
      expect(taken.cookies).toEqual([]);
      const unknownInviter = await register({
        tenant: "demo",
        username: "hazel",
        password: "hazel-password",
        inviteCode: "nobody",
      });
      expect(unknownInviter.statusCode).toBe(404);
      expect(unknownInviter.json().error).toMatchObject({ code: "unknown_inviter", field: "inviteCode" });
      expect(unknownInviter.cookies).toEqual([]);
      expect(await written("hazel")).toEqual({ users: 0, sessions: 0, answers: 0, member: false });
    });
  });
}

/**
 * A user's own account, end to end on both stores: change the password (the current one required,
 * every other session ends), list the live sessions and revoke one or all the others, sessions that
 * end when idle and at their absolute end (on a moved clock), logout safe to repeat, and the password
 * policy at registration.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call, newKey, openTestApp, STORES, type TestApp } from "../testing/helpers.js";

const HOUR = 60 * 60 * 1000;

for (const store of STORES) {
  describe.runIf(store.available)(`accounts and sessions on ${store.kind}`, () => {
    let t: TestApp;
    let clock = Date.now();
    const logIn = async (username: string, password: string, userAgent = "test-agent") => {
      const r = await call(t.app, "POST", "/api/auth/login", {
        body: { tenant: "demo", username, password },
        headers: { "user-agent": userAgent },
      });
      expect(r.statusCode, r.body).toBe(200);
      return (r.json() as { token: string }).token;
    };
    const me = async (token: string) => (await call(t.app, "GET", "/api/auth/me", { token })).statusCode;
    const sessionsOf = async (token: string) => {
      const r = await call(t.app, "GET", "/api/auth/sessions", { token });
      expect(r.statusCode, r.body).toBe(200);
      return (
        r.json() as { sessions: { id: string; current: boolean; userAgent: string; address: string }[] }
      ).sessions;
    };
    const register = (username: string, password: string) =>
      call(t.app, "POST", "/api/auth/register", { body: { tenant: "demo", username, password } });

    beforeAll(async () => {
      t = await openTestApp(store.kind, {
        now: () => clock,
        security: { sessionIdleMs: 2 * HOUR, sessionMaxAgeMs: 10 * HOUR },
      });
    });
    afterAll(async () => {
      await t?.close();
    });

    it("changes the password with the current one; the other sessions end, this one stays", async () => {
      expect((await register("pine", "pine-needles-7")).statusCode).toBe(201);
      const phone = await logIn("pine", "pine-needles-7", "phone");
      const laptop = await logIn("pine", "pine-needles-7", "laptop");
      const change = (body: unknown, key = newKey()) =>
        call(t.app, "POST", "/api/auth/password", { token: laptop, body, key });

      const wrong = await change({ currentPassword: "not-it-at-all", newPassword: "cedar-cones-88" });
      expect(wrong.statusCode).toBe(403);
      expect(wrong.json().error).toMatchObject({ code: "current_password_wrong", field: "currentPassword" });
      const weak = await change({ currentPassword: "pine-needles-7", newPassword: "password1" });
      expect(weak.statusCode).toBe(400);
      expect(weak.json().error).toMatchObject({ code: "password_too_weak", field: "newPassword" });
      const noKey = await call(t.app, "POST", "/api/auth/password", {
        token: laptop,
        body: { currentPassword: "pine-needles-7", newPassword: "cedar-cones-88" },
        key: null,
      });
      expect(noKey.json().error.code).toBe("missing_idempotency_key");

      const key = newKey();
      const done = await change({ currentPassword: "pine-needles-7", newPassword: "cedar-cones-88" }, key);
      expect(done.statusCode, done.body).toBe(200);
      // The registration's session and the phone's.
      expect(done.json()).toEqual({ sessionsRevoked: 2 });
      expect(await me(phone)).toBe(401);
      expect(await me(laptop)).toBe(200);
      // A retry with the same key gets the first answer and changes nothing again.
      const retry = await change({ currentPassword: "pine-needles-7", newPassword: "cedar-cones-88" }, key);
      expect(retry.json()).toEqual({ sessionsRevoked: 2 });
      const old = await call(t.app, "POST", "/api/auth/login", {
        body: { tenant: "demo", username: "pine", password: "pine-needles-7" },
      });
      expect(old.statusCode).toBe(401);
      expect(await me(await logIn("pine", "cedar-cones-88"))).toBe(200);
    });

    it("lists the caller's live sessions and revokes one of them, or all the others", async () => {
      const first = await logIn("bob", "member-demo", "first-browser");
      const second = await logIn("bob", "member-demo", "second-browser");
      const third = await logIn("bob", "member-demo", "third-browser");
      const listed = await sessionsOf(second);
      expect(listed.filter((s) => s.current).map((s) => s.userAgent)).toEqual(["second-browser"]);
      expect(listed.map((s) => s.userAgent)).toEqual(
        expect.arrayContaining(["first-browser", "second-browser", "third-browser"]),
      );
      expect(listed.every((s) => s.address === "127.0.0.1")).toBe(true);
      expect(JSON.stringify(listed)).not.toContain(first);

      const firstId = listed.find((s) => s.userAgent === "first-browser")!.id;
      // Another user's session is "not found", as an unknown one is.
      const alice = await logIn("alice", "member-demo");
      const foreign = await call(t.app, "DELETE", `/api/auth/sessions/${firstId}`, { token: alice });
      expect(foreign.statusCode).toBe(404);
      expect(await me(first)).toBe(200);

      const key = newKey();
      const revoke = () => call(t.app, "DELETE", `/api/auth/sessions/${firstId}`, { token: second, key });
      expect((await revoke()).statusCode).toBe(204);
      expect((await revoke()).statusCode).toBe(204);
      expect(await me(first)).toBe(401);
      const again = await call(t.app, "DELETE", `/api/auth/sessions/${firstId}`, { token: second });
      expect(again.statusCode).toBe(404);

      const others = await call(t.app, "DELETE", "/api/auth/sessions", { token: second });
      expect(others.statusCode, others.body).toBe(200);
      expect(others.json().revoked).toBeGreaterThanOrEqual(1);
      expect(await me(third)).toBe(401);
      expect(await me(second)).toBe(200);
      expect((await sessionsOf(second)).map((s) => s.userAgent)).toEqual(["second-browser"]);
    });

    it("logs out safely twice, and without a session at all", async () => {
      const token = await logIn("alice", "member-demo");
      const out = () => call(t.app, "POST", "/api/auth/logout", { token, key: null });
      const first = await out();
      expect(first.statusCode).toBe(204);
      expect(first.cookies.find((c) => c.name === "zz_session")?.value).toBe("");
      expect(await me(token)).toBe(401);
      expect((await out()).statusCode).toBe(204);
      expect((await call(t.app, "POST", "/api/auth/logout", { key: newKey() })).statusCode).toBe(204);
    });

    it("ends a session after the idle timeout, and at its absolute end however busy", async () => {
      const idle = await logIn("alice", "member-demo");
      const busy = await logIn("alice", "member-demo");
      clock += HOUR + 5 * 60 * 1000;
      expect(await me(busy)).toBe(200);
      clock += HOUR;
      // 2 h 5 min after login: the idle one has ended, the one used an hour ago has not.
      expect(await me(idle)).toBe(401);
      expect(await me(busy)).toBe(200);
      // Used every hour up to 9 h 5 min after login, then once more past its 10 h.
      for (let i = 0; i < 7; i++) {
        clock += HOUR;
        expect(await me(busy)).toBe(200);
      }
      clock += HOUR;
      expect(await me(busy)).toBe(401);
    });

    it("refuses a common password at registration and writes nothing", async () => {
      const weak = await register("quill", "iloveyou");
      expect(weak.statusCode).toBe(400);
      expect(weak.json().error).toMatchObject({ code: "password_too_weak", field: "password" });
      expect(await t.ledger.read("demo", (engine) => engine.hasMember("quill"))).toBe(false);
      expect((await register("quill", "quill-and-ink-5")).statusCode).toBe(201);
    });
  });
}

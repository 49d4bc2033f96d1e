/**
 * The service's accounts routes end to end, in process (app.inject), on both stores: PGlite in
 * memory and a real PostgreSQL (a fresh database per suite), each suite with its own demo tenant
 * seeded through the routes; money effects are checked against the engine's state.
 */
import { describe, expect, it } from "vitest";
import { call, login, newMember, STORES, useDemoSuite } from "../testing/helpers.js";

for (const store of STORES) {
  describe.runIf(store.available)(`accounts on ${store.kind}`, () => {
    const { t, get, post, engine } = useDemoSuite(store.kind);
    it("logs in with an HttpOnly cookie that works like the bearer token", async () => {
      const r = await call(t.app, "POST", "/api/auth/login", {
        body: { tenant: "demo", username: "bob", password: "member-demo" },
      });
      expect(r.statusCode).toBe(200);
      const cookie = r.cookies.find((c) => c.name === "zz_session")!;
      expect(cookie.httpOnly).toBe(true);
      expect(cookie.sameSite).toBe("Lax");
      expect(cookie.value).toBe(r.json().token);
      const me = await call(t.app, "GET", "/api/auth/me", {
        headers: { cookie: `zz_session=${cookie.value}` },
      });
      expect(me.json().user).toMatchObject({
        username: "bob",
        role: "member",
        memberId: "bob",
        tenant: "demo",
      });
    });

    it("refuses wrong passwords and unknown users alike, then makes that address wait, not the user", async () => {
      const attempt = (password: string, remoteAddress?: string) =>
        call(t.app, "POST", "/api/auth/login", {
          body: { tenant: "demo", username: "carol", password },
          ...(remoteAddress === undefined ? {} : { remoteAddress }),
        });
      expect((await attempt("nope")).json().error.code).toBe("invalid_credentials");
      const unknown = await call(t.app, "POST", "/api/auth/login", {
        body: { tenant: "demo", username: "ghost", password: "x" },
      });
      expect(unknown.statusCode).toBe(401);
      for (let i = 0; i < 3; i++) expect((await attempt("wrong")).statusCode).toBe(401);
      const limited = await attempt("member-demo");
      expect(limited.statusCode).toBe(429);
      expect(limited.json().error.code).toBe("too_many_attempts");
      expect(Number(limited.headers["retry-after"])).toBeGreaterThan(0);
      expect((await attempt("member-demo", "192.0.2.44")).statusCode).toBe(200);
    });

    it("logs out: the token stops working", async () => {
      const token = await login(t.app, "bob");
      expect((await post("/api/auth/logout", token, undefined, null)).status).toBe(204);
      expect((await get("/api/auth/me", token)).status).toBe(401);
    });

    it("registers members with an inviter's code; the inviter gains health value only", async () => {
      const before = await engine((e) => ({
        health: e.member("alice")!.health,
        wallet: e.member("alice")!.wallet,
      }));
      const dave = await newMember(t.app, "dave", "alice");
      expect((await get("/api/auth/me", dave)).body.user.memberId).toBe("dave");
      expect((await post("/api/sales", t.teahouse, { member: "dave", amount: "100.00" })).status).toBe(201);
      const after = await engine((e) => ({
        health: e.member("alice")!.health,
        wallet: e.member("alice")!.wallet,
      }));
      expect(after.health - before.health).toBe(1000n); // 10.00 health value
      expect(after.wallet).toBe(before.wallet);
      const taken = await post("/api/auth/register", null, {
        tenant: "demo",
        username: "dave",
        password: "long-enough",
      });
      expect(taken).toMatchObject({ status: 409, body: { error: { code: "conflict" } } });
      const badInvite = await post("/api/auth/register", null, {
        tenant: "demo",
        username: "erin",
        password: "long-enough",
        inviteCode: "nobody",
      });
      expect(badInvite).toMatchObject({
        status: 404,
        body: { error: { code: "unknown_inviter", field: "inviteCode" } },
      });
      const noKey = await post(
        "/api/auth/register",
        null,
        { tenant: "demo", username: "erin", password: "long-enough" },
        null,
      );
      expect(noKey).toMatchObject({ status: 400, body: { error: { code: "missing_idempotency_key" } } });
      const shortPassword = await post("/api/auth/register", null, {
        tenant: "demo",
        username: "erin",
        password: "short",
      });
      expect(shortPassword).toMatchObject({
        status: 400,
        body: { error: { field: "password", code: "out_of_range" } },
      });
    });
  });
}

/**
 * Login that a stranger cannot lock, over HTTP: a stranger's wrong passwords make only the stranger's
 * address wait (429 with Retry-After) while the owner logs in from elsewhere; X-Forwarded-For and
 * X-Forwarded-Proto count only when the proxy is trusted (ZENGZHI_TRUST_PROXY), and then decide the
 * throttle's address, the address shown in the sessions list and the cookie's Secure flag;
 * registrations are limited per address.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call, newKey, openTestApp, type TestApp } from "../testing/helpers.js";

const operatorLogin = (password: string) => ({
  body: { tenant: "demo", username: "operator", password },
});

describe("login throttle without a trusted proxy", () => {
  let t: TestApp;
  let clock = Date.now();
  beforeAll(async () => {
    t = await openTestApp("pglite", { now: () => clock });
  });
  afterAll(async () => {
    await t?.close();
  });

  it("makes the stranger's address wait and lets the operator in from another address", async () => {
    const stranger = { remoteAddress: "6.6.6.6" };
    for (let i = 0; i < 4; i++) {
      const r = await call(t.app, "POST", "/api/auth/login", { ...operatorLogin("guess-" + i), ...stranger });
      expect(r.statusCode).toBe(401);
    }
    const waiting = await call(t.app, "POST", "/api/auth/login", {
      ...operatorLogin("operator-demo"),
      ...stranger,
    });
    expect(waiting.statusCode).toBe(429);
    expect(waiting.json().error).toMatchObject({ code: "too_many_attempts", retryAfterSeconds: 1 });
    expect(waiting.headers["retry-after"]).toBe("1");
    // X-Forwarded-For from an untrusted peer changes nothing: still the stranger's address.
    const spoofed = await call(t.app, "POST", "/api/auth/login", {
      ...operatorLogin("operator-demo"),
      ...stranger,
      headers: { "x-forwarded-for": "7.7.7.7" },
    });
    expect(spoofed.statusCode).toBe(429);

    const owner = await call(t.app, "POST", "/api/auth/login", {
      ...operatorLogin("operator-demo"),
      remoteAddress: "7.7.7.7",
    });
    expect(owner.statusCode).toBe(200);
    clock += 1000;
    const later = await call(t.app, "POST", "/api/auth/login", {
      ...operatorLogin("operator-demo"),
      ...stranger,
    });
    expect(later.statusCode).toBe(200);
  });

  it("sets the cookie without Secure over plain HTTP, whatever an untrusted X-Forwarded-Proto says", async () => {
    const r = await call(t.app, "POST", "/api/auth/login", {
      body: { tenant: "demo", username: "bob", password: "member-demo" },
      headers: { "x-forwarded-proto": "https" },
    });
    expect(r.statusCode).toBe(200);
    expect(r.cookies.find((c) => c.name === "zz_session")?.secure).toBeUndefined();
  });
});

describe("login throttle behind a trusted proxy", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await openTestApp("pglite", { security: { trustProxy: true, registrationsPerAddressPerHourMax: 5 } });
  });
  afterAll(async () => {
    await t?.close();
  });
  const via = (client: string, proto = "http") => ({
    "x-forwarded-for": client,
    "x-forwarded-proto": proto,
  });

  it("sets a Secure cookie when the proxy says HTTPS, and lists the client's address", async () => {
    const r = await call(t.app, "POST", "/api/auth/login", {
      body: { tenant: "demo", username: "alice", password: "member-demo" },
      headers: via("203.0.113.9", "https"),
    });
    expect(r.statusCode).toBe(200);
    const cookie = r.cookies.find((c) => c.name === "zz_session")!;
    expect(cookie).toMatchObject({ secure: true, httpOnly: true, sameSite: "Lax" });
    const token = (r.json() as { token: string }).token;
    const listed = await call(t.app, "GET", "/api/auth/sessions", { token });
    const current = (listed.json() as { sessions: { current: boolean; address: string }[] }).sessions.find(
      (s) => s.current,
    );
    expect(current?.address).toBe("203.0.113.9");
    const out = await call(t.app, "POST", "/api/auth/logout", {
      token,
      headers: via("203.0.113.9", "https"),
    });
    expect(out.cookies.find((c) => c.name === "zz_session")).toMatchObject({ value: "", secure: true });
  });

  it("throttles each client behind the proxy by its own address", async () => {
    for (let i = 0; i < 4; i++) {
      const r = await call(t.app, "POST", "/api/auth/login", {
        ...operatorLogin("guess-" + i),
        headers: via("198.51.100.66"),
      });
      expect(r.statusCode).toBe(401);
    }
    const stranger = await call(t.app, "POST", "/api/auth/login", {
      ...operatorLogin("operator-demo"),
      headers: via("198.51.100.66"),
    });
    expect(stranger.statusCode).toBe(429);
    const owner = await call(t.app, "POST", "/api/auth/login", {
      ...operatorLogin("operator-demo"),
      headers: via("198.51.100.7"),
    });
    expect(owner.statusCode).toBe(200);
  });

  it("limits registrations per client address", async () => {
    const register = (username: string, client: string) =>
      call(t.app, "POST", "/api/auth/register", {
        body: { tenant: "demo", username, password: "reg-password-77" },
        headers: via(client),
        key: newKey(),
      });
    for (let i = 0; i < 5; i++) expect((await register(`reg${i}`, "192.0.2.1")).statusCode).toBe(201);
    const refused = await register("reg5", "192.0.2.1");
    expect(refused.statusCode).toBe(429);
    expect(refused.json().error.code).toBe("too_many_requests");
    expect(Number(refused.headers["retry-after"])).toBeGreaterThan(3500);
    expect(await t.ledger.read("demo", (engine) => engine.hasMember("reg5"))).toBe(false);
    expect((await register("reg5", "192.0.2.2")).statusCode).toBe(201);
  });
});

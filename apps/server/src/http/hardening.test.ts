/**
 * HTTP hardening (issue #11): security headers on every kind of answer, HSTS only over HTTPS,
 * no-store on personal answers, CORS closed unless configured, /metrics behind its token, and
 * error messages that leak neither internal keys nor who holds what.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { get as httpsGet } from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createServer as createTlsServer } from "node:tls";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hardeningFromEnv } from "./hardening.js";
import { call, login, METRICS_TOKEN, newKey, openTestApp, type TestApp } from "../testing/helpers.js";

describe("HTTP hardening", () => {
  let t: TestApp;
  let open: TestApp;
  let operator: string;
  let merchant: string;

  beforeAll(async () => {
    t = await openTestApp("pglite");
    open = await openTestApp("pglite", {
      hardening: { corsOrigins: ["https://shop.example"], metricsToken: null },
    });
    operator = await login(t.app, "operator");
    merchant = await login(t.app, "teahouse");
  });
  afterAll(async () => {
    await t?.close();
    await open?.close();
  });

  it("sends the security headers on answers, errors and unknown routes", async () => {
    for (const [method, url] of [
      ["GET", "/api/public"],
      ["GET", "/api/me"],
      ["GET", "/api/nothing"],
      ["POST", "/api/auth/login"],
    ] as const) {
      const response = await call(t.app, method, url, method === "POST" ? { body: "{}" } : {});
      const where = `${method} ${url}`;
      const csp = String(response.headers["content-security-policy"]);
      expect(csp, where).toContain("default-src 'self'");
      expect(csp, where).toContain("frame-ancestors 'none'");
      expect(csp, where).toContain("script-src 'self'");
      expect(csp, where).not.toContain("unsafe-inline");
      expect(response.headers["x-content-type-options"], where).toBe("nosniff");
      expect(response.headers["x-frame-options"], where).toBe("DENY");
      expect(response.headers["referrer-policy"], where).toBe("no-referrer");
      expect(response.headers["strict-transport-security"], where).toBeUndefined();
    }
  });

  it("sends HSTS only when the request came over HTTPS", async () => {
    // A real TLS connection handed to the app's HTTP server: the protocol Fastify sees is https.
    const dir = mkdtempSync(join(tmpdir(), "zengzhi-tls-"));
    execFileSync(
      "openssl",
      [
        ...["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost"],
        ...["-keyout", join(dir, "key.pem"), "-out", join(dir, "cert.pem")],
      ],
      { stdio: "ignore" },
    );
    const tls = createTlsServer(
      { key: readFileSync(join(dir, "key.pem")), cert: readFileSync(join(dir, "cert.pem")) },
      (socket) => t.app.server.emit("connection", socket),
    );
    await new Promise<void>((resolve) => tls.listen(0, "127.0.0.1", resolve));
    try {
      const port = (tls.address() as AddressInfo).port;
      const headers = await new Promise<Record<string, unknown>>((resolve, reject) => {
        httpsGet({ host: "127.0.0.1", port, path: "/healthz", rejectUnauthorized: false }, (response) => {
          response.resume();
          resolve(response.headers);
        }).on("error", reject);
      });
      expect(headers["strict-transport-security"]).toBe("max-age=31536000; includeSubDomains");
      expect(headers["content-security-policy"]).toContain("frame-ancestors 'none'");
    } finally {
      tls.close();
      rmSync(dir, { recursive: true, force: true });
    }
    const plain = await t.app.inject({ method: "GET", url: "/healthz" });
    expect(plain.headers["strict-transport-security"]).toBeUndefined();
  });

  it("marks every personal answer no-store, and leaves public reads cacheable", async () => {
    const me = await call(t.app, "GET", "/api/orders", { token: operator });
    expect(me.headers["cache-control"]).toBe("no-store");
    const denied = await call(t.app, "GET", "/api/me");
    expect(denied.statusCode).toBe(401);
    expect(denied.headers["cache-control"]).toBe("no-store");
    const loginAnswer = await call(t.app, "POST", "/api/auth/login", {
      body: { tenant: "demo", username: "alice", password: "member-demo" },
    });
    expect(loginAnswer.statusCode).toBe(200);
    expect(loginAnswer.headers["cache-control"]).toBe("no-store");
    const publicView = await call(t.app, "GET", "/api/public");
    expect(publicView.headers["cache-control"]).toBeUndefined();
  });

  it("allows no cross-origin call unless origins are configured, and then only those", async () => {
    const evil = { origin: "https://evil.example" };
    const closed = await call(t.app, "GET", "/api/public", { headers: evil });
    expect(closed.headers["access-control-allow-origin"]).toBeUndefined();
    const preflight = await t.app.inject({
      method: "OPTIONS",
      url: "/api/sales",
      headers: { ...evil, "access-control-request-method": "POST" },
    });
    expect(preflight.headers["access-control-allow-origin"]).toBeUndefined();
    const shop = { origin: "https://shop.example" };
    const allowed = await call(open.app, "GET", "/api/public", { headers: shop });
    expect(allowed.headers["access-control-allow-origin"]).toBe("https://shop.example");
    expect(allowed.headers["access-control-allow-credentials"]).toBe("true");
    const other = await call(open.app, "GET", "/api/public", { headers: evil });
    expect(other.headers["access-control-allow-origin"]).toBeUndefined();
    expect(hardeningFromEnv({ ZENGZHI_CORS_ORIGINS: " https://a.example, https://b.example ," })).toEqual({
      corsOrigins: ["https://a.example", "https://b.example"],
      metricsToken: null,
    });
  });

  it("serves /metrics only with its bearer token, and not at all without one configured", async () => {
    expect((await call(t.app, "GET", "/metrics")).statusCode).toBe(401);
    expect((await call(t.app, "GET", "/metrics", { token: "wrong" })).statusCode).toBe(401);
    const metrics = await call(t.app, "GET", "/metrics", { token: METRICS_TOKEN });
    expect(metrics.statusCode).toBe(200);
    expect(metrics.body).toContain("zengzhi_http_request_duration_seconds");
    const off = await call(open.app, "GET", "/metrics", { token: METRICS_TOKEN });
    expect(off.statusCode).toBe(404);
    expect(hardeningFromEnv({ ZENGZHI_METRICS_TOKEN: "s3cret" }).metricsToken).toBe("s3cret");
  });

  it("names no journal key or user id when an Idempotency-Key is reused for another sale", async () => {
    const key = newKey();
    const first = await call(t.app, "POST", "/api/sales", {
      token: merchant,
      key,
      body: { member: "alice", amount: "1.00" },
    });
    expect(first.statusCode).toBe(201);
    const reused = await call(t.app, "POST", "/api/sales", {
      token: merchant,
      key,
      body: { member: "alice", amount: "2.00" },
    });
    expect(reused.statusCode).toBe(422);
    const body = reused.body;
    expect(body).toContain("idempotency_key_reused");
    for (const secret of ["teahouse", "sales|", key, "|"]) expect(body).not.toContain(secret);
  });
});

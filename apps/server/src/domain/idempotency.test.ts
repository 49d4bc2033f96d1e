/**
 * Request fingerprints in app_idempotency keep no digest of a password, on both stores: a replay
 * still needs the same request (and, for register, the account's password), a changed field other
 * than the password is still idempotency_key_reused, replays survive a restart with another secret,
 * and migration 0102 overwrites the digests stored before.
 */
import { createHash, createHmac } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { MIGRATIONS_DIR } from "@zengzhi/store";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../index.js";
import {
  PAYMENT_SECRET,
  call,
  login,
  newKey,
  openTestApp,
  type TestApp,
  STORES,
} from "../testing/helpers.js";

/** Fast digests an attacker holding the table would try: of the password alone, and of the body. */
function passwordDigests(password: string, body: unknown, url: string): string[] {
  const digests: string[] = [];
  for (const algorithm of ["md5", "sha1", "sha256", "sha512"]) {
    for (const text of [password, JSON.stringify(password)]) {
      const digest = createHash(algorithm).update(text).digest();
      digests.push(digest.toString("hex"), digest.toString("base64"));
    }
  }
  const keyed = createHmac("sha256", PAYMENT_SECRET).update(password).digest();
  digests.push(keyed.toString("hex"), keyed.toString("base64"));
  // What the service stored before: SHA-256 of the whole body (password included) and the URL.
  digests.push(
    createHash("sha256")
      .update(JSON.stringify(body) + "|" + url)
      .digest("hex"),
  );
  return digests;
}

for (const store of STORES) {
  describe.runIf(store.available)(`idempotency fingerprints on ${store.kind}`, () => {
    let t: TestApp;
    let operator: string;
    const stored = async (keyPattern: string) =>
      (
        await t.services.sql.query<{ request_hash: string; body: unknown }>(
          "SELECT request_hash, body FROM app_idempotency WHERE key LIKE $1",
          [keyPattern],
        )
      ).rows;
    /** Fails when a stored row holds the password or any of its fast digests. */
    const expectNoPasswordDigest = async (
      keyPattern: string,
      password: string,
      body: unknown,
      url: string,
    ) => {
      const rows = await stored(keyPattern);
      expect(rows).toHaveLength(1);
      const row = JSON.stringify(rows[0]);
      expect(row).not.toContain(password);
      for (const digest of passwordDigests(password, body, url)) expect(row).not.toContain(digest);
    };

    beforeAll(async () => {
      t = await openTestApp(store.kind);
      operator = await login(t.app, "operator");
    });
    afterAll(async () => {
      await t?.close();
    });

    it("register: stores no password digest, replays with the password, refuses another one", async () => {
      const key = newKey();
      const body = { tenant: "demo", username: "iris", password: "iris-password", inviteCode: "alice" };
      const first = await call(t.app, "POST", "/api/auth/register", { body, key });
      expect(first.statusCode).toBe(201);
      await expectNoPasswordDigest("register:demo:iris|%", body.password, body, "/api/auth/register");

      const again = await call(t.app, "POST", "/api/auth/register", { body, key });
      expect(again.statusCode).toBe(201);
      expect(again.json().user).toEqual(first.json().user);

      // The password is not in the fingerprint, so the replay checks it against the scrypt hash:
      // another password must not open a session on the account.
      const otherPassword = await call(t.app, "POST", "/api/auth/register", {
        body: { ...body, password: "not-iris-password" },
        key,
      });
      expect(otherPassword.statusCode).toBe(422);
      expect(otherPassword.json().error.code).toBe("idempotency_key_reused");
      expect(otherPassword.cookies).toEqual([]);

      const otherInviter = await call(t.app, "POST", "/api/auth/register", {
        body: { ...body, inviteCode: "bob" },
        key,
      });
      expect(otherInviter.statusCode).toBe(422);
      expect(otherInviter.json().error.code).toBe("idempotency_key_reused");
      expect(otherInviter.cookies).toEqual([]);
    });

    it("merchants: stores no password digest; another username with the same key is refused", async () => {
      const key = newKey();
      const body = { id: "juice", name: "Juice bar", username: "juicer", password: "juicer-password" };
      const first = await call(t.app, "POST", "/api/merchants", { token: operator, body, key });
      expect(first.statusCode).toBe(201);
      await expectNoPasswordDigest(`merchants|%|${key}`, body.password, body, "/api/merchants");

      expect((await call(t.app, "POST", "/api/merchants", { token: operator, body, key })).json()).toEqual(
        first.json(),
      );
      const otherUser = await call(t.app, "POST", "/api/merchants", {
        token: operator,
        body: { ...body, username: "squeezer" },
        key,
      });
      expect(otherUser.statusCode).toBe(422);
      expect(otherUser.json().error.code).toBe("idempotency_key_reused");
      // Documented: the password is left out, so this replays the first answer and changes nothing.
      const otherPassword = await call(t.app, "POST", "/api/merchants", {
        token: operator,
        body: { ...body, password: "another-password" },
        key,
      });
      expect(otherPassword.statusCode).toBe(201);
      expect(otherPassword.json()).toEqual(first.json());
      await login(t.app, "juicer", "juicer-password");
    });

    it("tenants: a password nested in the body is left out too", async () => {
      const key = newKey();
      const body = { tenant: "nested", operator: { username: "chief", password: "chief-password" } };
      const first = await call(t.app, "POST", "/api/tenants", { token: operator, body, key });
      expect(first.statusCode).toBe(201);
      await expectNoPasswordDigest(`tenants|%|${key}`, body.operator.password, body, "/api/tenants");
      const otherUser = await call(t.app, "POST", "/api/tenants", {
        token: operator,
        body: { ...body, operator: { ...body.operator, username: "boss" } },
        key,
      });
      expect(otherUser.json().error.code).toBe("idempotency_key_reused");
    });

    it("replays after a restart with another payment secret", async () => {
      const key = newKey();
      const body = { id: "kiosk", name: "Kiosk", username: "kiosk", password: "kiosk-password" };
      const first = await call(t.app, "POST", "/api/merchants", { token: operator, body, key });
      expect(first.statusCode).toBe(201);
      const restarted = await buildApp({
        ledger: t.ledger,
        paymentSecret: "another-payment-secret",
        webDist: null,
        logger: false,
      });
      try {
        const again = await call(restarted.app, "POST", "/api/merchants", { token: operator, body, key });
        expect(again.statusCode).toBe(201);
        expect(again.json()).toEqual(first.json());
      } finally {
        await restarted.app.close();
      }
    });

    it("migration 0102 overwrites the fingerprints stored for password routes only", async () => {
      const rows = [
        ["register:demo:old|-|k1", "digest-1"],
        ["tenants|s1|k2", "digest-2"],
        ["merchants|s1|k3", "digest-3"],
        ["register:demo:x|h:abc", "digest-4"],
        ["products|s1|k5", "digest-5"],
        ["orders|s1|k6", "digest-6"],
      ];
      for (const [key, hash] of rows) {
        await t.services.sql.query(
          `INSERT INTO app_idempotency (tenant_id, key, request_hash, status, body) VALUES ('demo', $1, $2, 201, 'null'::jsonb)`,
          [key, hash],
        );
      }
      const migration = readFileSync(join(MIGRATIONS_DIR, "0102_idempotency_without_passwords.sql"), "utf8");
      await t.services.sql.query(migration);
      const after = await t.services.sql.query<{ key: string; request_hash: string }>(
        "SELECT key, request_hash FROM app_idempotency WHERE tenant_id = 'demo' AND key = ANY($1::text[])",
        [rows.map(([key]) => key)],
      );
      const byKey = Object.fromEntries(after.rows.map((row) => [row.key, row.request_hash]));
      expect(byKey).toEqual({
        "register:demo:old|-|k1": "redacted",
        "tenants|s1|k2": "redacted",
        "merchants|s1|k3": "redacted",
        "register:demo:x|h:abc": "redacted",
        "products|s1|k5": "digest-5",
        "orders|s1|k6": "digest-6",
      });
    });
  });
}

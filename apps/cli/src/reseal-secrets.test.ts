// `zengzhi reseal-secrets` on a PGlite data directory: credentials stored under key k1 move to k2
// once (a second run moves nothing), and a missing key ring is a one-line usage error.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { buildApp, seedDemo } from "@zengzhi/server";
import { openLedger } from "@zengzhi/store";
import { afterEach, describe, expect, it, vi } from "vitest";
import { resealSecretsCommand } from "./reseal-secrets.js";

const key = () => randomBytes(32).toString("base64");

afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

function capture() {
  let out = "";
  let err = "";
  vi.spyOn(process.stdout, "write").mockImplementation((chunk) => ((out += String(chunk)), true));
  vi.spyOn(process.stderr, "write").mockImplementation((chunk) => ((err += String(chunk)), true));
  return { out: () => out, err: () => err };
}

describe("zengzhi reseal-secrets", () => {
  it("moves every sealed field to the new key once", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "zengzhi-reseal-"));
    const oldKey = `k1:${key()}`;
    const ledger = await openLedger({ dataDir });
    const { app, services } = await buildApp({ ledger, webDist: null, logger: false, secretsKey: oldKey });
    await seedDemo(app, services);
    const login = await app.inject({
      method: "POST",
      url: "/api/auth/login",
      payload: { tenant: "demo", username: "operator", password: "operator-demo" },
    });
    const token = (login.json() as { token: string }).token;
    const pem = () => generateKeyPairSync("rsa", { modulusLength: 2048 });
    const c = {
      appId: "2021000000000001",
      appPrivateKey: pem().privateKey.export({ format: "pem", type: "pkcs8" }).toString(),
      alipayPublicKey: pem().publicKey.export({ format: "pem", type: "spki" }).toString(),
    };
    const stored = await app.inject({
      method: "POST",
      url: "/api/operator/payment-settings/alipay",
      headers: { authorization: `Bearer ${token}`, "idempotency-key": "reseal-test-1" },
      payload: { appId: c.appId, appPrivateKey: c.appPrivateKey, alipayPublicKey: c.alipayPublicKey },
    });
    expect(stored.statusCode).toBe(200);
    await app.close();
    await ledger.close();

    vi.stubEnv("ZENGZHI_SECRETS_KEY", `k2:${key()},${oldKey}`);
    let io = capture();
    expect(await resealSecretsCommand(["--data-dir", dataDir])).toBe(0);
    expect(io.out()).toBe("re-sealed 3 field(s) under key k2\n");
    vi.restoreAllMocks();
    io = capture();
    expect(await resealSecretsCommand(["--data-dir", dataDir])).toBe(0);
    expect(io.out()).toBe("re-sealed 0 field(s) under key k2\n");
  });

  it("refuses to run without a key ring, in one line", async () => {
    vi.stubEnv("ZENGZHI_SECRETS_KEY", "");
    const io = capture();
    expect(await resealSecretsCommand(["--data-dir", tmpdir()])).toBe(2);
    expect(io.err()).toBe("zengzhi: ZENGZHI_SECRETS_KEY: secrets_key_missing (see docs/PAYMENTS.md)\n");
    expect(await resealSecretsCommand(["--nope"])).toBe(2);
  });
});

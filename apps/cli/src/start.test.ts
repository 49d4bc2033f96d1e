/**
 * `zengzhi start` as a user runs it (the compiled CLI, PGlite in a fresh directory): it prints the
 * URL and demo logins, serves the API, stops cleanly on SIGTERM; bad settings are one line, exit 2.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { SERVICE_NODE_FLAGS } from "./node-flags.js";
import { parseStartArgs } from "./start.js";

const CLI = fileURLToPath(new URL("../bin/zengzhi.js", import.meta.url));

function run(env: Record<string, string>, args: string[] = []) {
  const child = spawn(process.execPath, [CLI, "start", ...args], {
    env: { ...process.env, ...env, DATABASE_URL: "" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return { child, exited, output: () => ({ stdout, stderr }) };
}

describe("zengzhi start", () => {
  it("starts on PGlite with the demo tenant, prints URL and logins, stops on SIGTERM", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "zengzhi-start-"));
    try {
      const server = run({ PORT: "0", ZENGZHI_DATA_DIR: dataDir, LOG_LEVEL: "warn" });
      let url: string | undefined;
      for (let i = 0; i < 600 && url === undefined; i++) {
        url = /running at (http:\/\/127\.0\.0\.1:\d+)/.exec(server.output().stdout)?.[1];
        if (url === undefined) await new Promise((r) => setTimeout(r, 100));
      }
      expect(url, server.output().stderr).toBeDefined();
      const { stdout } = server.output();
      expect(stdout).toContain("operator");
      expect(stdout).toContain("operator-demo");
      expect(stdout).toContain("seeded just now");
      // The banner's public link opens the public page (HTML), not the JSON of /api/public (issue 13).
      const publicLink = /public page (\S+)/.exec(stdout)?.[1];
      expect(publicLink).toBe(`${url}/public`);
      // The members' link carries the tenant (issue 13 item 6).
      expect(stdout).toContain(`members' H5 of the demo tenant ${url}/t/demo/`);
      const health = (await (await fetch(`${url}/healthz`)).json()) as { ok: boolean; store: string };
      expect(health).toMatchObject({ ok: true, store: "pglite", node: { role: "writer", ready: true } });
      const view = (await (await fetch(`${url}/api/public`)).json()) as { tenant: string; pool: string };
      expect(view.tenant).toBe("demo");
      expect(view.pool).toMatch(/^\d+\.\d{2}$/);
      // The service runs in a Node started again with the service's V8 heap settings.
      const children = `/proc/${server.child.pid}/task/${server.child.pid}/children`;
      // Linux shows a process's children in /proc; elsewhere this check is left out.
      if (process.platform === "linux") expect(existsSync(children)).toBe(true);
      if (existsSync(children)) {
        const [service] = readFileSync(children, "utf8").trim().split(" ");
        const commandLine = readFileSync(`/proc/${service}/cmdline`, "utf8").split("\0");
        for (const flag of SERVICE_NODE_FLAGS) expect(commandLine).toContain(flag);
      }
      server.child.kill("SIGTERM");
      expect(await server.exited).toBe(0);
      expect(server.output().stdout).toContain("stopping");
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it("refuses a bad PORT with one line and exit code 2", async () => {
    const server = run({ PORT: "http" });
    expect(await server.exited).toBe(2);
    const { stderr } = server.output();
    expect(stderr.trim().split("\n")).toHaveLength(1);
    expect(stderr).toContain("PORT must be a port number");
  });

  it("refuses a malformed ZENGZHI_TRUST_PROXY with one line and exit code 2", async () => {
    const server = run({ PORT: "0", ZENGZHI_TRUST_PROXY: "yes please" });
    expect(await server.exited).toBe(2);
    const { stderr } = server.output();
    expect(stderr.trim().split("\n")).toHaveLength(1);
    expect(stderr).toContain("ZENGZHI_TRUST_PROXY must be");
  });
});

describe("zengzhi start's retention settings", () => {
  it("reads ZENGZHI_IDEMPOTENCY_RETENTION_DAYS and ZENGZHI_SNAPSHOTS_KEPT, refusing what is out of range", () => {
    const options = parseStartArgs([], {
      ZENGZHI_IDEMPOTENCY_RETENTION_DAYS: "7",
      ZENGZHI_SNAPSHOTS_KEPT: "2",
    });
    expect(options.idempotencyRetentionDays).toBe(7);
    expect(options.snapshotsKept).toBe(2);
    expect(parseStartArgs([], {}).idempotencyRetentionDays).toBeUndefined();
    for (const [name, value] of [
      ["ZENGZHI_IDEMPOTENCY_RETENTION_DAYS", "0"],
      ["ZENGZHI_IDEMPOTENCY_RETENTION_DAYS", "30d"],
      ["ZENGZHI_IDEMPOTENCY_RETENTION_DAYS", "3651"],
      ["ZENGZHI_SNAPSHOTS_KEPT", "0"],
    ] as const) {
      expect(() => parseStartArgs([], { [name]: value })).toThrow(`${name} must be a whole number`);
    }
  });
});

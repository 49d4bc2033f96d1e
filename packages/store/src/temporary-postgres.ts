/**
 * A throwaway PostgreSQL cluster for tests and benchmarks: initdb and pg_ctl from the machine's
 * PostgreSQL binaries (Debian: /usr/lib/postgresql/N/bin), a free port on 127.0.0.1, a temporary
 * directory removed on stop. As root it runs the server as the `postgres` user, which PostgreSQL requires.
 */
import { execFileSync } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";

export interface TemporaryPostgres {
  /** Connection string of the cluster's `postgres` database. */
  url: string;
  /** Creates a new empty database in the cluster and returns its connection string. */
  createDatabase(name?: string): Promise<string>;
  /** Crashes the server (pg_ctl stop -m immediate: no checkpoint, every session cut) and starts it again. */
  restart(downMs?: number): Promise<void>;
  stop(): Promise<void>;
}

/** The directory holding initdb and pg_ctl: PG_BIN, else the newest /usr/lib/postgresql/N/bin. */
export function findPostgresBinaries(): string {
  const fromEnv = process.env.PG_BIN;
  if (fromEnv !== undefined && existsSync(join(fromEnv, "initdb"))) return fromEnv;
  const root = "/usr/lib/postgresql";
  const versions = existsSync(root)
    ? readdirSync(root)
        .filter((v) => existsSync(join(root, v, "bin", "initdb")))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (versions[0] === undefined) {
    throw new Error(
      "PostgreSQL server binaries not found (install Debian package postgresql, or set PG_BIN)",
    );
  }
  return join(root, versions[0], "bin");
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() =>
        typeof address === "object" && address !== null
          ? resolve(address.port)
          : reject(new Error("no port")),
      );
    });
  });
}

function postgresUserIds(): { uid: number; gid: number } {
  const uid = Number(execFileSync("id", ["-u", "postgres"], { encoding: "utf8" }).trim());
  const gid = Number(execFileSync("id", ["-g", "postgres"], { encoding: "utf8" }).trim());
  return { uid, gid };
}

let databaseCounter = 0;

export async function startTemporaryPostgres(): Promise<TemporaryPostgres> {
  const bin = findPostgresBinaries();
  const dir = mkdtempSync(join(tmpdir(), "zengzhi-pg-"));
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    const { uid, gid } = postgresUserIds();
    chownSync(dir, uid, gid);
  }
  const run = (tool: string, args: string[]) => {
    const command = asRoot ? "runuser" : join(bin, tool);
    const fullArgs = asRoot ? ["-u", "postgres", "--", join(bin, tool), ...args] : args;
    execFileSync(command, fullArgs, { stdio: ["ignore", "pipe", "pipe"], cwd: dir });
  };
  const data = join(dir, "data");
  const port = await freePort();
  let options = "";
  try {
    run("initdb", ["-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"]);
    options = [
      `-p ${port}`,
      `-k ${dir}`,
      "-c listen_addresses=127.0.0.1",
      "-c synchronous_commit=on",
      "-c fsync=on",
      "-c max_connections=200",
      "-c shared_buffers=256MB",
    ].join(" ");
    run("pg_ctl", ["-D", data, "-l", join(dir, "server.log"), "-o", options, "-w", "-t", "60", "start"]);
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    const stderr = (error as { stderr?: Buffer }).stderr?.toString().trim();
    throw new Error(
      `cannot start a temporary PostgreSQL: ${stderr === undefined || stderr === "" ? String(error) : stderr}`,
      { cause: error },
    );
  }
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  return {
    url,
    async createDatabase(name = `test_${process.pid}_${++databaseCounter}_${Date.now()}`) {
      return createDatabaseIn(url, name);
    },
    async restart(downMs = 0) {
      run("pg_ctl", ["-D", data, "-m", "immediate", "-w", "stop"]);
      if (downMs > 0) await new Promise((resolve) => setTimeout(resolve, downMs));
      run("pg_ctl", ["-D", data, "-l", join(dir, "server.log"), "-o", options, "-w", "-t", "60", "start"]);
    },
    async stop() {
      try {
        run("pg_ctl", ["-D", data, "-m", "immediate", "-w", "stop"]);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

/** Creates database `name` on the server behind `url` (a superuser connection) and returns its URL. */
export async function createDatabaseIn(url: string, name: string): Promise<string> {
  if (!/^[a-z_][a-z0-9_]*$/.test(name))
    throw new Error(`database name ${name} must be lower-case letters, digits and _`);
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${name}`);
  } finally {
    await client.end();
  }
  const target = new URL(url);
  target.pathname = `/${name}`;
  return target.toString();
}

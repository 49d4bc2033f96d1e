/**
 * A pg_auto_failover formation on localhost for tests: a monitor, a primary and a synchronous
 * secondary (Debian's postgresql-15-auto-failover), run as the `postgres` user in a temporary folder
 * it owns, with the monitor's timeouts lowered so a failover takes seconds, not a minute.
 * The recipe and its pitfalls: docs/OPERATIONS.md, "PostgreSQL high availability".
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import {
  appendFileSync,
  chownSync,
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  readdirSync,
  rmSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";

/** The Debian package the formation needs; a test that cannot find it fails, naming it. */
export const AUTO_FAILOVER_PACKAGE = "postgresql-15-auto-failover";
const AUTOCTL = "/usr/bin/pg_autoctl";
const PG_BIN = "/usr/lib/postgresql/15/bin";
const SOCKET_DIR = "/var/run/postgresql";
const EXTENSION = "/usr/share/postgresql/15/extension/pgautofailover.control";

/** Monitor settings: unhealthy after 2 s, health checked every second (defaults give ~50 s). */
const MONITOR_SETTINGS = `
shared_buffers = '128MB'
pgautofailover.node_considered_unhealthy_timeout = '2s'
pgautofailover.primary_demote_timeout = '2s'
pgautofailover.health_check_period = '1s'
pgautofailover.health_check_timeout = '1s'
pgautofailover.health_check_retry_delay = '1s'
pgautofailover.health_check_max_retries = 1
`;

export interface FormationNode {
  name: string;
  port: number;
  pgdata: string;
}

export interface AutoFailoverFormation {
  dir: string;
  monitorPort: number;
  nodes: FormationNode[];
  /** libpq multi-host URL of `database` on the data nodes, for writers. */
  databaseUrl(database: string): string;
  /** Node name → state the node reports to the monitor (primary, secondary, wait_primary, …). */
  states(): Promise<Record<string, string>>;
  waitForStates(wanted: Record<string, string | string[]>, timeoutMs: number): Promise<void>;
  /** SQL as superuser on one data node (e.g. CREATE DATABASE on the primary). */
  query<T>(node: FormationNode, text: string): Promise<T[]>;
  /** SIGKILLs a node: its pg_autoctl process group and its postmaster. */
  kill(name: string): void;
  /** Stops everything and removes the folder, the sockets and the IPC objects it left. */
  stop(): Promise<void>;
}

/** Throws, naming the package, when pg_autoctl or PostgreSQL 15 is missing. */
export function requireAutoFailover(): void {
  if (![AUTOCTL, join(PG_BIN, "postgres"), EXTENSION].every((file) => existsSync(file))) {
    throw new Error(
      `pg_auto_failover is not installed (${AUTOCTL}, ${EXTENSION}, ${PG_BIN}): apt-get install ${AUTO_FAILOVER_PACKAGE} pg-auto-failover-cli`,
    );
  }
}

interface Runner {
  dir: string;
  ids: { uid: number; gid: number } | null;
  env: NodeJS.ProcessEnv;
  runs: Map<string, ChildProcess>;
  /** Pids seen in our process groups, to tell our leaked IPC objects from other clusters'. */
  pids: Set<number>;
}

function postgresIds(): { uid: number; gid: number } | null {
  if (process.getuid?.() !== 0) return null; // Not root: run as ourselves (PostgreSQL refuses root only).
  const id = (flag: string) => Number(execFileSync("id", [flag, "postgres"], { encoding: "utf8" }).trim());
  return { uid: id("-u"), gid: id("-g") };
}

function makeRunner(): Runner {
  const ids = postgresIds();
  const dir = mkdtempSync(join(tmpdir(), "zengzhi-paf-"));
  mkdirSync(join(dir, "run"), { mode: 0o700 });
  if (ids !== null) {
    chownSync(dir, ids.uid, ids.gid);
    chownSync(join(dir, "run"), ids.uid, ids.gid);
    if (!existsSync(SOCKET_DIR)) mkdirSync(SOCKET_DIR, { recursive: true, mode: 0o2775 });
    chownSync(SOCKET_DIR, ids.uid, ids.gid);
  }
  // A clean environment: root's PATH and PGHOST break pg_autoctl; XDG_* keep its files in `dir`.
  const env = {
    PATH: `${PG_BIN}:/usr/bin:/bin`,
    HOME: dir,
    XDG_CONFIG_HOME: join(dir, "config"),
    XDG_DATA_HOME: join(dir, "share"),
    XDG_RUNTIME_DIR: join(dir, "run"),
  };
  return { dir, ids, env, runs: new Map(), pids: new Set() };
}

function autoctl(runner: Runner, args: string[]): void {
  try {
    execFileSync(AUTOCTL, args, {
      cwd: runner.dir,
      env: runner.env,
      stdio: ["ignore", "pipe", "pipe"],
      timeout: 60_000,
      ...(runner.ids ?? {}),
    });
  } catch (error) {
    const stderr = (error as { stderr?: Buffer }).stderr?.toString().trim() ?? "";
    throw new Error(`pg_autoctl ${args.join(" ")} failed: ${stderr.split("\n").slice(-5).join("\n")}`, {
      cause: error,
    });
  }
}

/** Starts `pg_autoctl run` for pgdata in its own process group, logging to name.log. */
function runNode(runner: Runner, name: string, pgdata: string): void {
  const log = openSync(join(runner.dir, `${name}.log`), "a");
  const child = spawn(AUTOCTL, ["run", "--pgdata", pgdata], {
    cwd: runner.dir,
    env: runner.env,
    stdio: ["ignore", log, log],
    detached: true,
    ...(runner.ids ?? {}),
  });
  closeSync(log);
  child.on("error", () => undefined);
  runner.runs.set(name, child);
}

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function querySql<T>(url: string, text: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  client.on("error", () => undefined);
  try {
    await client.connect();
    return (await client.query(text)).rows as T[];
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function until(what: string, timeoutMs: number, test: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown = null;
  while (Date.now() < deadline) {
    try {
      if (await test()) return;
    } catch (error) {
      last = error;
    }
    await delay(200);
  }
  throw new Error(
    `timed out after ${timeoutMs} ms waiting for ${what}${last === null ? "" : `: ${String(last)}`}`,
  );
}

export interface FormationOptions {
  /** Ports on 127.0.0.1: the monitor's, then one per data node (the first becomes the primary). */
  ports: [number, number, number];
  timeoutMs?: number;
}

/** Brings up monitor, primary and synchronous secondary; resolves once they report so. */
export async function startAutoFailover(options: FormationOptions): Promise<AutoFailoverFormation> {
  requireAutoFailover();
  const runner = makeRunner();
  const [monitorPort, ...dataPorts] = options.ports;
  const nodes = dataPorts.map((port, i) => ({
    name: `node${i + 1}`,
    port,
    pgdata: join(runner.dir, `node${i + 1}`),
  }));
  const formation = makeFormation(runner, monitorPort, nodes);
  try {
    await bringUp(runner, formation, options.timeoutMs ?? 90_000);
  } catch (error) {
    const logs = ["monitor", ...nodes.map((n) => n.name)].map((name) => tailOf(runner, name)).join("\n");
    await formation.stop();
    throw new Error(`${(error as Error).message}\n${logs}`, { cause: error });
  }
  return formation;
}

async function bringUp(runner: Runner, formation: AutoFailoverFormation, timeoutMs: number): Promise<void> {
  const monitorData = join(runner.dir, "monitor");
  const port = String(formation.monitorPort);
  autoctl(runner, [
    "create",
    "monitor",
    "--pgdata",
    monitorData,
    "--pgport",
    port,
    "--hostname",
    "127.0.0.1",
    "--auth",
    "trust",
    "--no-ssl",
  ]);
  // Bound to all addresses by default, which on some machines binds only [::] and not 127.0.0.1.
  autoctl(runner, ["config", "set", "--pgdata", monitorData, "postgresql.listen_addresses", "127.0.0.1"]);
  appendFileSync(join(monitorData, "postgresql.conf"), MONITOR_SETTINGS);
  runNode(runner, "monitor", monitorData);
  const monitorUrl = `postgres://autoctl_node@127.0.0.1:${port}/pg_auto_failover?sslmode=disable`;
  await until("the monitor", timeoutMs, async () => (await querySql(monitorUrl, "SELECT 1")).length === 1);
  const [first, second] = formation.nodes as [FormationNode, FormationNode];
  createDataNode(runner, first, monitorUrl);
  await formation.waitForStates({ [first.name]: "single" }, timeoutMs);
  createDataNode(runner, second, monitorUrl);
  await formation.waitForStates({ [first.name]: "primary", [second.name]: "secondary" }, timeoutMs);
}

function createDataNode(runner: Runner, node: FormationNode, monitorUrl: string): void {
  autoctl(runner, [
    "create",
    "postgres",
    "--pgdata",
    node.pgdata,
    "--pgport",
    String(node.port),
    "--hostname",
    "127.0.0.1",
    "--listen",
    "127.0.0.1",
    "--name",
    node.name,
    "--monitor",
    monitorUrl,
    "--auth",
    "trust",
    "--no-ssl",
  ]);
  // pg_autoctl sizes shared_buffers at a quarter of the machine's memory; a secondary copies this.
  appendFileSync(join(node.pgdata, "postgresql.conf"), "shared_buffers = '128MB'\n");
  runNode(runner, node.name, node.pgdata);
}

function makeFormation(runner: Runner, monitorPort: number, nodes: FormationNode[]): AutoFailoverFormation {
  const monitorUrl = `postgres://autoctl_node@127.0.0.1:${monitorPort}/pg_auto_failover?sslmode=disable`;
  const states = async () => {
    const rows = await querySql<{ nodename: string; reportedstate: string }>(
      monitorUrl,
      "SELECT nodename, reportedstate FROM pgautofailover.node",
    );
    return Object.fromEntries(rows.map((row) => [row.nodename, row.reportedstate]));
  };
  return {
    dir: runner.dir,
    monitorPort,
    nodes,
    databaseUrl: (database) =>
      `postgres://postgres@${nodes.map((n) => `127.0.0.1:${n.port}`).join(",")}/${database}?target_session_attrs=read-write&connect_timeout=2`,
    states,
    async waitForStates(wanted, timeoutMs) {
      await until(`states ${JSON.stringify(wanted)}`, timeoutMs, async () => {
        const now = await states();
        return Object.entries(wanted).every(([name, state]) => [state].flat().includes(now[name] ?? ""));
      });
    },
    query: (node, text) => querySql(`postgres://postgres@127.0.0.1:${node.port}/postgres`, text),
    kill: (name) =>
      killNode(
        runner,
        nodes.find((n) => n.name === name),
      ),
    stop: () =>
      stopAll(runner, [join(runner.dir, "monitor"), ...nodes.map((n) => n.pgdata)], {
        ports: [monitorPort, ...nodes.map((n) => n.port)],
      }),
  };
}

/** The first line of postmaster.pid, when the file is there. */
function postmasterPid(pgdata: string): number | null {
  try {
    const pid = Number(readFileSync(join(pgdata, "postmaster.pid"), "utf8").split("\n")[0]);
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // Already gone.
  }
}

/** Kill the node, not only the postmaster: its pg_autoctl would restart it within a second. */
function killNode(runner: Runner, node: FormationNode | undefined): void {
  if (node === undefined) throw new Error("no such node");
  const run = runner.runs.get(node.name);
  rememberPids(runner);
  if (run?.pid !== undefined) signal(-run.pid, "SIGKILL");
  const postmaster = postmasterPid(node.pgdata);
  if (postmaster !== null && commandOf(postmaster).includes("postgres")) signal(postmaster, "SIGKILL");
}

function commandOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8");
  } catch {
    return "";
  }
}

/** Every process in the process groups of our `pg_autoctl run`s (postmasters and backends too). */
function rememberPids(runner: Runner): void {
  const groups = new Set([...runner.runs.values()].map((run) => run.pid));
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // Field 5 of /proc/PID/stat is the process group; the command in field 2 may hold spaces.
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const group = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[2]);
      if (groups.has(group)) runner.pids.add(Number(entry));
    } catch {
      // Exited meanwhile.
    }
  }
}

/**
 * SysV IPC objects our processes left when SIGKILLed: a shared memory segment per postmaster
 * (created by one of our pids, nothing attached) and a semaphore per pg_autoctl (last used by one
 * of our pids). Other clusters on the machine, other tests' included, keep theirs.
 */
function leakedIpc(runner: Runner): string[] {
  const leaked: string[] = [];
  for (const line of readLines("/proc/sysvipc/shm").slice(1)) {
    const [, id, , , creator, , attached] = line.trim().split(/\s+/);
    if (attached === "0" && runner.pids.has(Number(creator))) leaked.push(`m ${id}`);
  }
  for (const line of readLines("/proc/sysvipc/sem").slice(1)) {
    const id = line.trim().split(/\s+/)[1];
    if (id !== undefined && semaphoreUsers(id).some((pid) => runner.pids.has(pid))) leaked.push(`s ${id}`);
  }
  return leaked;
}

function readLines(file: string): string[] {
  try {
    return readFileSync(file, "utf8")
      .split("\n")
      .filter((line) => line.trim() !== "");
  } catch {
    return [];
  }
}

/** The pids that last operated on each semaphore of a set (`ipcs -s -i`). */
function semaphoreUsers(id: string): number[] {
  try {
    const text = execFileSync("ipcs", ["-s", "-i", id], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
    });
    const table = text.slice(text.indexOf("semnum"));
    return table
      .split("\n")
      .slice(1)
      .map((line) => Number(line.trim().split(/\s+/)[4]))
      .filter((pid) => Number.isInteger(pid) && pid > 0);
  } catch {
    return [];
  }
}

async function stopAll(runner: Runner, pgdatas: string[], leftovers: { ports: number[] }): Promise<void> {
  rememberPids(runner);
  for (const run of runner.runs.values())
    if (run.exitCode === null && run.pid !== undefined) signal(-run.pid, "SIGTERM");
  const deadline = Date.now() + 10_000;
  while (
    Date.now() < deadline &&
    [...runner.runs.values()].some((run) => run.exitCode === null && run.signalCode === null)
  ) {
    await delay(100);
  }
  for (const run of runner.runs.values()) if (run.pid !== undefined) signal(-run.pid, "SIGKILL");
  for (const pgdata of pgdatas) {
    const pid = postmasterPid(pgdata);
    if (pid !== null && runner.pids.has(pid) && commandOf(pid).includes("postgres")) signal(pid, "SIGKILL");
  }
  // SIGKILLed servers leave SysV IPC objects and their socket files behind.
  for (const entry of leakedIpc(runner)) {
    const [kind, id] = entry.split(" ") as [string, string];
    try {
      execFileSync("ipcrm", [`-${kind}`, id], { stdio: "ignore" });
    } catch {
      // Removed by its owner meanwhile.
    }
  }
  for (const port of leftovers.ports) {
    for (const suffix of ["", ".lock"])
      rmSync(join(SOCKET_DIR, `.s.PGSQL.${port}${suffix}`), { force: true });
  }
  rmSync(runner.dir, { recursive: true, force: true });
}

function tailOf(runner: Runner, name: string): string {
  try {
    const lines = readFileSync(join(runner.dir, `${name}.log`), "utf8")
      .trim()
      .split("\n");
    return `--- ${name}.log\n${lines.slice(-8).join("\n")}`;
  } catch {
    return `--- ${name}.log: none`;
  }
}

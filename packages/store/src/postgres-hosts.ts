/**
 * Multi-host PostgreSQL connection strings, as libpq reads them, for node-postgres (which has
 * neither): `postgres://u@h1:5432,h2:5433/db?target_session_attrs=read-write&connect_timeout=1`.
 * Every new connection tries the hosts in order and keeps the first one that fits the target, so
 * after a failover (pg_auto_failover, Patroni) the pool's next connection reaches the new primary.
 */
import pg from "pg";

/** The targets libpq 15 knows that a writer can use; `read-write` and `primary` mean the same here. */
export type TargetSessionAttrs = "any" | "read-write" | "primary";

export interface PostgresHost {
  host: string;
  port: number;
}

export interface PostgresTarget {
  hosts: PostgresHost[];
  targetSessionAttrs: TargetSessionAttrs;
  /** Longest wait for one host to answer (connect_timeout, default 2 s when several hosts). */
  connectTimeoutMs: number | undefined;
  /** The connection string with only `host` in it (and without the parameters read here). */
  urlFor(host: PostgresHost): string;
}

const URL_PATTERN = /^(postgres(?:ql)?:\/\/)([^@/?#]*@)?([^/?#]*)(.*)$/;
const HOST_PATTERN = /^(\[[^\]]+\]|[^:]*)(?::(\d{1,5}))?$/;
const TARGETS: readonly string[] = ["any", "read-write", "primary"];

/** Reads a connection string's hosts and the libpq parameters node-postgres ignores. */
export function parseDatabaseUrl(url: string): PostgresTarget {
  const match = URL_PATTERN.exec(url);
  if (match === null) return singleTarget(url);
  const [, scheme, userInfo = "", hostList = "", rest = ""] = match;
  const queryAt = rest.indexOf("?");
  const path = queryAt < 0 ? rest : rest.slice(0, queryAt);
  const query = new URLSearchParams(queryAt < 0 ? "" : rest.slice(queryAt + 1));
  const target = query.get("target_session_attrs") ?? "any";
  if (!TARGETS.includes(target)) {
    throw new Error(`target_session_attrs=${target} is not supported (use read-write, primary or any)`);
  }
  const timeout = query.get("connect_timeout");
  query.delete("target_session_attrs");
  query.delete("connect_timeout");
  const hosts = hostList.split(",").map((text) => parseHost(text));
  const search = query.toString();
  return {
    hosts,
    targetSessionAttrs: target as TargetSessionAttrs,
    connectTimeoutMs:
      timeout !== null && /^\d+$/.test(timeout)
        ? Math.max(Number(timeout), 2) * 1000 // libpq: a value under 2 s counts as 2 s
        : hosts.length > 1
          ? 2000
          : undefined,
    urlFor: (host) => `${scheme}${userInfo}${formatHost(host)}${path}${search === "" ? "" : `?${search}`}`,
  };
}

function singleTarget(url: string): PostgresTarget {
  return { hosts: [], targetSessionAttrs: "any", connectTimeoutMs: undefined, urlFor: () => url };
}

function parseHost(text: string): PostgresHost {
  const match = HOST_PATTERN.exec(text);
  if (match === null || match[1] === undefined) throw new Error(`cannot read the host "${text}"`);
  const port = match[2] === undefined ? 5432 : Number(match[2]);
  const name = match[1];
  return { host: name.startsWith("[") ? name.slice(1, -1) : decodeURIComponent(name), port };
}

function formatHost(host: PostgresHost): string {
  const name = host.host.includes(":") ? `[${host.host}]` : encodeURIComponent(host.host);
  return `${name}:${host.port}`;
}

/** Whether the URL needs the host choice below (several hosts, or a target other than any). */
function needsChoice(target: PostgresTarget): boolean {
  return target.hosts.length > 1 || target.targetSessionAttrs !== "any";
}

/** Asks one host whether it takes writes; undefined when it does not answer. */
async function hostFits(target: PostgresTarget, host: PostgresHost): Promise<boolean> {
  const probe = new pg.Client({
    connectionString: target.urlFor(host),
    ...(target.connectTimeoutMs === undefined ? {} : { connectionTimeoutMillis: target.connectTimeoutMs }),
  });
  probe.on("error", () => undefined);
  try {
    await probe.connect();
    if (target.targetSessionAttrs === "any") return true;
    // Both, as libpq 15 does for read-write: a hot standby, and a primary that pg_auto_failover
    // briefly sets read-only while it promotes, refuse writes.
    const { rows } = await probe.query<{ standby: boolean; readOnly: string }>(
      `SELECT pg_is_in_recovery() AS standby, current_setting('transaction_read_only') AS "readOnly"`,
    );
    return rows[0]?.standby === false && rows[0].readOnly === "off";
  } catch {
    return false;
  } finally {
    await probe.end().catch(() => undefined);
  }
}

/** The first host that fits the target, in the order the URL lists them (libpq's order). */
export async function chooseHost(target: PostgresTarget): Promise<PostgresHost> {
  for (const host of target.hosts) if (await hostFits(target, host)) return host;
  const list = target.hosts.map((host) => `${host.host}:${host.port}`).join(", ");
  throw Object.assign(
    new Error(`no PostgreSQL host fits target_session_attrs=${target.targetSessionAttrs} (tried ${list})`),
    { code: "ECONNREFUSED" },
  );
}

type ConnectCallback = (error: Error | null, client?: pg.Client) => void;

/** A pg.Client class that chooses its host on every connect (a pool connects each client once). */
function chosenHostClient(target: PostgresTarget): typeof pg.Client {
  return class ChosenHostClient extends pg.Client {
    constructor(config?: string | pg.ClientConfig) {
      // The timeout bounds each host's connect here, not in the pool, whose own timer would cover
      // the probes of every host together.
      const base = typeof config === "string" ? { connectionString: config } : (config ?? {});
      super(
        target.connectTimeoutMs === undefined
          ? base
          : { ...base, connectionTimeoutMillis: target.connectTimeoutMs },
      );
    }

    override connect(): Promise<pg.Client>;
    override connect(callback: ConnectCallback): void;
    override connect(callback?: ConnectCallback): Promise<pg.Client> | void {
      const connected = chooseHost(target).then((host) => {
        // node-postgres reads host and port when it opens the socket, not before.
        this.host = host.host;
        this.port = host.port;
        return super.connect();
      });
      if (callback === undefined) return connected;
      connected.then(
        (client) => callback(null, client),
        (error: unknown) => callback(error as Error),
      );
    }
  };
}

/** The first host's URL: user, password, database and options; the host is chosen on connect. */
function clientConfig(target: PostgresTarget): pg.ClientConfig {
  const first = target.hosts[0];
  return {
    connectionString: first === undefined ? target.urlFor({ host: "", port: 0 }) : target.urlFor(first),
  };
}

/** A client for the URL; with several hosts it connects to the first that fits the target. */
export function newPostgresClient(url: string): pg.Client {
  const target = parseDatabaseUrl(url);
  if (!needsChoice(target)) return new pg.Client({ connectionString: url });
  const Client = chosenHostClient(target);
  return new Client(clientConfig(target));
}

/** A pool for the URL; each new connection chooses its host (the old primary's die with it). */
export function newPostgresPool(url: string, max: number): pg.Pool {
  const target = parseDatabaseUrl(url);
  if (!needsChoice(target)) return new pg.Pool({ connectionString: url, max });
  return new pg.Pool({ ...clientConfig(target), max, Client: chosenHostClient(target) });
}

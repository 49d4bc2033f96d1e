import { createServer } from "node:net";
import { describe, expect, it } from "vitest";
import { connectPostgres } from "./database.js";
import { chooseHost, newPostgresClient, parseDatabaseUrl } from "./postgres-hosts.js";
import { createTestDatabase, postgresAvailable } from "./testing/index.js";

/** A port on 127.0.0.1 where nothing listens (taken, then let go). */
async function deadPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** The test database's URL with `host:port` of a dead port listed before its own. */
function withDeadHostFirst(url: string, dead: number, query: string): string {
  const live = new URL(url);
  return `postgres://${live.username}${live.password === "" ? "" : `:${live.password}`}@127.0.0.1:${dead},${live.host}${live.pathname}?${query}`;
}

describe("parseDatabaseUrl", () => {
  it("reads every host, the target and the timeout, and rebuilds one URL per host", () => {
    const target = parseDatabaseUrl(
      "postgres://app:s3cret@10.0.0.1:5432,db2,[::1]:6000/ledger?target_session_attrs=read-write&connect_timeout=1&sslmode=disable",
    );
    expect(target.hosts).toEqual([
      { host: "10.0.0.1", port: 5432 },
      { host: "db2", port: 5432 },
      { host: "::1", port: 6000 },
    ]);
    expect(target.targetSessionAttrs).toBe("read-write");
    expect(target.connectTimeoutMs).toBe(2000); // libpq rounds 1 s up to 2 s
    expect(target.urlFor({ host: "::1", port: 6000 })).toBe(
      "postgres://app:s3cret@[::1]:6000/ledger?sslmode=disable",
    );
  });

  it("leaves a plain URL alone and refuses a target it cannot honour", () => {
    expect(parseDatabaseUrl("postgres://u@h:7/d").hosts).toEqual([{ host: "h", port: 7 }]);
    expect(parseDatabaseUrl("postgres://u@h:7/d").targetSessionAttrs).toBe("any");
    expect(() => parseDatabaseUrl("postgres://h1,h2/d?target_session_attrs=standby")).toThrow(
      /target_session_attrs=standby is not supported/,
    );
  });
});

describe.runIf(postgresAvailable)("multi-host connections (real PostgreSQL)", () => {
  it("skips a host that does not answer and connects pool and client to the next", async () => {
    const url = await createTestDatabase();
    const multi = withDeadHostFirst(
      url,
      await deadPort(),
      "target_session_attrs=read-write&connect_timeout=1",
    );
    const db = connectPostgres(multi, 2);
    try {
      await db.execute("CREATE TABLE t (id int PRIMARY KEY)");
      await db.query("INSERT INTO t VALUES (1)");
      expect((await db.query<{ n: number }>("SELECT count(*)::int AS n FROM t")).rows[0]?.n).toBe(1);
    } finally {
      await db.close();
    }
    const client = newPostgresClient(multi);
    await client.connect();
    try {
      const { rows } = await client.query<{ port: number }>("SELECT current_setting('port')::int AS port");
      expect(rows[0]?.port).toBe(Number(new URL(url).port));
    } finally {
      await client.end();
    }
  });

  it("refuses a read-only server for read-write, and takes it for any", async () => {
    const url = await createTestDatabase();
    const name = new URL(url).pathname.slice(1);
    const admin = newPostgresClient(url);
    await admin.connect();
    await admin.query(`ALTER DATABASE ${name} SET default_transaction_read_only = on`);
    await admin.end();
    const dead = await deadPort();
    await expect(
      chooseHost(parseDatabaseUrl(withDeadHostFirst(url, dead, "target_session_attrs=read-write"))),
    ).rejects.toThrow(/no PostgreSQL host fits target_session_attrs=read-write/);
    const any = parseDatabaseUrl(withDeadHostFirst(url, dead, "target_session_attrs=any"));
    expect(await chooseHost(any)).toEqual(any.hosts[1]);
  });
});

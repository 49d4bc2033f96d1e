// The PGlite database in its own thread (see PgliteWorkerDatabase in database.ts). PGlite runs
// PostgreSQL compiled to WebAssembly synchronously on the thread that calls it; here that thread is
// this worker, so a commit no longer stops the service's event loop and the two use two cores.
// Plain JavaScript, so the same file runs under the compiled dist/ and under the tests' sources.
import { parentPort, workerData } from "node:worker_threads";
import { promisify } from "node:util";
import { gzip } from "node:zlib";
import { PGlite, protocol } from "@electric-sql/pglite";

const gzipAsync = promisify(gzip);

/** Open transactions by id: the handle to query on, and how to end them. */
const transactions = new Map();
let nextTransaction = 1;

/** An error as plain data: its name, message and the database's fields (code, detail, …). */
function errorData(error) {
  if (!(error instanceof Error)) return { name: "Error", message: String(error) };
  const fields = {};
  for (const [name, value] of Object.entries(error)) {
    if (value === null || ["string", "number", "boolean"].includes(typeof value)) fields[name] = value;
  }
  return { ...fields, name: error.name, message: error.message };
}

/**
 * Opens a PGlite transaction that stays open until the main thread sends `end`; answers `begin`
 * once inside it. The queries the main thread sends meanwhile run on its handle.
 */
function begin(db, id) {
  const tx = nextTransaction++;
  const transaction = { handle: null, end: null, done: null };
  const ended = new Promise((resolve) => (transaction.end = resolve));
  transactions.set(tx, transaction);
  transaction.done = db
    .transaction(async (handle) => {
      transaction.handle = handle;
      parentPort.postMessage({ id, value: tx });
      if (!(await ended)) await handle.rollback();
    })
    .finally(() => transactions.delete(tx));
  // A failure before the transaction began answers `begin`; a later one answers `end`.
  transaction.done.catch((error) => {
    if (transaction.handle === null) parentPort.postMessage({ id, error: errorData(error) });
  });
}

/** Names of the statements prepared on the database (they live as long as it). */
const prepared = new Set();

/**
 * One Bind + Execute + Sync message, encoded into a buffer kept for the next one. PGlite's own
 * serializer grows and copies fresh ArrayBuffers for every message (about 55 KB for a 45-row commit);
 * those count as external memory, and at 15,000 orders/s they made V8 run a full mark-compact of this
 * thread's heap about three times a second, each pausing the commit in progress for 3–10 ms.
 */
let wire = new Uint8Array(64 * 1024);
const encoder = new TextEncoder();

function reserve(length, needed) {
  if (length + needed <= wire.length) return;
  const grown = new Uint8Array(Math.max(wire.length * 2, length + needed));
  grown.set(wire.subarray(0, length));
  wire = grown;
}

/** Bind (text values, byte arrays as binary, null as SQL NULL) of `name`, then Execute and Sync. */
function bindExecuteSync(name, params) {
  let at = 0;
  const byte = (value) => {
    wire[at++] = value;
  };
  const int16 = (value) => {
    wire[at++] = (value >>> 8) & 0xff;
    wire[at++] = value & 0xff;
  };
  const int32 = (value, offset = at) => {
    wire[offset] = (value >>> 24) & 0xff;
    wire[offset + 1] = (value >>> 16) & 0xff;
    wire[offset + 2] = (value >>> 8) & 0xff;
    wire[offset + 3] = value & 0xff;
    if (offset === at) at += 4;
  };
  const cstring = (text) => {
    reserve(at, text.length * 3 + 1);
    at += encoder.encodeInto(text, wire.subarray(at)).written;
    byte(0);
  };
  reserve(at, 16 + params.length * 6);
  byte(0x42); // Bind
  const lengthAt = at;
  at += 4;
  byte(0); // the unnamed portal
  cstring(name);
  int16(params.length); // one format code per parameter
  for (const value of params) int16(value instanceof Uint8Array ? 1 : 0);
  int16(params.length);
  for (const value of params) {
    reserve(at, 4);
    if (value === null || value === undefined) {
      int32(-1);
    } else if (value instanceof Uint8Array) {
      int32(value.length);
      reserve(at, value.length);
      wire.set(value, at);
      at += value.length;
    } else {
      const text = String(value);
      const sizeAt = at;
      at += 4;
      reserve(at, text.length * 3);
      const written = encoder.encodeInto(text, wire.subarray(at)).written;
      int32(written, sizeAt);
      at += written;
    }
  }
  reserve(at, 2 + 10 + 5);
  int16(0); // results in text
  int32(at - lengthAt, lengthAt);
  // Execute the unnamed portal, all rows; then Sync.
  wire.set([0x45, 0, 0, 0, 9, 0, 0, 0, 0, 0, 0x53, 0, 0, 0, 4], at);
  at += 15;
  return wire.subarray(0, at);
}

/**
 * Runs a named prepared statement through the wire protocol: Parse once per name, then Bind, Execute
 * and Sync in one message. PGlite's query() parses, describes and plans its statement on every call
 * (five protocol round trips); for the ledger's batch commit that was about half of the commit's cost
 * (measured: 1.05 → 0.58 ms for 45 rows). The statement's parameter types are inferred by PostgreSQL
 * as for query(). Taken under the same locks as query(), so it waits for an open transaction like any
 * other statement.
 */
async function runPrepared(db, { name, text, params }) {
  const exclusive = (fn) => db._runExclusiveTransaction(() => db.runExclusive(fn));
  if (!prepared.has(name)) {
    const { serialize } = protocol;
    await exclusive(() => db.execProtocol(concat([serialize.parse({ name, text }), serialize.sync()])));
    prepared.add(name);
  }
  // The message is built inside the lock: the buffer is reused by the next call.
  await exclusive(() => db.execProtocol(bindExecuteSync(name, params)));
}

function concat(parts) {
  const out = new Uint8Array(parts.reduce((length, part) => length + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/**
 * A consistent copy of the data directory as an uncompressed tar (PGlite's dumpDataDir). A CHECKPOINT
 * first writes every dirty page, so the copy needs little WAL replay when it is opened. The dump then
 * runs with both of PGlite's locks held: no statement runs and no transaction is open while the files
 * are read, and PGlite (single-threaded, no background writer) writes nothing meanwhile, so the tar is
 * the database exactly as after the last commit before it. Commits wait meanwhile; `dumpMs` says how long.
 */
async function dump(db) {
  await db.exec("CHECKPOINT");
  const started = performance.now();
  const tar = await db._runExclusiveTransaction(() => db.dumpDataDir("none"));
  const dumpMs = performance.now() - started;
  // Compressed here (zlib works on libuv's threads) and handed over, not copied: a copy of a tar of
  // hundreds of megabytes arriving at once stalled the service's thread for seconds.
  const gzipped = await gzipAsync(new Uint8Array(await tar.arrayBuffer()));
  return { gzipped: new Uint8Array(gzipped.buffer, gzipped.byteOffset, gzipped.length), dumpMs };
}

async function run(db, message) {
  switch (message.op) {
    case "query": {
      const target = message.tx === undefined ? db : transactions.get(message.tx).handle;
      const result = await target.query(message.text, message.params);
      return result.rows;
    }
    case "exec": {
      const target = message.tx === undefined ? db : transactions.get(message.tx).handle;
      await target.exec(message.text);
      return undefined;
    }
    case "prepared":
      await runPrepared(db, message);
      return undefined;
    case "end": {
      const transaction = transactions.get(message.tx);
      transaction.end(message.commit);
      await transaction.done;
      return undefined;
    }
    case "dump":
      return dump(db);
    case "close":
      await db.close();
      return undefined;
    default:
      throw new Error(`unknown operation ${message.op}`);
  }
}

let db;
try {
  db = await PGlite.create(workerData.dataDir);
  // A new 16 MB WAL segment is otherwise filled with zeros first: a 30-50 ms stall of every commit
  // about every 50,000 orders. Without it only the segment's last byte is written at creation, as on
  // copy-on-write file systems; each commit's WAL is still written before its answer (PGlite never
  // fsyncs either way).
  await db.exec("SET wal_init_zero = off");
  parentPort.postMessage({ ready: true });
} catch (error) {
  parentPort.postMessage({ ready: false, error: errorData(error) });
}

parentPort.on("message", (message) => {
  if (message.op === "begin") return begin(db, message.id);
  run(db, message).then(
    (value) =>
      parentPort.postMessage(
        { id: message.id, value },
        message.op === "dump" ? [value.gzipped.buffer] : undefined,
      ),
    (error) => parentPort.postMessage({ id: message.id, error: errorData(error) }),
  );
});

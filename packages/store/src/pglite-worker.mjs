// The PGlite database in its own thread (see PgliteWorkerDatabase in database.ts). PGlite runs
// PostgreSQL compiled to WebAssembly synchronously on the thread that calls it; here that thread is
// this worker, so a commit no longer stops the service's event loop and the two use two cores.
// Plain JavaScript, so the same file runs under the compiled dist/ and under the tests' sources.
import { parentPort, workerData } from "node:worker_threads";
import { PGlite } from "@electric-sql/pglite";

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
    case "end": {
      const transaction = transactions.get(message.tx);
      transaction.end(message.commit);
      await transaction.done;
      return undefined;
    }
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
    (value) => parentPort.postMessage({ id: message.id, value }),
    (error) => parentPort.postMessage({ id: message.id, error: errorData(error) }),
  );
});

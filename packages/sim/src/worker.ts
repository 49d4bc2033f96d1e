/**
 * Worker-thread entry for Monte Carlo runs: receives (scenario JSON, seed) jobs, runs them with the
 * same `runScenario` as the main thread and posts the plain result back.
 */
import { parentPort } from "node:worker_threads";
import { runScenario } from "./run.js";
import { parseScenario } from "./scenario.js";
import type { WorkerJob, WorkerReply } from "./node.js";

const port = parentPort;
if (port === null) throw new Error("worker.js must run in a worker thread");

let cachedText = "";
let cached: ReturnType<typeof parseScenario> | null = null;

port.on("message", (job: WorkerJob) => {
  try {
    if (job.scenarioText !== cachedText || cached === null) {
      cached = parseScenario(JSON.parse(job.scenarioText));
      cachedText = job.scenarioText;
    }
    const result = runScenario(cached, job.seed, (done, total) => {
      port.postMessage({ job: job.id, progress: done / total } satisfies WorkerReply);
    });
    port.postMessage({ job: job.id, result } satisfies WorkerReply);
  } catch (error) {
    port.postMessage({
      job: job.id,
      error: error instanceof Error ? error.message : String(error),
    } satisfies WorkerReply);
  }
});

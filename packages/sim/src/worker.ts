/**
 * Worker-thread entry for Monte Carlo runs: receives (scenario JSON, seed) jobs, runs them with the
 * same `runScenario` as the main thread and posts the plain result back.
 */
import { parentPort } from "node:worker_threads";
import { engineFromSnapshot } from "@zengzhi/engine";
import { simulate } from "./run.js";
import { parseScenario } from "./scenario.js";
import type { WorkerJob, WorkerReply } from "./node.js";

const port = parentPort;
if (port === null) throw new Error("worker.js must run in a worker thread");

let cachedText = "";
let cached: ReturnType<typeof parseScenario> | null = null;
let snapshot = "";
let members: readonly string[] = [];

port.on("message", (job: WorkerJob) => {
  try {
    if (job.scenarioText !== cachedText || cached === null) {
      cached = parseScenario(JSON.parse(job.scenarioText));
      cachedText = job.scenarioText;
    }
    if (typeof job.start?.snapshot === "string") snapshot = job.start.snapshot;
    if (job.start?.members) members = job.start.members;
    const text = snapshot;
    const onProgress = (done: number, total: number) => {
      port.postMessage({ job: job.id, progress: done / total } satisfies WorkerReply);
    };
    const start =
      job.start === undefined
        ? {}
        : { start: { engine: () => engineFromSnapshot(text), applyRules: job.start.applyRules, members } };
    const { result } = simulate(cached, job.seed, { onProgress, ...start });
    port.postMessage({ job: job.id, result } satisfies WorkerReply);
  } catch (error) {
    port.postMessage({
      job: job.id,
      error: error instanceof Error ? error.message : String(error),
    } satisfies WorkerReply);
  }
});

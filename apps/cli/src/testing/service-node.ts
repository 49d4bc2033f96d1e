/**
 * `zengzhi start` as a child process for the outside-client tests: the compiled CLI, in its own
 * process group (the launcher starts the service as a second Node), stopped with SIGTERM, then SIGKILL.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

const CLI = fileURLToPath(new URL("../../bin/zengzhi.js", import.meta.url));

export interface ServiceNode {
  name: string;
  url: string;
  child: ChildProcess;
  output(): string;
  stop(): Promise<void>;
}

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Starts a node on `port` against `databaseUrl`; resolves once it prints its URL. */
export async function startServiceNode(options: {
  name: string;
  port: number;
  databaseUrl: string;
  timeoutMs?: number;
}): Promise<ServiceNode> {
  const child = spawn(process.execPath, [CLI, "start"], {
    env: {
      ...process.env,
      DATABASE_URL: options.databaseUrl,
      ZENGZHI_DATA_DIR: "",
      PORT: String(options.port),
      HOST: "127.0.0.1",
      LOG_LEVEL: "warn",
    },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const node: ServiceNode = {
    name: options.name,
    url: `http://127.0.0.1:${options.port}`,
    child,
    output: () => output,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
      signalGroup(child.pid, "SIGTERM");
      const timer = delay(10_000).then(() => signalGroup(child.pid!, "SIGKILL"));
      await Promise.race([exited, timer]);
      await exited;
    },
  };
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  while (!/running at http/.test(output)) {
    if (child.exitCode !== null || Date.now() > deadline) {
      await node.stop();
      throw new Error(`service node ${options.name} did not start:\n${output}`);
    }
    await delay(100);
  }
  return node;
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // Already gone.
  }
}

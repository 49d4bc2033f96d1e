#!/usr/bin/env node
// Thin launcher: the CLI is written in TypeScript and compiled to dist/ by `npm install` (prepare).
// `zengzhi start` runs the service under its V8 heap settings (dist/node-flags.js): when this process
// was started without them, it starts Node again with them and passes signals and the exit code on.
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { serviceNodeFlags } from "../dist/node-flags.js";

const args = process.argv.slice(2);
const flags = args[0] === "start" ? serviceNodeFlags(process.env) : [];
const missing = flags.filter((flag) => !process.execArgv.includes(flag));

if (missing.length > 0 && process.env.ZENGZHI_RELAUNCHED !== "1") {
  const child = spawn(
    process.execPath,
    [...flags, ...process.execArgv, fileURLToPath(import.meta.url), ...args],
    {
      stdio: "inherit",
      env: { ...process.env, ZENGZHI_RELAUNCHED: "1" },
    },
  );
  // Ctrl-C reaches the child from the terminal itself; a SIGTERM or SIGHUP sent to this process is passed on.
  process.on("SIGINT", () => undefined);
  for (const signal of ["SIGTERM", "SIGHUP"]) process.on(signal, () => child.kill(signal));
  child.on("exit", (code, signal) => {
    process.exitCode = code ?? (signal === null ? 1 : 128);
  });
} else {
  const { main } = await import("../dist/main.js");
  process.exitCode = await main(args);
}

// Builds the web app from the current sources into a temporary directory (for the browser and
// wording tests), the way production builds it.
import { execFileSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const WEB_DIR = fileURLToPath(new URL("..", import.meta.url));

export function buildWeb(prefix: string): string {
  const out = mkdtempSync(join(tmpdir(), prefix));
  execFileSync(
    process.execPath,
    [
      join(WEB_DIR, "../../node_modules/vite/bin/vite.js"),
      "build",
      "--outDir",
      out,
      "--emptyOutDir",
      "--logLevel",
      "error",
    ],
    // Vitest sets NODE_ENV=test, which would build React's development runtime; build what users get.
    { cwd: WEB_DIR, stdio: "pipe", env: { ...process.env, NODE_ENV: "production" } },
  );
  return out;
}

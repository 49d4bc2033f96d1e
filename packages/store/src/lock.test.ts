/**
 * The PGlite lock file and zombies (issue #15): a writer killed with SIGKILL stays a zombie until its
 * parent reaps it, and kill(pid, 0) still succeeds on it. The lock file must take over such a lock at
 * once, or a restart right after a kill is refused.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { LOCK_FILE_NAME, WriterLockError, lockDataDir, processAlive } from "./lock.js";

describe.runIf(process.platform === "linux")("lock file", () => {
  it("takes over a lock held by a zombie, refuses one held by a live process", async () => {
    // perl (Essential in Debian) forks a child that exits at once; the parent sleeps without reaping it.
    const parent = spawn("perl", [
      "-e",
      '$|=1; my $p = fork; if ($p) { print "$p\\n"; sleep 30 } else { exit 0 }',
    ]);
    try {
      const zombie = await new Promise<number>((resolve) =>
        parent.stdout.once("data", (chunk: Buffer) => resolve(Number(chunk.toString().trim()))),
      );
      let state = "";
      for (let i = 0; i < 100 && state !== "Z"; i++) {
        const stat = readFileSync(`/proc/${zombie}/stat`, "utf8");
        state = stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3);
        if (state !== "Z") await new Promise((resolve) => setTimeout(resolve, 20));
      }
      expect(state).toBe("Z");
      // kill(pid, 0) alone would call it alive.
      expect(() => process.kill(zombie, 0)).not.toThrow();
      expect(processAlive(zombie)).toBe(false);
      expect(processAlive(parent.pid!)).toBe(true);

      const dir = mkdtempSync(join(tmpdir(), "zengzhi-lock-"));
      writeFileSync(join(dir, LOCK_FILE_NAME), `${zombie}\n`);
      const release = lockDataDir(dir);
      expect(readFileSync(join(dir, LOCK_FILE_NAME), "utf8").trim()).toBe(String(process.pid));
      release();
      writeFileSync(join(dir, LOCK_FILE_NAME), `${parent.pid}\n`);
      expect(() => lockDataDir(dir)).toThrow(WriterLockError);
    } finally {
      parent.kill("SIGKILL");
    }
  });
});

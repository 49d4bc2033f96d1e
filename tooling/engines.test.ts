/**
 * Supported Node versions (issue #11, item 8): the root `engines` range is the one the README and
 * docs/SECURITY.md state, and every package the lock file installs accepts the oldest release of
 * each supported line, so `npm ci` warns about no engine on Node 20 or Node 22 (cookie@2 and
 * content-disposition@3 declared Node >= 22 and warned on Node 20).
 */
import { readFileSync } from "node:fs";
import semver from "semver";
import { describe, expect, it } from "vitest";

interface LockPackage {
  version?: string;
  engines?: { node?: string } | string[];
}

const root = new URL("../", import.meta.url);
const lock = JSON.parse(readFileSync(new URL("package-lock.json", root), "utf8")) as {
  packages: Record<string, LockPackage>;
};
const manifest = JSON.parse(readFileSync(new URL("package.json", root), "utf8")) as {
  engines: { node: string };
};
const SUPPORTED = "^20.19.0 || ^22.13.0";
const OLDEST_OF_EACH_LINE = ["20.19.0", "22.13.0"];

describe("supported Node versions", () => {
  it("states ^20.19.0 || ^22.13.0 in engines, in the lock file and in the docs", () => {
    expect(manifest.engines.node).toBe(SUPPORTED);
    expect(lock.packages[""]?.engines).toEqual({ node: SUPPORTED });
    expect(readFileSync(new URL("README.md", root), "utf8")).toContain(SUPPORTED);
    expect(readFileSync(new URL("docs/SECURITY.md", root), "utf8")).toContain(SUPPORTED);
  });

  it("installs only packages that accept Node 20.19 and Node 22.13", () => {
    const refusing: string[] = [];
    for (const [path, info] of Object.entries(lock.packages)) {
      const engines = info.engines;
      const range = Array.isArray(engines) ? undefined : engines?.node;
      if (path === "" || range === undefined) continue;
      for (const version of OLDEST_OF_EACH_LINE) {
        if (!semver.satisfies(version, range)) refusing.push(`${path}@${info.version} wants ${range}`);
      }
    }
    expect(refusing).toEqual([]);
  });
});

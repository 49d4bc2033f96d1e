// Honest wording: no phrase that promises a return may appear in the locale files, the sources or
// the built bundle (which is built here, into a temporary directory, from the current sources).
import { readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildWeb, WEB_DIR as WEB } from "./build-web.js";

/** Phrases that promise returns or deny risk (Chinese marketing terms and their English kin). */
export const FORBIDDEN = [
  "只涨不跌",
  "只升不降",
  "只赚不赔",
  "稳赚",
  "包赚",
  "躺赚",
  "保本",
  "保息",
  "保收益",
  "保证收益",
  "保证盈利",
  "保证回报",
  "承诺收益",
  "稳定收益",
  "固定收益",
  "零风险",
  "无风险",
  "高回报",
  "必涨",
  "翻倍",
  "guaranteed",
  "guarantee",
  "risk-free",
  "risk free",
  "no risk",
  "can't lose",
  "cannot lose",
  "never falls",
  "never go down",
  "only goes up",
  "sure profit",
  "passive income",
  "double your money",
];

function filesUnder(dir: string, extensions: RegExp): string[] {
  const found: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) found.push(...filesUnder(path, extensions));
    else if (extensions.test(name)) found.push(path);
  }
  return found;
}

function offences(path: string): string[] {
  const text = readFileSync(path, "utf8").toLowerCase();
  return FORBIDDEN.filter((phrase) => text.includes(phrase.toLowerCase())).map(
    (phrase) => `${path}: "${phrase}"`,
  );
}

describe("no wording that promises returns", () => {
  let out = "";
  beforeAll(() => {
    out = buildWeb("zengzhi-web-wording-");
  });
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it("catches a forbidden phrase when there is one (the scan itself works)", () => {
    const probe = join(out, "probe.txt");
    writeFileSync(probe, "本产品只涨不跌");
    expect(offences(probe)).toHaveLength(1);
  });

  it("finds none in the locale files and sources", () => {
    const files = filesUnder(join(WEB, "src"), /\.(ts|tsx|css)$/).concat(join(WEB, "index.html"));
    expect(files.length).toBeGreaterThan(10);
    expect(files.flatMap(offences)).toEqual([]);
  });

  it("finds none in the built bundle", () => {
    const files = filesUnder(out, /\.(js|css|html)$/);
    expect(files.some((f) => f.endsWith(".js"))).toBe(true);
    expect(files.flatMap(offences)).toEqual([]);
  });
});

// `zengzhi replay` as outside checks use it: the compiled CLI (built by `npm install`), a file in,
// JSON out; malformed input gets one line naming the problem and exit code 2.
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../../..", import.meta.url));
const bin = join(root, "apps/cli/bin/zengzhi.js");
const dir = mkdtempSync(join(tmpdir(), "zengzhi-replay-"));

function replayFile(content: string) {
  const file = join(dir, `s${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, content);
  return spawnSync(process.execPath, [bin, "replay", file], { encoding: "utf8" });
}

describe("zengzhi replay", () => {
  it("replays the article's example and prints the contract fields", () => {
    const run = spawnSync(process.execPath, [bin, "replay", join(root, "examples/article.json")], {
      encoding: "utf8",
    });
    expect(run.status).toBe(0);
    const state = JSON.parse(run.stdout);
    expect(state.pool).toBe("600.00");
    expect(state.supply).toBe("357.00000000");
    expect(state.price).toMatch(/^1\.680672\d*$/);
    expect(state.members.m1).toMatchObject({ wallet: "0.00", points: "210.00000000" });
    expect(
      state.positions.map(
        (p: { id: number; member: string; spend: string; points: string; status: string }) => [
          p.id,
          p.member,
          p.spend,
          p.points,
          p.status,
        ],
      ),
    ).toEqual([
      [1, "m1", "1000.00", "210.00000000", "open"],
      [2, "m2", "1000.00", "147.00000000", "open"],
    ]);
    // Each order's result records how its 1,000.00 was split (the default 30/30/10/30).
    const split = {
      productCost: "300.00",
      distributionCost: "300.00",
      platformProfit: "100.00",
      contribution: "300.00",
    };
    expect(state.results).toEqual([
      { ok: true, outcome: { position: 1, points: "210.00000000", split } },
      { ok: true, outcome: { position: 2, points: "147.00000000", split } },
    ]);
  });

  it("reports rejections per event with a stable code and fills missing rule fields with defaults", () => {
    const run = replayFile(
      JSON.stringify({
        rules: { sellFee: "0.1" },
        events: [
          { type: "order", member: "m1", amount: "1000.00" },
          { type: "sell", member: "m1", position: 1, points: "12.5" },
          { type: "sell", member: "m2", position: 1, points: "1" },
          { type: "financing", toPool: "5000", toSubsidy: "0" },
          { type: "advance", days: 1 },
          { type: "listing", sharesPerPoint: "0.01" },
          { type: "order", member: "m1", amount: "1" },
        ],
      }),
    );
    expect(run.status).toBe(0);
    const state = JSON.parse(run.stdout);
    expect(state.results.map((r: { ok: boolean; rejection?: string }) => r.rejection ?? r.ok)).toEqual([
      true,
      true,
      "not_owner",
      true,
      true,
      true,
      "listed",
    ]);
    expect(state.rules.sellFee).toBe("0.100000000");
    expect(state.rules.exitMultiple).toBe("3.000000000");
    expect(state.positions[0].status).toBe("exited");
  });

  it.each([
    ["not JSON", "{", /is not valid JSON/],
    ["no events", JSON.stringify({ rules: {} }), /events/],
    [
      "an unknown event type",
      JSON.stringify({ events: [{ type: "gift", member: "m1" }] }),
      /events\[0\]\.type/,
    ],
    [
      "an over-precise amount",
      JSON.stringify({ events: [{ type: "order", member: "m1", amount: "1.001" }] }),
      /events\[0\]\.amount.*decimal places/,
    ],
    [
      "a number where a decimal string belongs",
      JSON.stringify({ events: [{ type: "order", member: "m1", amount: 10 }] }),
      /events\[0\]\.amount/,
    ],
    [
      "a split that does not add up",
      JSON.stringify({
        events: [
          {
            type: "order",
            member: "m1",
            amount: "1",
            split: {
              productCost: "0.5",
              distributionCost: "0.5",
              platformProfit: "0.5",
              poolContribution: "0",
            },
          },
        ],
      }),
      /events\[0\]\.split.*add up/,
    ],
    [
      "a refused rule set",
      JSON.stringify({ rules: { exitMultiple: "20" }, events: [] }),
      /rules\.exitMultiple/,
    ],
    [
      "multi-level rewards",
      JSON.stringify({ rules: { referralLevels: 3 }, events: [] }),
      /multi_level_reward/,
    ],
  ])("refuses %s with one line and exit code 2", (_what, content, message) => {
    const run = replayFile(content);
    expect(run.status).toBe(2);
    expect(run.stdout).toBe("");
    const lines = run.stderr.trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(message);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it("refuses a missing file with exit code 2", () => {
    const run = spawnSync(process.execPath, [bin, "replay", join(dir, "nope.json")], { encoding: "utf8" });
    expect(run.status).toBe(2);
    expect(run.stderr.trim()).toMatch(/cannot read .*no such file/);
  });
});

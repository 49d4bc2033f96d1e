// checkInvariants must catch what it promises to catch: each case breaks one thing behind the
// engine's back and expects a named complaint.
import { describe, expect, it } from "vitest";
import { checkInvariants } from "@zengzhi/engine";
import { coreOf } from "./internal.js";
import { scenario } from "./test-helpers.js";

function book() {
  const s = scenario();
  s.ok({ type: "order", member: "m1", amount: "1000" });
  s.ok({ type: "order", member: "m2", amount: "1000" });
  s.ok({ type: "tipBuy", merchant: "shop", amount: "10" });
  expect(checkInvariants(s.engine)).toEqual([]);
  return s.engine;
}

describe("checkInvariants", () => {
  it("names cash created out of nothing", () => {
    const engine = book();
    coreOf(engine).members.get("m1")!.wallet += 1n;
    expect(checkInvariants(engine).join("\n")).toMatch(/wallets add up/);
    coreOf(engine).accounts.wallets += 1n;
    expect(checkInvariants(engine).join("\n")).toMatch(/cash not conserved/);
  });

  it("names points the supply does not account for", () => {
    const engine = book();
    const t = coreOf(engine).table;
    t.points[0] = t.points[0]! + 1n;
    expect(checkInvariants(engine).join("\n")).toMatch(/supply says/);
  });

  it("names a position that should have exited", () => {
    const engine = book();
    coreOf(engine).accounts.pool += 1_000_000n;
    coreOf(engine).accounts.financingIn += 1_000_000n;
    expect(checkInvariants(engine).join("\n")).toMatch(/qualify for a forced exit/);
  });

  it("names a position missing from the exit index", () => {
    const engine = book();
    coreOf(engine).table.version[1]!++;
    expect(checkInvariants(engine).join("\n")).toMatch(/position 2 is missing from the exit index/);
  });

  it("names a negative balance", () => {
    const engine = book();
    coreOf(engine).merchants.get("shop")!.points = -1n;
    expect(checkInvariants(engine).join("\n")).toMatch(/merchant shop points are negative/);
  });
});

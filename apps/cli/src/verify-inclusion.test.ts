// `zengzhi verify-inclusion`: a proof built by the engine's tree verifies (exit 0), a tampered one is
// refused with its reason (exit 1), a missing file or argument is a usage error (exit 2).
import {
  MerkleSumTree,
  PROOF_FORMAT,
  bytesToHex,
  memberSalt,
  type InclusionProof,
  type LiabilityLeaf,
} from "@zengzhi/engine";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { main } from "./main.js";

function capture() {
  let out = "";
  let err = "";
  vi.spyOn(process.stdout, "write").mockImplementation((chunk) => ((out += String(chunk)), true));
  vi.spyOn(process.stderr, "write").mockImplementation((chunk) => ((err += String(chunk)), true));
  return { out: () => out, err: () => err };
}

afterEach(() => {
  vi.restoreAllMocks();
});

function proofFile(edit: (proof: InclusionProof) => InclusionProof = (p) => p) {
  const key = new TextEncoder().encode("cli test key");
  const leaves: LiabilityLeaf[] = ["a", "b", "c", "d", "e"].map((member, i) => ({
    member,
    salt: memberSalt(key, { tenant: "shop", day: 4, member }),
    cash: BigInt(1000 * (i + 1)),
    points: BigInt(10 ** 8 * i),
  }));
  const tree = MerkleSumTree.build(leaves);
  const root = tree.root();
  const leaf = leaves[2]!;
  const proof: InclusionProof = {
    format: PROOF_FORMAT,
    tenant: "shop",
    day: 4,
    member: leaf.member,
    salt: bytesToHex(leaf.salt),
    cash: String(leaf.cash),
    points: String(leaf.points),
    path: tree.path(leaf.member)!,
    root: { hash: bytesToHex(root.hash), cash: String(root.cash), points: String(root.points) },
  };
  const file = join(mkdtempSync(join(tmpdir(), "zengzhi-proof-")), "proof.json");
  writeFileSync(file, JSON.stringify(edit(proof)));
  return { file, root: bytesToHex(root.hash) };
}

describe("zengzhi verify-inclusion", () => {
  it("accepts a proof that leads to the root and prints the member's and the totals' sums", async () => {
    const { file, root } = proofFile();
    const io = capture();
    expect(await main(["verify-inclusion", file, root])).toBe(0);
    expect(io.out()).toContain(`OK: member c is included in root ${root} (day 4)`);
    expect(io.out()).toContain("member's liabilities: cash 30.00, points 2.00000000");
    expect(io.out()).toContain("all members' totals:  cash 150.00, points 10.00000000");
  });

  it("refuses a tampered leaf, a tampered sibling and a negative sum with exit code 1", async () => {
    const cases: [(p: InclusionProof) => InclusionProof, string][] = [
      [(p) => ({ ...p, cash: "3001" }), "proof_root_mismatch"],
      [(p) => ({ ...p, path: [{ ...p.path[0]!, points: "1" }, ...p.path.slice(1)] }), "proof_root_mismatch"],
      [(p) => ({ ...p, path: [{ ...p.path[0]!, cash: "-1000" }, ...p.path.slice(1)] }), "proof_negative_sum"],
    ];
    for (const [edit, code] of cases) {
      const { file, root } = proofFile(edit);
      const io = capture();
      expect(await main(["verify-inclusion", file, root])).toBe(1);
      expect(io.err()).toContain(`REFUSED (${code})`);
      vi.restoreAllMocks();
    }
    const { file } = proofFile();
    const io = capture();
    expect(await main(["verify-inclusion", file, "ab".repeat(32)])).toBe(1);
    expect(io.err()).toContain("proof_root_mismatch");
  });

  it("answers usage errors with exit code 2", async () => {
    const io = capture();
    expect(await main(["verify-inclusion", "/nonexistent/proof.json", "00".repeat(32)])).toBe(2);
    expect(io.err()).toContain("no such file");
    expect(await main(["verify-inclusion"])).toBe(2);
    expect(io.err()).toContain("usage: zengzhi verify-inclusion PROOF.json ROOT");
  });
});

// Proof of liabilities: every member's proof leads to the root and its totals; a changed leaf, sum or
// sibling, a negative sum or a malformed proof is refused.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type InclusionProof,
  type LiabilityLeaf,
  MerkleSumTree,
  PROOF_FORMAT,
  emptyRoot,
  memberSalt,
  verifyInclusion,
} from "./merkle-sum.js";
import { bytesToHex } from "./sha256.js";

const key = new TextEncoder().encode("tenant secret for tests");

function leavesOf(sums: readonly [bigint, bigint][]): LiabilityLeaf[] {
  return sums.map(([cash, points], i) => {
    const member = `m${i}`;
    return { member, salt: memberSalt(key, { tenant: "t", day: 3, member }), cash, points };
  });
}

function proofOf(tree: MerkleSumTree, leaf: LiabilityLeaf): InclusionProof {
  const root = tree.root();
  return {
    format: PROOF_FORMAT,
    tenant: "t",
    day: 3,
    member: leaf.member,
    salt: bytesToHex(leaf.salt),
    cash: String(leaf.cash),
    points: String(leaf.points),
    path: tree.path(leaf.member)!,
    root: { hash: bytesToHex(root.hash), cash: String(root.cash), points: String(root.points) },
  };
}

const sums = fc.array(
  fc.tuple(fc.bigInt({ min: 0n, max: 10n ** 15n }), fc.bigInt({ min: 0n, max: 10n ** 20n })),
  {
    minLength: 1,
    maxLength: 40,
  },
);

describe("MerkleSumTree", () => {
  it("every member's proof verifies against the root, with the tree's totals", () => {
    fc.assert(
      fc.property(sums, (rows) => {
        const leaves = leavesOf(rows);
        const tree = MerkleSumTree.build(leaves);
        const root = tree.root();
        expect(root.cash).toBe(rows.reduce((a, [c]) => a + c, 0n));
        expect(root.points).toBe(rows.reduce((a, [, p]) => a + p, 0n));
        for (const leaf of leaves) {
          const check = verifyInclusion(proofOf(tree, leaf), bytesToHex(root.hash));
          expect(check).toEqual({
            ok: true,
            root: bytesToHex(root.hash),
            cash: root.cash,
            points: root.points,
          });
        }
      }),
      { numRuns: 60 },
    );
  });

  it("refuses a proof whose leaf, leaf sum, sibling hash or sibling sum was changed", () => {
    fc.assert(
      fc.property(
        sums.filter((rows) => rows.length >= 2),
        fc.nat(),
        fc.nat(4),
        (rows, pick, what) => {
          const leaves = leavesOf(rows);
          const tree = MerkleSumTree.build(leaves);
          const leaf = leaves[pick % leaves.length]!;
          const proof = proofOf(tree, leaf);
          const step = proof.path[pick % proof.path.length]!;
          const bump = (s: string) => String(BigInt(s) + 1n);
          const flip = (h: string) => (h[0] === "0" ? "1" : "0") + h.slice(1);
          const tampered: InclusionProof[] = [
            { ...proof, cash: bump(proof.cash) },
            { ...proof, points: bump(proof.points) },
            { ...proof, member: `${proof.member}x` },
            { ...proof, path: proof.path.map((s) => (s === step ? { ...s, hash: flip(s.hash) } : s)) },
            { ...proof, path: proof.path.map((s) => (s === step ? { ...s, cash: bump(s.cash) } : s)) },
          ];
          const check = verifyInclusion(tampered[what], proof.root.hash);
          expect(check.ok).toBe(false);
          if (!check.ok) expect(check.code).toBe("proof_root_mismatch");
        },
      ),
      { numRuns: 100 },
    );
  });

  it("refuses negative sums before hashing, in the leaf or in a sibling", () => {
    const leaves = leavesOf([
      [5n, 1n],
      [7n, 2n],
      [9n, 3n],
    ]);
    const tree = MerkleSumTree.build(leaves);
    const proof = proofOf(tree, leaves[0]!);
    const negativeSibling = { ...proof, path: [{ ...proof.path[0]!, cash: "-7" }, ...proof.path.slice(1)] };
    for (const bad of [{ ...proof, cash: "-5" }, { ...proof, points: "-1" }, negativeSibling]) {
      const check = verifyInclusion(bad, proof.root.hash);
      expect(check.ok ? "accepted" : check.code).toBe("proof_negative_sum");
    }
  });

  it("refuses stated totals that are not the tree's sums, and malformed proofs", () => {
    const leaves = leavesOf([
      [1n, 1n],
      [2n, 2n],
    ]);
    const tree = MerkleSumTree.build(leaves);
    const proof = proofOf(tree, leaves[1]!);
    const code = (p: unknown, root = proof.root.hash) => {
      const check = verifyInclusion(p, root);
      return check.ok ? "accepted" : check.code;
    };
    expect(code(proof)).toBe("accepted");
    expect(code({ ...proof, root: { ...proof.root, cash: "4" } })).toBe("proof_totals_mismatch");
    expect(code({ ...proof, format: "other" })).toBe("proof_malformed");
    expect(code({ ...proof, salt: "00" })).toBe("proof_malformed");
    expect(code({ ...proof, cash: "1.5" })).toBe("proof_malformed");
    expect(code({ ...proof, cash: String(1n << 128n) })).toBe("proof_malformed");
    expect(code({ ...proof, path: [{ side: "up", hash: "00", cash: "0", points: "0" }] })).toBe(
      "proof_malformed",
    );
    expect(code(proof, "not hex")).toBe("proof_malformed");
    expect(code(null)).toBe("proof_malformed");
  });

  it("joins a last odd node upward unchanged and has a fixed empty root", () => {
    const leaves = leavesOf([
      [1n, 0n],
      [2n, 0n],
      [3n, 0n],
    ]);
    const tree = MerkleSumTree.build(leaves);
    const lengths = leaves.map((leaf) => tree.path(leaf.member)!.length).sort();
    expect(lengths).toEqual([1, 2, 2]);
    expect(tree.path("nobody")).toBeUndefined();
    expect(bytesToHex(MerkleSumTree.build([]).root().hash)).toBe(bytesToHex(emptyRoot().hash));
  });

  it("gives each member a different salt every day, reproducible from the key", () => {
    const a = memberSalt(key, { tenant: "t", day: 1, member: "a" });
    expect(bytesToHex(a)).toBe(bytesToHex(memberSalt(key, { tenant: "t", day: 1, member: "a" })));
    expect(bytesToHex(a)).not.toBe(bytesToHex(memberSalt(key, { tenant: "t", day: 2, member: "a" })));
    expect(bytesToHex(a)).not.toBe(bytesToHex(memberSalt(key, { tenant: "t", day: 1, member: "b" })));
  });
});

/**
 * Proof of liabilities: a Merkle-sum tree over every member's liabilities (cash: wallet plus pending
 * withdrawals, in fen; points: open positions, in 1e-8 points), its inclusion proofs and their
 * verifier. Pure TypeScript over `sha256.ts`, so the server, `zengzhi verify-inclusion` and the
 * member's browser run the same code. docs/TRANSPARENCY.md specifies the bytes.
 */
import { bytesToHex, hexToBytes, hmacSha256, sha256 } from "./sha256.js";

export const PROOF_FORMAT = "zengzhi-liabilities-v1";
/** Sums are encoded as 128-bit unsigned big-endian integers; anything outside 0 … 2^128 − 1 is refused. */
export const SUM_MAX = (1n << 128n) - 1n;
/** A proof never needs more steps than this (2^64 leaves). */
export const PROOF_DEPTH_MAX = 64;
const MEMBER_BYTES_MAX = 0xffff;

export type Hash = (bytes: Uint8Array) => Uint8Array;

export interface LiabilityLeaf {
  readonly member: string;
  /** 32 bytes, secret to the member: without it a leaf cannot be recomputed or guessed. */
  readonly salt: Uint8Array;
  /** fen */
  readonly cash: bigint;
  /** 1e-8 points */
  readonly points: bigint;
}

export interface SumNode {
  readonly hash: Uint8Array;
  readonly cash: bigint;
  readonly points: bigint;
}

/** One step up the tree: the sibling's hash and sums, and on which side of the path it lies. */
export interface ProofStep {
  readonly side: "left" | "right";
  readonly hash: string;
  readonly cash: string;
  readonly points: string;
}

/** What a member receives: everything needed to recompute the root from their own leaf. */
export interface InclusionProof {
  readonly format: typeof PROOF_FORMAT;
  readonly tenant: string;
  /** The engine day the tree was taken at (the close). */
  readonly day: number;
  readonly member: string;
  /** 64 hex digits */
  readonly salt: string;
  /** fen, a decimal integer */
  readonly cash: string;
  /** 1e-8 points, a decimal integer */
  readonly points: string;
  readonly path: readonly ProofStep[];
  /** The published root: hash (64 hex digits) and totals (decimal integers, fen and 1e-8 points). */
  readonly root: { readonly hash: string; readonly cash: string; readonly points: string };
}

export type InclusionCheck =
  | { ok: true; root: string; cash: bigint; points: bigint }
  | { ok: false; code: InclusionFailure; message: string };

export type InclusionFailure =
  "proof_malformed" | "proof_negative_sum" | "proof_root_mismatch" | "proof_totals_mismatch";

const encoder = new TextEncoder();

function writeSum(out: Uint8Array, offset: number, value: bigint): void {
  if (value < 0n || value > SUM_MAX) throw new RangeError("a sum must lie in 0 … 2^128 − 1");
  let v = value;
  for (let i = 15; i >= 0; i--) {
    out[offset + i] = Number(v & 0xffn);
    v >>= 8n;
  }
}

/** SHA-256(0x00 ‖ salt[32] ‖ u16 length ‖ member UTF-8 ‖ u128 cash ‖ u128 points), big-endian. */
export function leafNode(leaf: LiabilityLeaf, hash: Hash = sha256): SumNode {
  const id = encoder.encode(leaf.member);
  if (leaf.salt.length !== 32 || id.length > MEMBER_BYTES_MAX) throw new RangeError("bad leaf");
  const bytes = new Uint8Array(1 + 32 + 2 + id.length + 32);
  bytes[0] = 0x00;
  bytes.set(leaf.salt, 1);
  bytes[33] = id.length >> 8;
  bytes[34] = id.length & 0xff;
  bytes.set(id, 35);
  writeSum(bytes, 35 + id.length, leaf.cash);
  writeSum(bytes, 51 + id.length, leaf.points);
  return { hash: hash(bytes), cash: leaf.cash, points: leaf.points };
}

/** SHA-256(0x01 ‖ left hash ‖ u128 left cash ‖ u128 left points ‖ right hash ‖ u128 … ‖ u128 …). */
export function parentNode(left: SumNode, right: SumNode, hash: Hash = sha256): SumNode {
  const bytes = new Uint8Array(1 + 2 * 64);
  bytes[0] = 0x01;
  bytes.set(left.hash, 1);
  writeSum(bytes, 33, left.cash);
  writeSum(bytes, 49, left.points);
  bytes.set(right.hash, 65);
  writeSum(bytes, 97, right.cash);
  writeSum(bytes, 113, right.points);
  return { hash: hash(bytes), cash: left.cash + right.cash, points: left.points + right.points };
}

/** The root of a tree without leaves: SHA-256(0x02), sums 0. */
export function emptyRoot(hash: Hash = sha256): SumNode {
  return { hash: hash(Uint8Array.of(0x02)), cash: 0n, points: 0n };
}

/**
 * A member's salt: HMAC-SHA-256(key, "zengzhi-liability-salt-v1" 0x00 tenant 0x00 day 0x00 member).
 * Reproducible by whoever holds the key, unguessable to everyone else, new every day.
 */
export function memberSalt(key: Uint8Array, at: SaltInput): Uint8Array {
  return hmacSha256(key, memberSaltMessage(at));
}

export interface SaltInput {
  readonly tenant: string;
  readonly day: number;
  readonly member: string;
}

/** The message `memberSalt` authenticates, for callers with a faster HMAC of their own. */
export function memberSaltMessage(at: SaltInput): Uint8Array {
  return encoder.encode(`zengzhi-liability-salt-v1\u0000${at.tenant}\u0000${at.day}\u0000${at.member}`);
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return 0;
}

/**
 * The tree: leaves ordered by their hash (so a leaf's neighbours are unrelated members, not the ones
 * who joined next to it); at every level pairs are joined left to right and a last odd node moves up
 * unchanged.
 */
export class MerkleSumTree {
  readonly #levels: SumNode[][];
  readonly #leafIndex = new Map<string, number>();

  private constructor(levels: SumNode[][], members: string[]) {
    this.#levels = levels;
    members.forEach((member, i) => this.#leafIndex.set(member, i));
  }

  static build(leaves: readonly LiabilityLeaf[], hash: Hash = sha256): MerkleSumTree {
    const nodes = leaves.map((leaf) => ({ member: leaf.member, node: leafNode(leaf, hash) }));
    nodes.sort((a, b) => compareBytes(a.node.hash, b.node.hash));
    const levels: SumNode[][] = [nodes.map((n) => n.node)];
    for (let level = levels[0]!; level.length > 1;) {
      const next: SumNode[] = [];
      for (let i = 0; i + 1 < level.length; i += 2) next.push(parentNode(level[i]!, level[i + 1]!, hash));
      if (level.length % 2 === 1) next.push(level[level.length - 1]!);
      levels.push(next);
      level = next;
    }
    return new MerkleSumTree(
      levels,
      nodes.map((n) => n.member),
    );
  }

  get size(): number {
    return this.#levels[0]!.length;
  }

  root(hash: Hash = sha256): SumNode {
    const top = this.#levels[this.#levels.length - 1]!;
    return top[0] ?? emptyRoot(hash);
  }

  /** The siblings from a member's leaf to the root, or undefined for a member not in the tree. */
  path(member: string): ProofStep[] | undefined {
    let index = this.#leafIndex.get(member);
    if (index === undefined) return undefined;
    const steps: ProofStep[] = [];
    for (let level = 0; level < this.#levels.length - 1; level++) {
      const nodes = this.#levels[level]!;
      const siblingIndex = index % 2 === 0 ? index + 1 : index - 1;
      const sibling = nodes[siblingIndex];
      if (sibling !== undefined) {
        steps.push({
          side: index % 2 === 0 ? "right" : "left",
          hash: bytesToHex(sibling.hash),
          cash: String(sibling.cash),
          points: String(sibling.points),
        });
      }
      index = Math.floor(index / 2);
    }
    return steps;
  }
}

const fail = (code: InclusionFailure, message: string): InclusionCheck => ({ ok: false, code, message });

/** A sum as written in a proof: a decimal integer without sign, in range; "negative" for a minus sign. */
function parseSum(value: unknown): bigint | "negative" | undefined {
  if (typeof value !== "string") return undefined;
  if (/^-\s*[0-9]+$/.test(value.trim())) return "negative";
  if (!/^[0-9]{1,40}$/.test(value)) return undefined;
  const sum = BigInt(value);
  return sum <= SUM_MAX ? sum : undefined;
}

function parseNode(hashHex: unknown, cash: unknown, points: unknown): SumNode | InclusionCheck {
  const hash = typeof hashHex === "string" && hashHex.length === 64 ? hexToBytes(hashHex) : undefined;
  const c = parseSum(cash);
  const p = parseSum(points);
  if (c === "negative" || p === "negative")
    return fail("proof_negative_sum", "a sum in the proof is negative");
  if (hash === undefined || c === undefined || p === undefined)
    return fail("proof_malformed", "a hash or sum in the proof is not well formed");
  return { hash, cash: c, points: p };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Recomputes the root from the member's leaf and the path (the shape is checked, nothing trusted). */
function foldPath(proof: Record<string, unknown>, hash: Hash): SumNode | InclusionCheck {
  const salt =
    typeof proof.salt === "string" && proof.salt.length === 64 ? hexToBytes(proof.salt) : undefined;
  const cash = parseSum(proof.cash);
  const points = parseSum(proof.points);
  const path = proof.path;
  if (cash === "negative" || points === "negative")
    return fail("proof_negative_sum", "the leaf's sum is negative");
  if (typeof proof.member !== "string" || salt === undefined || cash === undefined || points === undefined)
    return fail("proof_malformed", "the leaf (member, salt, cash, points) is not well formed");
  if (!Array.isArray(path) || path.length > PROOF_DEPTH_MAX)
    return fail("proof_malformed", "the path is not a list of at most 64 steps");
  let node = leafNode({ member: proof.member, salt, cash, points }, hash);
  for (const step of path as unknown[]) {
    if (!isRecord(step) || (step.side !== "left" && step.side !== "right"))
      return fail("proof_malformed", "a step of the path is not well formed");
    const sibling = parseNode(step.hash, step.cash, step.points);
    if ("ok" in sibling) return sibling;
    const joined = step.side === "left" ? [sibling, node] : [node, sibling];
    if (joined[0]!.cash + joined[1]!.cash > SUM_MAX || joined[0]!.points + joined[1]!.points > SUM_MAX)
      return fail("proof_malformed", "a sum in the path overflows");
    node = parentNode(joined[0]!, joined[1]!, hash);
  }
  return node;
}

/**
 * Checks an inclusion proof (any JSON value) against a published root hash (64 hex digits): the
 * member's leaf, hashed and joined with every sibling, must give exactly that root, and the totals the
 * proof states must be the sums that come out. Refuses negative or out-of-range sums anywhere.
 */
export function verifyInclusion(proof: unknown, rootHex: string, hash: Hash = sha256): InclusionCheck {
  if (!isRecord(proof) || proof.format !== PROOF_FORMAT)
    return fail("proof_malformed", `the proof is not a ${PROOF_FORMAT} object`);
  const expected = rootHex.trim().toLowerCase();
  if (!/^[0-9a-f]{64}$/.test(expected)) return fail("proof_malformed", "the root is not 64 hex digits");
  const node = foldPath(proof, hash);
  if ("ok" in node) return node;
  const computed = bytesToHex(node.hash);
  if (computed !== expected)
    return fail("proof_root_mismatch", "the proof does not lead to this root: the leaf or a sibling differs");
  const root = proof.root;
  if (!isRecord(root)) return fail("proof_malformed", "the proof states no root totals");
  if (root.cash !== String(node.cash) || root.points !== String(node.points))
    return fail("proof_totals_mismatch", "the totals stated in the proof are not the sums of the tree");
  return { ok: true, root: computed, cash: node.cash, points: node.points };
}

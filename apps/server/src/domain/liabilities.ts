/**
 * Proof of liabilities (issue 14, docs/TRANSPARENCY.md): at each day's close the engine's member
 * liabilities become a Merkle-sum tree whose root, totals and the close's pool inflow are stored; a
 * member fetches their inclusion proof; operators attach bank or escrow statements.
 */
import { createHash, createHmac, randomBytes } from "node:crypto";
import { gunzipSync, gzipSync } from "node:zlib";
import {
  type LiabilityLeaf,
  type MemberLiability,
  MerkleSumTree,
  MONEY_DECIMALS,
  PROOF_FORMAT,
  type RuleSet,
  bytesToHex,
  DecimalError,
  formatMoney,
  hexToBytes,
  memberSaltMessage,
  parseCommand,
  parseDecimal,
  poolInflow,
} from "@zengzhi/engine";
import {
  insertCustodyStatement,
  insertLiabilityRoot,
  selectJournalRows,
  selectLatestLeaves,
  selectOrInsertSaltKey,
  selectPreviousAdvanceSeq,
  selectPreviousCloseSeq,
  pruneLiabilityLeaves,
} from "../db/transparency.js";
import { LIMITS } from "../limits.js";
import type { Session } from "./auth.js";
import { ApiError } from "./errors.js";
import { type RequestKey, once } from "./idempotency.js";
import type { Services } from "./services.js";

const nodeSha256 = (bytes: Uint8Array): Uint8Array => createHash("sha256").update(bytes).digest();

/** The latest close's tree per tenant, so a member's proof does not rebuild it. */
const trees = new WeakMap<
  Services,
  Map<string, { day: number; tree: MerkleSumTree; leaves: LiabilityLeaf[] }>
>();

function treeCache(services: Services) {
  let cache = trees.get(services);
  if (cache === undefined) trees.set(services, (cache = new Map()));
  return cache;
}

async function saltKey(services: Services, tenant: string): Promise<Uint8Array> {
  const hex = await selectOrInsertSaltKey(services.sql, tenant, randomBytes(32).toString("hex"));
  return hexToBytes(hex)!;
}

function leavesWithSalts(
  key: Uint8Array,
  at: { tenant: string; day: number },
  members: readonly MemberLiability[],
): LiabilityLeaf[] {
  return members.map((m) => ({
    member: m.member,
    cash: m.cash,
    points: m.points,
    salt: createHmac("sha256", key)
      .update(memberSaltMessage({ tenant: at.tenant, day: at.day, member: m.member }))
      .digest(),
  }));
}

/**
 * Cash the accepted commands after `after` through `through` brought into the pool. An online order
 * counts when paid; its refund inside the same range takes it back out.
 */
async function poolInflowOfRange(
  services: Services,
  tenant: string,
  range: { after: number; through: number; rules: Readonly<RuleSet> },
): Promise<bigint> {
  const paid = new Map<number, bigint>();
  let total = 0n;
  for (let after = range.after; after < range.through;) {
    const rows = await selectJournalRows(services.sql, tenant, {
      after,
      through: range.through,
      limit: LIMITS.journalScanPageMax,
    });
    if (rows.length === 0) break;
    for (const row of rows) {
      if ((JSON.parse(row.result) as { ok?: unknown }).ok !== true) continue;
      const command = parseCommand(JSON.parse(row.command));
      const inflow = poolInflow(command, range.rules);
      if (command.type === "orderPaid") paid.set(command.order, inflow);
      if (command.type === "orderRefund") total -= paid.get(command.order) ?? 0n;
      total += inflow;
    }
    after = rows[rows.length - 1]!.seq;
  }
  return total < 0n ? 0n : total;
}

/** After the day's close (the advance at `seq`): stores the root, totals, inflow and leaves. */
export async function recordLiabilities(
  services: Services,
  tenant: string,
  close: { seq: number; days: number },
): Promise<void> {
  const state = await services.gateway.read(tenant, (engine) => ({
    day: engine.day,
    rules: engine.rules,
    members: engine.liabilities(),
  }));
  const key = await saltKey(services, tenant);
  const leaves = leavesWithSalts(key, { tenant, day: state.day }, state.members);
  const tree = MerkleSumTree.build(leaves, nodeSha256);
  const root = tree.root(nodeSha256);
  const after =
    (await selectPreviousCloseSeq(services.sql, tenant, state.day)) ??
    (await selectPreviousAdvanceSeq(services.sql, tenant, close.seq));
  const inflow = await poolInflowOfRange(services, tenant, { after, through: close.seq, rules: state.rules });
  const packed = state.members.map((m) => [m.member, String(m.cash), String(m.points)]);
  await insertLiabilityRoot(services.sql, tenant, {
    day: state.day,
    closedAt: new Date(services.now()).toISOString(),
    days: close.days,
    seq: close.seq,
    root: bytesToHex(root.hash),
    cashFen: root.cash,
    points: root.points,
    members: leaves.length,
    poolInflowFen: inflow,
    leaves: gzipSync(JSON.stringify(packed)),
  });
  await pruneLiabilityLeaves(services.sql, tenant, LIMITS.liabilityLeavesKeptMax);
  treeCache(services).delete(tenant);
}

async function latestTree(services: Services, tenant: string) {
  const stored = await selectLatestLeaves(services.sql, tenant);
  if (stored === undefined) return undefined;
  const cached = treeCache(services).get(tenant);
  if (cached?.day === stored.day) return { ...cached, root: stored };
  const packed = JSON.parse(gunzipSync(stored.leaves).toString("utf8")) as [string, string, string][];
  const members = packed.map(([member, cash, points]) => ({
    member,
    cash: BigInt(cash),
    points: BigInt(points),
  }));
  const leaves = leavesWithSalts(await saltKey(services, tenant), { tenant, day: stored.day }, members);
  const entry = { day: stored.day, tree: MerkleSumTree.build(leaves, nodeSha256), leaves };
  treeCache(services).set(tenant, entry);
  return { ...entry, root: stored };
}

/** The member's inclusion proof in the latest close that still has its leaves. */
export async function readLiabilityProof(services: Services, session: Session) {
  const tenant = session.tenant;
  const member = session.memberId!;
  const latest = await latestTree(services, tenant);
  const leaf = latest?.leaves.find((l) => l.member === member);
  const path = leaf === undefined ? undefined : latest?.tree.path(member);
  if (latest === undefined || leaf === undefined || path === undefined)
    throw new ApiError(404, "liabilities_not_published", "no day has been closed since you joined");
  return {
    format: PROOF_FORMAT,
    tenant,
    day: latest.day,
    member,
    salt: bytesToHex(leaf.salt),
    cash: String(leaf.cash),
    points: String(leaf.points),
    path,
    root: { hash: latest.root.root, cash: String(latest.root.cashFen), points: String(latest.root.points) },
  };
}

/** Money in yuan, 0 or more (the same checks as reconciliation's balance). */
function parseBalance(text: string, field: string): bigint {
  let amount: bigint;
  try {
    amount = parseDecimal(text.trim(), MONEY_DECIMALS);
  } catch (error) {
    const code = error instanceof DecimalError ? error.code : "not_a_decimal";
    throw new ApiError(400, code, (error as Error).message, field);
  }
  if (amount < 0n || amount > LIMITS.amountFenMax * 1000n)
    throw new ApiError(400, "out_of_range", "the amount is out of range", field);
  return amount;
}

/** An operator attaches a bank or escrow statement; the public page shows the newest. */
export function recordCustodyStatement(
  services: Services,
  request: { session: Session; key: RequestKey },
  input: { amount: string; date: string; reference: string },
) {
  const { session } = request;
  return once(services.sql, { tenant: session.tenant, key: request.key }, async () => ({
    status: 201,
    body: await attachStatement(services, session, input),
  }));
}

async function attachStatement(
  services: Services,
  session: Session,
  input: { amount: string; date: string; reference: string },
) {
  const amountFen = parseBalance(input.amount, "amount");
  const row = {
    amountFen,
    date: input.date,
    reference: input.reference.trim(),
    attachedAt: new Date(services.now()).toISOString(),
  };
  await insertCustodyStatement(services.sql, session.tenant, { ...row, attachedBy: session.id });
  await services.audit.recordBy(session, {
    action: "custody-statement",
    target: null,
    detail: { amount: formatMoney(amountFen), date: row.date, reference: row.reference },
  });
  return {
    amount: formatMoney(amountFen),
    date: row.date,
    reference: row.reference,
    attachedAt: row.attachedAt,
  };
}

/**
 * Previews from the live state: fork the engine (fork.ts), apply the operator's commands to the
 * copy, and answer what they would do — positions force-exited and their owners, cash into wallets,
 * price, pool and supply before and after, subsidy used — with the state digest the real commands
 * must carry. The live state is never written.
 */
import { type EngineCore } from "./core.js";
import { forkCore } from "./fork.js";
import { stateDigest } from "./state-digest.js";
import { POSITION_OPEN, type Command, type Outcome, type Rejection } from "./types.js";

/** Most exited positions and most credited members a preview lists (the counts cover them all). */
export const PREVIEW_LIST_MAX = 100;

export interface PreviewFigures {
  day: number;
  /** 1e-8 yuan per point, rounded down */
  price: bigint;
  /** fen */
  pool: bigint;
  /** 1e-8 points */
  supply: bigint;
  /** fen in all members' wallets */
  wallets: bigint;
  /** fen left in the subsidy budget */
  subsidyBudget: bigint;
  openPositions: number;
  listed: boolean;
}

export interface PreviewExit {
  position: number;
  member: string;
  /** fen the position spent */
  spend: bigint;
  /** fen its points fetched (gross, before any exit fee) */
  proceeds: bigint;
}

export interface PreviewCredit {
  member: string;
  /** fen into the member's wallet (net of withdrawals the commands reject back) */
  cash: bigint;
}

export interface ActionPreview {
  /** The digest of the state previewed: the real commands carry it as `expect`. */
  stateHash: string;
  /** Index of the first command the engine would refuse, with its rejection (null: all accepted). */
  refused: { index: number; rejection: Rejection } | null;
  before: PreviewFigures;
  after: PreviewFigures;
  exits: { count: number; owners: number; positions: PreviewExit[] };
  /** Positions that would close without an exit (listing converts them to shares). */
  closed: number;
  credits: { members: number; cash: bigint; top: PreviewCredit[] };
  /** fen of subsidy budget the commands would pay out */
  subsidyUsed: bigint;
  /** Online orders whose refund window would end (settled as orders) */
  settledOrders: number;
  periodReset: boolean;
}

function figures(core: EngineCore): PreviewFigures {
  let open = 0;
  const status = core.table.status;
  for (let i = 0; i < core.table.length; i++) if (status[i] === POSITION_OPEN) open++;
  return {
    day: core.day,
    price: core.priceUnits(),
    pool: core.accounts.pool,
    supply: core.supply,
    wallets: core.accounts.wallets,
    subsidyBudget: core.accounts.subsidyBudget,
    openPositions: open,
    listed: core.listed,
  };
}

interface Applied {
  refused: ActionPreview["refused"];
  exits: number[];
  subsidyUsed: bigint;
  settledOrders: number;
  periodReset: boolean;
}

function withoutExpect(command: Command): Command {
  if (!("expect" in command)) return command;
  const copy = { ...command };
  delete copy.expect;
  return copy;
}

function applyAll(fork: EngineCore, commands: readonly Command[]): Applied {
  const applied: Applied = {
    refused: null,
    exits: [],
    subsidyUsed: 0n,
    settledOrders: 0,
    periodReset: false,
  };
  for (const [index, command] of commands.entries()) {
    const budget = fork.accounts.subsidyBudget + (command.type === "financing" ? command.toSubsidy : 0n);
    const result = fork.apply(withoutExpect(command));
    if (!result.ok) {
      applied.refused = { index, rejection: result.rejection };
      return applied;
    }
    const outcome: Outcome = result;
    for (const id of outcome.exits ?? []) applied.exits.push(id);
    applied.subsidyUsed += budget - fork.accounts.subsidyBudget;
    applied.settledOrders += outcome.settled?.length ?? 0;
    if (outcome.reset === true) applied.periodReset = true;
  }
  return applied;
}

/** Exited positions (listed up to listMax) and the number of distinct owners. */
function exitsOf(live: EngineCore, fork: EngineCore, ids: readonly number[], listMax: number) {
  const seen = new Uint8Array(fork.memberList.length);
  let owners = 0;
  const positions: PreviewExit[] = [];
  for (const id of ids) {
    const i = id - 1;
    const m = fork.table.member[i]!;
    if (seen[m] === 0) {
      seen[m] = 1;
      owners++;
    }
    if (positions.length < listMax) {
      const before = i < live.table.length ? live.table.soldGrossOf(i) : 0n;
      positions.push({
        position: id,
        member: fork.memberList[m]!.id,
        spend: fork.table.spend[i]!,
        proceeds: fork.table.soldGrossOf(i) - before,
      });
    }
  }
  return { count: ids.length, owners, positions };
}

/** Members whose wallet would grow: only members the fork copied can differ from the live ones. */
function creditsOf(live: EngineCore, fork: EngineCore, listMax: number) {
  const credited: PreviewCredit[] = [];
  let cash = 0n;
  for (let k = 0; k < fork.memberList.length; k++) {
    const member = fork.memberList[k]!;
    const before = live.memberList[k];
    if (member === before) continue;
    const delta = member.wallet - (before?.wallet ?? 0n);
    if (delta <= 0n) continue;
    cash += delta;
    credited.push({ member: member.id, cash: delta });
  }
  // Most first. A float key sorts a quarter of a million credits without bigint comparisons; fen
  // amounts below 2^53 are exact as doubles, and equal keys keep creation order.
  const keyed = credited.map((credit, k) => ({ key: Number(credit.cash), k }));
  keyed.sort((x, y) => y.key - x.key || x.k - y.k);
  const top = keyed.slice(0, listMax).map(({ k }) => credited[k]!);
  return { members: credited.length, cash, top };
}

/**
 * What `commands`, applied in order from the live state, would do. Each command's `expect` is
 * ignored here (the preview answers the digest instead); a refused command stops the preview there.
 */
export function previewCommands(
  live: EngineCore,
  commands: readonly Command[],
  listMax = PREVIEW_LIST_MAX,
): ActionPreview {
  const stateHash = stateDigest(live);
  const before = figures(live);
  const fork = forkCore(live);
  const applied = applyAll(fork, commands);
  const after = figures(fork);
  const exits = exitsOf(live, fork, applied.exits, listMax);
  const opened = fork.table.length - live.table.length;
  return {
    stateHash,
    refused: applied.refused,
    before,
    after,
    exits,
    closed: before.openPositions + opened - after.openPositions - exits.count,
    credits: creditsOf(live, fork, listMax),
    subsidyUsed: applied.subsidyUsed,
    settledOrders: applied.settledOrders,
    periodReset: applied.periodReset,
  };
}

/**
 * Compact snapshots of the engine's state, for the ledger to store and restart from. Positions go out
 * as their columns (little-endian bytes in base64, one line each), members as arrays per field in a
 * JSON header line, so a snapshot costs a few bytes per position and no object per position. The text is canonical: equal
 * states give equal snapshots (locked points are brought up to date first, and fields that mean
 * nothing while nothing is locked are written in one fixed form).
 */
import { type PrepaidJson, prepaidToJson, restorePrepaid } from "./prepaid.js";
import { rebuildExitIndex } from "./sell.js";
import { releaseAll } from "./release.js";
import { formatHealth, formatMoney, formatPoints, parseDecimal } from "./decimal.js";
import type { Engine } from "./engine.js";
import { coreOf } from "./internal.js";
import { ruleSetToJson } from "./rules.js";
import {
  type EngineJson,
  type OnlineOrderJson,
  engineFromHeader,
  engineFromJson,
  onlineOrderToJson,
  restoreOnlineOrders,
} from "./state.js";
import { POSITION_OPEN, type Withdrawal } from "./types.js";

export const SNAPSHOT_FORMAT = "zengzhi-snapshot-2";

/** Accounts added to the format later: written only when not zero (restored as zero when absent). */
const LATER_ACCOUNTS = new Set(["ordersAwaitingSettlement", "ordersRefunded", "prepaidIn", "prepaidHeld"]);

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const DECODE = new Int16Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) DECODE[ALPHABET.charCodeAt(i)] = i;

const CODES = Uint8Array.from(ALPHABET, (c) => c.charCodeAt(0));
const ASCII = new TextDecoder("latin1");

/** Node's Buffer when present (native base64, several times faster); browsers use the code below. */
const NodeBuffer = (
  globalThis as {
    Buffer?: {
      from(buffer: ArrayBufferLike, offset: number, length: number): { toString(encoding: "base64"): string };
    };
  }
).Buffer;

/** Base64 of bytes. */
function toBase64(bytes: Uint8Array): string {
  // A view of the same memory: Buffer.from(bytes) would copy it first.
  if (NodeBuffer !== undefined)
    return NodeBuffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString("base64");
  return toBase64Portable(bytes);
}

/** Base64 of bytes without Buffer (the engine also runs in browsers). */
export function toBase64Portable(bytes: Uint8Array): string {
  const out = new Uint8Array(Math.ceil(bytes.length / 3) * 4);
  let o = 0;
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    out[o++] = CODES[n >> 18]!;
    out[o++] = CODES[(n >> 12) & 63]!;
    out[o++] = CODES[(n >> 6) & 63]!;
    out[o++] = CODES[n & 63]!;
  }
  const rest = bytes.length - i;
  if (rest > 0) {
    const n = (bytes[i]! << 16) | ((rest > 1 ? bytes[i + 1]! : 0) << 8);
    out[o++] = CODES[n >> 18]!;
    out[o++] = CODES[(n >> 12) & 63]!;
    out[o++] = rest > 1 ? CODES[(n >> 6) & 63]! : 61; // "="
    out[o] = 61;
  }
  return ASCII.decode(out);
}

function fromBase64(text: string): Uint8Array {
  const padding = text.endsWith("==") ? 2 : text.endsWith("=") ? 1 : 0;
  const bytes = new Uint8Array((text.length / 4) * 3 - padding);
  let o = 0;
  for (let i = 0; i < text.length; i += 4) {
    const n =
      (DECODE[text.charCodeAt(i)]! << 18) |
      (DECODE[text.charCodeAt(i + 1)]! << 12) |
      (Math.max(0, DECODE[text.charCodeAt(i + 2)]!) << 6) |
      Math.max(0, DECODE[text.charCodeAt(i + 3)]!);
    bytes[o++] = n >> 16;
    if (o < bytes.length) bytes[o++] = (n >> 8) & 255;
    if (o < bytes.length) bytes[o++] = n & 255;
  }
  return bytes;
}

type Column = Int32Array | BigInt64Array | Uint8Array;

/** The position columns a snapshot carries, in the order they are written. */
const COLUMNS = [
  "member",
  "spend",
  "points",
  "locked",
  "lockedOriginal",
  "day",
  "lockDay",
  "status",
  "flags",
  "closeReason",
  "previousOfMember",
] as const;

/**
 * Bytes of a column encoded per piece: a multiple of 3, so the pieces' base64 joins into one. 48 KiB
 * is 64 Ki characters of base64, the size of the ledger's snapshot parts, so a part is about one
 * piece and the ledger does not copy large joined strings to cut them.
 */
const PIECE_BYTES = 3 * 16 * 1024;

function restoreColumn(target: Column, text: string): void {
  const bytes = fromBase64(text);
  new Uint8Array(target.buffer, target.byteOffset, bytes.length).set(bytes);
}

/** The engine's state as compact canonical text (all pieces of `engineSnapshotPieces`, joined). */
export function engineSnapshot(engine: Engine): string {
  return [...engineSnapshotPieces(engine)].join("");
}

/**
 * The snapshot text piece by piece, so a caller can write it in small steps. The state is copied when
 * this is called (the position columns by a memory copy), so the engine may go on changing while the
 * pieces are produced. The text is one JSON header line, then one line `name=base64` per column.
 */
export function engineSnapshotPieces(engine: Engine): Generator<string> {
  const core = coreOf(engine);
  // Canonical form: release is brought up to date (it changes no balance, only when it is written down).
  releaseAll(core);
  const t = core.table;
  const n = t.length;
  const columns = copyColumns(engine, n);
  const sold: [number, string][] = [];
  for (let i = 0; i < n; i++) {
    const gross = t.soldGrossOf(i);
    if (gross !== 0n) sold.push([i, formatMoney(gross)]);
  }
  const header = JSON.stringify(snapshotHeader(engine, n, sold));
  return pieces(header, columns, n, engine);
}

/**
 * The first n elements of a BigInt64Array as 2n 32-bit halves (the same memory, no copy): a zero
 * test on the halves allocates nothing, where reading an element allocates a BigInt.
 */
function halves(column: BigInt64Array, n: number): Int32Array {
  return new Int32Array(column.buffer, column.byteOffset, 2 * n);
}

type Columns = Record<(typeof COLUMNS)[number], Column>;

/**
 * The copy of each engine's columns its last finished snapshot used, kept for the next one. Fresh
 * arrays for a 400,000-position copy are 22 MB of new memory: the page faults made the copy take
 * 12 ms, and the sudden external memory prompted a full GC, both a pause of the service.
 */
const spareColumns = new WeakMap<Engine, Columns>();

function copyColumns(engine: Engine, n: number): Columns {
  const spare = spareColumns.get(engine);
  spareColumns.delete(engine);
  const t = coreOf(engine).table;
  const columns = {} as Columns;
  for (const name of COLUMNS) {
    const source = t[name];
    let target = spare?.[name];
    if (target === undefined || target.length < n) {
      // Room for growth until the next snapshot, so the arrays are reused more than once.
      const Kind = source.constructor as new (length: number) => Column;
      target = new Kind(n + (n >> 2) + 1024);
    }
    (target as { set(source: Column): void }).set(source.subarray(0, n));
    columns[name] = target;
  }
  return columns;
}

function* pieces(header: string, columns: Columns, n: number, engine: Engine): Generator<string> {
  for (let at = 0; at < header.length; at += PIECE_BYTES) yield header.slice(at, at + PIECE_BYTES);
  // Fields that mean nothing while a position has nothing locked are written in one fixed form.
  const locked = halves(columns.locked as BigInt64Array, n);
  const lockDay = columns.lockDay as Int32Array;
  const day = columns.day as Int32Array;
  for (let i = 0; i < n; i++) if (locked[2 * i] === 0 && locked[2 * i + 1] === 0) lockDay[i] = day[i]!;
  for (const name of COLUMNS) {
    const column = columns[name];
    const bytes = new Uint8Array(column.buffer, column.byteOffset, n * column.BYTES_PER_ELEMENT);
    let prefix = `\n${name}=`;
    for (let at = 0; at < bytes.length || at === 0; at += PIECE_BYTES) {
      yield prefix + toBase64(bytes.subarray(at, at + PIECE_BYTES));
      prefix = "";
    }
  }
  spareColumns.set(engine, columns);
}

function snapshotHeader(engine: Engine, count: number, sold: [number, string][]) {
  const core = coreOf(engine);
  const members = core.memberList;
  return {
    format: SNAPSHOT_FORMAT,
    day: core.day,
    period: core.period,
    listed: core.listed,
    supply: formatPoints(core.supply),
    rules: ruleSetToJson(core.rules),
    // Accounts and fields added after the format was fixed appear only once they hold something, so
    // a state that never used them snapshots to the same bytes as before (verify compares them).
    accounts: Object.fromEntries(
      Object.entries(core.accounts)
        .filter(([k, v]) => v !== 0n || !LATER_ACCOUNTS.has(k))
        .map(([k, v]) => [k, formatMoney(v as bigint)]),
    ),
    coins: { imported: formatMoney(core.coins.imported), redeemed: formatMoney(core.coins.redeemed) },
    merchants: [...core.merchants.values()].map((m) => [
      m.id,
      formatMoney(m.settlement),
      formatPoints(m.points),
      formatPoints(m.shares),
    ]),
    withdrawals: core.withdrawals.map((w) => [w.member.index, formatMoney(w.amount), w.day, w.status]),
    ...(core.onlineOrders.size === 0
      ? {}
      : { onlineOrders: [...core.onlineOrders.values()].map(onlineOrderToJson) }),
    ...(core.prepaid.used ? { prepaid: prepaidToJson(core.prepaid) } : {}),
    members: {
      id: members.map((m) => m.id),
      inviter: members.map((m) => m.inviter),
      wallet: members.map((m) => formatMoney(m.wallet)),
      coins: members.map((m) => formatMoney(m.coins)),
      health: members.map((m) => formatHealth(m.health)),
      orders: members.map((m) => m.orders),
      shares: members.map((m) => formatPoints(m.shares)),
      withdrawDay: members.map((m) => m.withdrawDay),
      withdrawnToday: members.map((m) => formatMoney(m.withdrawnToday)),
      lastPosition: members.map((m) => m.lastPosition),
    },
    positions: { count, soldGross: sold },
  };
}

interface SnapshotJson {
  format: string;
  day: number;
  period: number;
  listed: boolean;
  supply: string;
  rules: unknown;
  accounts: Record<string, string>;
  coins: { imported: string; redeemed: string };
  merchants: [string, string, string, string][];
  withdrawals: [number, string, number, Withdrawal["status"]][];
  /** Absent in snapshots written before online orders were engine commands. */
  onlineOrders?: OnlineOrderJson[];
  /** Absent in snapshots of states that never used prepaid balances. */
  prepaid?: PrepaidJson;
  members: {
    id: string[];
    inviter: (string | null)[];
    wallet: string[];
    coins: string[];
    health: string[];
    orders: number[];
    shares: string[];
    withdrawDay: number[];
    withdrawnToday: string[];
    lastPosition: number[];
  };
  positions: { count: number; soldGross: [number, string][] };
}

/** Rebuilds an engine from `engineSnapshot` text (or, for older ledgers, from `engineToJson` JSON). */
export function engineFromSnapshot(text: string): Engine {
  const lines = text.split("\n");
  const json = JSON.parse(lines[0]!) as SnapshotJson | EngineJson;
  if (!("format" in json)) return engineFromJson(json);
  const sections = new Map(
    lines.slice(1).map((line) => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1)]),
  );
  if (json.format !== SNAPSHOT_FORMAT) throw new Error(`unknown snapshot format ${json.format}`);
  const money = (v: string) => parseDecimal(v, 2);
  const points = (v: string) => parseDecimal(v, 8);
  const engine = engineFromHeader(json);
  const core = coreOf(engine);
  const m = json.members;
  for (let k = 0; k < m.id.length; k++) {
    const member = core.addMember(m.id[k]!, m.inviter[k]!);
    member.wallet = money(m.wallet[k]!);
    member.coins = money(m.coins[k]!);
    member.health = parseDecimal(m.health[k]!, 2);
    member.orders = m.orders[k]!;
    member.shares = points(m.shares[k]!);
    member.withdrawDay = m.withdrawDay[k]!;
    member.withdrawnToday = money(m.withdrawnToday[k]!);
    member.lastPosition = m.lastPosition[k]!;
  }
  for (const [id, settlement, held, shares] of json.merchants) {
    const merchant = core.merchant(id);
    merchant.settlement = money(settlement);
    merchant.points = points(held);
    merchant.shares = points(shares);
  }
  json.withdrawals.forEach(([member, amount, day, status], k) =>
    core.withdrawals.push({
      id: k + 1,
      member: core.memberList[member]!,
      amount: money(amount),
      day,
      status,
    }),
  );
  const p = json.positions;
  const t = core.table;
  for (let i = 0; i < p.count; i++) t.add(0, 0n, 0n, 0n, 0, 0);
  for (const name of COLUMNS) {
    const section = sections.get(name);
    if (section === undefined) throw new Error(`snapshot has no column ${name}`);
    restoreColumn(t[name], section);
  }
  for (const [i, value] of p.soldGross) t.setSoldGross(i, money(value));
  restoreOnlineOrders(core, json.onlineOrders);
  restorePrepaid(core, json.prepaid);
  for (let i = 0; i < p.count; i++) {
    const member = core.memberList[t.member[i]!]!;
    member.positionCount++;
    if (t.status[i] === POSITION_OPEN && t.locked[i]! > 0n) member.lockedPositions.push(i);
  }
  rebuildExitIndex(core);
  return engine;
}

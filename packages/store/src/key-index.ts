/**
 * Which idempotency keys a tenant may already have recorded, and where. The writer asks it about
 * every submit, so it lives in memory; the journal (unique index on tenant_id, idempotency_key) stays
 * the truth, and a hit is always confirmed there.
 *
 * It keeps a 64-bit hash of each key, not the key: a Map of a million key strings holds about
 * 200 bytes per key on the JavaScript heap, which every full GC walks, and it rehashes all entries at
 * once when it doubles (13 ms at 262,144 keys, 36 ms at 524,288, measured). Here a key costs 16 bytes
 * in typed arrays the GC never scans, spread over many small open-addressing tables so that growing
 * one moves a few hundred entries.
 *
 * `candidate(key)` answers undefined only for a key never recorded; a number is the seq of the last
 * key recorded under the same hash, which is this key's row unless two keys share 64 bits of hash.
 */
const SHARD_BITS = 10;
const SHARDS = 1 << SHARD_BITS;
const INITIAL_CAPACITY = 16;

/** Two 32-bit halves of a key's hash (unsigned). */
export type KeyHash = (key: string) => [number, number];

/** Two 32-bit hashes over the UTF-16 code units (FNV-1a and a murmur3-style mix), independent. */
export function keyHash(key: string): [number, number] {
  let a = 0x811c9dc5;
  let b = 0x9747b28c ^ key.length;
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
    b ^= b >>> 15;
  }
  a ^= a >>> 16;
  a = Math.imul(a, 0x85ebca6b);
  a ^= a >>> 13;
  b ^= b >>> 13;
  b = Math.imul(b, 0xc2b2ae35);
  b ^= b >>> 16;
  return [a >>> 0, b >>> 0];
}

/** One open-addressing table: hash halves and seq per slot; seq 0 marks an empty slot. */
class Shard {
  low = new Uint32Array(INITIAL_CAPACITY);
  high = new Uint32Array(INITIAL_CAPACITY);
  seqs = new Float64Array(INITIAL_CAPACITY);
  size = 0;

  find(low: number, high: number): number {
    const mask = this.seqs.length - 1;
    for (let slot = high & mask; ; slot = (slot + 1) & mask) {
      const seq = this.seqs[slot]!;
      if (seq === 0 || (this.low[slot] === low && this.high[slot] === high)) return slot;
    }
  }

  set(low: number, high: number, seq: number): void {
    if ((this.size + 1) * 2 > this.seqs.length) this.grow();
    const slot = this.find(low, high);
    if (this.seqs[slot] === 0) this.size++;
    this.low[slot] = low;
    this.high[slot] = high;
    this.seqs[slot] = seq;
  }

  private grow(): void {
    const { low, high, seqs } = this;
    const capacity = seqs.length * 2;
    this.low = new Uint32Array(capacity);
    this.high = new Uint32Array(capacity);
    this.seqs = new Float64Array(capacity);
    for (let slot = 0; slot < seqs.length; slot++) {
      if (seqs[slot] === 0) continue;
      const to = this.find(low[slot]!, high[slot]!);
      this.low[to] = low[slot]!;
      this.high[to] = high[slot]!;
      this.seqs[to] = seqs[slot]!;
    }
  }
}

export class KeyIndex {
  /** Made on first use: a small tenant's index holds a few tables, not 1,024. */
  private readonly shards: Array<Shard | undefined> = new Array<Shard | undefined>(SHARDS);

  constructor(private readonly hash: KeyHash = keyHash) {}

  /** The key's hash, to pass to candidateOf and setHash when the key is looked up more than once. */
  hashOf(key: string): [number, number] {
    return this.hash(key);
  }

  /** The seq of the row recorded under this key's hash, or undefined: the key was never recorded. */
  candidate(key: string): number | undefined {
    return this.candidateOf(this.hash(key));
  }

  candidateOf([low, high]: [number, number]): number | undefined {
    const shard = this.shards[low & (SHARDS - 1)];
    if (shard === undefined) return undefined;
    const seq = shard.seqs[shard.find(low, high)]!;
    return seq === 0 ? undefined : seq;
  }

  /** Records a key at a seq (at least 1); a later key with the same hash replaces it. */
  set(key: string, seq: number): void {
    this.setHash(this.hash(key), seq);
  }

  setHash([low, high]: [number, number], seq: number): void {
    if (!(seq >= 1)) throw new RangeError(`seq must be at least 1, got ${seq}`);
    (this.shards[low & (SHARDS - 1)] ??= new Shard()).set(low, high, seq);
  }

  /** Distinct hashes held. */
  get size(): number {
    let size = 0;
    for (const shard of this.shards) size += shard?.size ?? 0;
    return size;
  }

  /** How many hashes the fullest shard holds (for tests: the spread is what bounds a pause). */
  largestShard(): number {
    let largest = 0;
    for (const shard of this.shards) largest = Math.max(largest, shard?.size ?? 0);
    return largest;
  }
}

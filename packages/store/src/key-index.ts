/**
 * The idempotency keys a tenant has recorded, each with the seq of its journal row. A plain Map would
 * do, except that a Map rehashes all its entries at once when it doubles: at 262,144 keys that is a
 * 13 ms pause, at 524,288 about 36 ms (measured on the 2-core bench machine), and the writer grows by
 * one key per command, so every such doubling stopped the service's event loop in the middle of a
 * batch. The keys are spread over many small Maps instead (FNV-1a of the key picks one), so a
 * doubling moves 1/SHARDS of the entries and no pause grows with the ledger.
 */
const SHARD_BITS = 10;
const SHARDS = 1 << SHARD_BITS;

/** 32-bit FNV-1a over the UTF-16 code units; only spreads keys, so it need not resist collisions. */
function shardOf(key: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    hash ^= key.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash ^ (hash >>> SHARD_BITS)) & (SHARDS - 1);
}

export class KeyIndex {
  private readonly shards: Map<string, number>[] = Array.from({ length: SHARDS }, () => new Map());
  private count = 0;

  get(key: string): number | undefined {
    return this.shards[shardOf(key)]!.get(key);
  }

  set(key: string, seq: number): void {
    const shard = this.shards[shardOf(key)]!;
    if (!shard.has(key)) this.count++;
    shard.set(key, seq);
  }

  get size(): number {
    return this.count;
  }

  /** How many keys the fullest shard holds (for tests: the spread is what bounds a pause). */
  largestShard(): number {
    let largest = 0;
    for (const shard of this.shards) largest = Math.max(largest, shard.size);
    return largest;
  }
}

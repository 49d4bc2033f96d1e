/**
 * The forced-exit index (rule 3): a binary min-heap of open positions keyed by their threshold price
 * `need / points`, where `need = exitMultiple × spend − soldGross` (scaled). Ties go to the older
 * position. Entries are (position index, version, float approximation of the key) in typed arrays, so
 * the index holds no heap objects; exact comparisons are asked of the engine, which owns the numbers.
 *
 * A position's key changes when it sells; instead of moving it in the heap the engine bumps the
 * position's version and pushes a fresh entry, and stale entries are dropped when they surface (lazy
 * deletion). The heap is compacted when stale entries outnumber live ones.
 */

export interface ExitKeys {
  /** Current version of position i (bumped whenever its key changes or it leaves the index). */
  version(i: number): number;
  /** Exact comparison of the current keys of positions i and j, ties by age: negative when i goes first. */
  compare(i: number, j: number): number;
}

export class ExitIndex {
  private idx = new Int32Array(1024);
  private ver = new Int32Array(1024);
  private approx = new Float64Array(1024);
  private length = 0;
  private stale = 0;

  constructor(private readonly keys: ExitKeys) {}

  /** Number of live entries. */
  get size(): number {
    return this.length - this.stale;
  }

  /** Pushes position i with its current version and approximate key. */
  push(i: number, approx: number): void {
    if (this.length === this.idx.length) this.grow();
    const at = this.length++;
    this.idx[at] = i;
    this.ver[at] = this.keys.version(i);
    this.approx[at] = approx;
    this.siftUp(at);
  }

  /** Records that one entry went stale (its position moved or left). */
  invalidate(): void {
    this.stale++;
    if (this.stale > 1024 && this.stale * 2 > this.length) this.compact();
  }

  /** Index of the live position with the lowest threshold, or -1. Drops stale entries on the way. */
  peek(): number {
    while (this.length > 0) {
      const i = this.idx[0]!;
      if (this.keys.version(i) === this.ver[0]) return i;
      this.removeTop();
      this.stale--;
    }
    return -1;
  }

  /** Approximate key of the top entry (valid right after peek returned a position). */
  topApprox(): number {
    return this.approx[0]!;
  }

  /** Removes the top entry (the caller peeked it and bumps its version without calling invalidate). */
  pop(): void {
    this.removeTop();
  }

  /**
   * Makes this index a copy of `other` (a fork's index over its own copy of the positions), in the
   * arrays of `spare` where they are large enough (a fork made again and again allocates nothing).
   */
  copyFrom(other: ExitIndex, spare?: ExitIndex): void {
    const n = other.length;
    const fit = <T extends Int32Array | Float64Array>(source: T, target: T | undefined): T => {
      if (target === undefined || target.length < source.length) return source.slice() as T;
      target.set(source.subarray(0, n) as never);
      return target;
    };
    this.idx = fit(other.idx, spare?.idx);
    this.ver = fit(other.ver, spare?.ver);
    this.approx = fit(other.approx, spare?.approx);
    this.length = n;
    this.stale = other.stale;
  }

  clear(): void {
    this.length = 0;
    this.stale = 0;
  }

  /** Indices of live entries, in no particular order (for checks). */
  live(): Int32Array {
    const out = new Int32Array(this.length);
    let n = 0;
    for (let k = 0; k < this.length; k++) {
      const i = this.idx[k]!;
      if (this.keys.version(i) === this.ver[k]) out[n++] = i;
    }
    return out.subarray(0, n);
  }

  private less(a: number, b: number): boolean {
    const x = this.approx[a]!;
    const y = this.approx[b]!;
    // Doubles carry 53 bits: keys further apart than one part in 1e9 are ordered by the float alone.
    const margin = Math.abs(y) * 1e-9;
    if (x < y - margin) return true;
    if (x > y + margin) return false;
    return this.keys.compare(this.idx[a]!, this.idx[b]!) < 0;
  }

  private swap(a: number, b: number): void {
    const i = this.idx[a]!;
    this.idx[a] = this.idx[b]!;
    this.idx[b] = i;
    const v = this.ver[a]!;
    this.ver[a] = this.ver[b]!;
    this.ver[b] = v;
    const x = this.approx[a]!;
    this.approx[a] = this.approx[b]!;
    this.approx[b] = x;
  }

  private siftUp(at: number): void {
    while (at > 0) {
      const parent = (at - 1) >> 1;
      if (!this.less(at, parent)) return;
      this.swap(at, parent);
      at = parent;
    }
  }

  private siftDown(at: number): void {
    const n = this.length;
    for (;;) {
      const l = 2 * at + 1;
      if (l >= n) return;
      const r = l + 1;
      const child = r < n && this.less(r, l) ? r : l;
      if (!this.less(child, at)) return;
      this.swap(at, child);
      at = child;
    }
  }

  private removeTop(): void {
    const last = --this.length;
    if (last > 0) {
      this.swap(0, last);
      this.siftDown(0);
    }
  }

  private grow(): void {
    const size = this.idx.length * 2;
    const idx = new Int32Array(size);
    idx.set(this.idx);
    this.idx = idx;
    const ver = new Int32Array(size);
    ver.set(this.ver);
    this.ver = ver;
    const approx = new Float64Array(size);
    approx.set(this.approx);
    this.approx = approx;
  }

  private compact(): void {
    let kept = 0;
    for (let k = 0; k < this.length; k++) {
      const i = this.idx[k]!;
      if (this.keys.version(i) !== this.ver[k]) continue;
      this.idx[kept] = i;
      this.ver[kept] = this.ver[k]!;
      this.approx[kept] = this.approx[k]!;
      kept++;
    }
    this.length = kept;
    this.stale = 0;
    for (let at = (kept >> 1) - 1; at >= 0; at--) this.siftDown(at);
  }
}

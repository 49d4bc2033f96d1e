/**
 * The forced-exit index (rule 3): a binary min-heap of open positions keyed by their threshold price
 * `need / points`, where `need = exitMultiple × spend − soldGross` (in RATIO_SCALE × fen). Ties go to the
 * older position. A position's key changes when it sells; instead of moving it in the heap the engine
 * bumps the position's `version`, pushes a fresh entry and skips stale entries when they surface
 * (lazy deletion). The heap is compacted when stale entries outnumber live ones.
 */

export interface Indexed {
  readonly id: number;
  /** Incremented whenever the position's key changes or it leaves the index. */
  version: number;
}

export class ExitIndex<P extends Indexed> {
  private positions: P[] = [];
  private needs: bigint[] = [];
  private points: bigint[] = [];
  /** Float approximation of need/points, used to decide most comparisons without bigint work. */
  private approx: number[] = [];
  private versions: number[] = [];
  private stale = 0;

  get size(): number {
    return this.positions.length - this.stale;
  }

  /** Pushes a position with its current key; the caller has already bumped `version` if it moved. */
  push(position: P, need: bigint, points: bigint): void {
    const i = this.positions.length;
    this.positions.push(position);
    this.needs.push(need);
    this.points.push(points);
    this.approx.push(Number(need) / Number(points));
    this.versions.push(position.version);
    this.siftUp(i);
  }

  /** Records that one entry went stale (its position moved or left). */
  invalidate(): void {
    this.stale++;
    if (this.stale > 1024 && this.stale * 2 > this.positions.length) this.compact();
  }

  /** The live entry with the lowest threshold, or undefined. Drops stale entries on the way. */
  peek(): { position: P; need: bigint; points: bigint; approx: number } | undefined {
    while (this.positions.length > 0) {
      const top = this.positions[0]!;
      if (top.version === this.versions[0]) {
        return { position: top, need: this.needs[0]!, points: this.points[0]!, approx: this.approx[0]! };
      }
      this.removeTop();
      this.stale--;
    }
    return undefined;
  }

  /** Removes the top entry (the caller has peeked it and bumped its version). */
  pop(): void {
    this.removeTop();
  }

  clear(): void {
    this.positions = [];
    this.needs = [];
    this.points = [];
    this.approx = [];
    this.versions = [];
    this.stale = 0;
  }

  /** Live entries in no particular order (for checks). */
  *entries(): Generator<{ position: P; need: bigint; points: bigint }> {
    for (let i = 0; i < this.positions.length; i++) {
      const position = this.positions[i]!;
      if (position.version === this.versions[i]) yield { position, need: this.needs[i]!, points: this.points[i]! };
    }
  }

  private less(i: number, j: number): boolean {
    const a = this.approx[i]!;
    const b = this.approx[j]!;
    // Doubles carry 53 bits; keys that differ by more than one part in 1e9 are ordered by the float.
    if (a < b - Math.abs(b) * 1e-9) return true;
    if (a > b + Math.abs(b) * 1e-9) return false;
    const left = this.needs[i]! * this.points[j]!;
    const right = this.needs[j]! * this.points[i]!;
    if (left !== right) return left < right;
    return this.positions[i]!.id < this.positions[j]!.id;
  }

  private swap(i: number, j: number): void {
    const p = this.positions[i]!;
    this.positions[i] = this.positions[j]!;
    this.positions[j] = p;
    const n = this.needs[i]!;
    this.needs[i] = this.needs[j]!;
    this.needs[j] = n;
    const q = this.points[i]!;
    this.points[i] = this.points[j]!;
    this.points[j] = q;
    const a = this.approx[i]!;
    this.approx[i] = this.approx[j]!;
    this.approx[j] = a;
    const v = this.versions[i]!;
    this.versions[i] = this.versions[j]!;
    this.versions[j] = v;
  }

  private siftUp(i: number): void {
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(i, parent)) return;
      this.swap(i, parent);
      i = parent;
    }
  }

  private siftDown(i: number): void {
    const n = this.positions.length;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) return;
      const r = l + 1;
      const child = r < n && this.less(r, l) ? r : l;
      if (!this.less(child, i)) return;
      this.swap(i, child);
      i = child;
    }
  }

  private removeTop(): void {
    const last = this.positions.length - 1;
    if (last > 0) this.swap(0, last);
    this.positions.pop();
    this.needs.pop();
    this.points.pop();
    this.approx.pop();
    this.versions.pop();
    if (last > 0) this.siftDown(0);
  }

  private compact(): void {
    const live = [...this.entries()];
    this.clear();
    for (const { position, need, points } of live) this.push(position, need, points);
  }
}

/**
 * A binary min-heap of (key, id) pairs on typed arrays: the "sell at a multiple" behaviour keeps its
 * positions here by the price at which the member means to sell, so a day costs O(sells · log n).
 */
export class MinHeap {
  private keys = new Float64Array(1024);
  private ids = new Int32Array(1024);
  size = 0;

  push(key: number, id: number): void {
    if (this.size === this.keys.length) {
      const keys = new Float64Array(this.size * 2);
      keys.set(this.keys);
      this.keys = keys;
      const ids = new Int32Array(this.size * 2);
      ids.set(this.ids);
      this.ids = ids;
    }
    let i = this.size++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (this.keys[parent]! <= key) break;
      this.keys[i] = this.keys[parent]!;
      this.ids[i] = this.ids[parent]!;
      i = parent;
    }
    this.keys[i] = key;
    this.ids[i] = id;
  }

  /** The smallest key, or Infinity when empty. */
  peekKey(): number {
    return this.size === 0 ? Infinity : this.keys[0]!;
  }

  /** Removes the smallest entry and returns its id (the heap must not be empty). */
  pop(): number {
    const top = this.ids[0]!;
    const last = --this.size;
    const key = this.keys[last]!;
    const id = this.ids[last]!;
    let i = 0;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= last) break;
      if (child + 1 < last && this.keys[child + 1]! < this.keys[child]!) child++;
      if (this.keys[child]! >= key) break;
      this.keys[i] = this.keys[child]!;
      this.ids[i] = this.ids[child]!;
      i = child;
    }
    this.keys[i] = key;
    this.ids[i] = id;
    return top;
  }
}

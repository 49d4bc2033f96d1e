/**
 * Cash a forced-exit cascade owes members, gathered per member and paid once when the cascade
 * ends: a financing that lets a million positions out writes each owner's wallet once, not once per
 * position (each write a fresh bigint into a member object the collector must then remember). Sums
 * are doubles, exact as integers below 2^53 fen; an amount that would pass it is paid at once.
 */
export class WalletCredits {
  private sums = new Float64Array(0);
  private readonly touched: number[] = [];

  /** Owes member m `cash` fen; `payNow` pays it directly when a double could not hold the sum. */
  add(m: number, cash: bigint, payNow: (m: number, cash: bigint) => void): void {
    if (m >= this.sums.length) {
      const wider = new Float64Array(Math.max(1024, 2 * m + 1));
      wider.set(this.sums);
      this.sums = wider;
    }
    const x = Number(cash);
    const sum = this.sums[m]!;
    if (sum + x > Number.MAX_SAFE_INTEGER) {
      payNow(m, cash);
      return;
    }
    if (sum === 0) this.touched.push(m);
    this.sums[m] = sum + x;
  }

  /** Pays every member owed (in the order first owed) and forgets them; returns the total paid. */
  flush(pay: (m: number, cash: bigint) => void): bigint {
    let total = 0n;
    for (const m of this.touched) {
      const sum = this.sums[m]!;
      if (sum === 0) continue;
      const cash = BigInt(sum);
      pay(m, cash);
      total += cash;
      this.sums[m] = 0;
    }
    this.touched.length = 0;
    return total;
  }
}

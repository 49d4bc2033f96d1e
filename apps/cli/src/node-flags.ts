/**
 * The V8 heap settings the service runs with. `zengzhi start` re-launches Node with them (see
 * bin/zengzhi.js) and bench:http starts its service with them, so what is measured is what runs.
 *
 * - `--max-semi-space-size=16`: the young generation's size. Each request allocates about 20 KB that
 *   dies young; a larger young generation (64 MB was tried) scavenges less often but made V8 start
 *   incremental marking of the old generation whenever its headroom fell below the young
 *   generation's size, which at 15,000 orders/s was a full mark-compact every 1-2 s.
 * - `--min-semi-space-size=16`: start the young generation at that size rather than growing it from
 *   1 MB under the first load (fewer, earlier scavenges; the first half-second at 15,000 orders/s had
 *   2,300 slow answers instead of 3,400).
 * - `--initial-old-space-size=512`: the old generation may grow to 512 MB before the first full GC
 *   is considered. The service's live heap is small (about 30 MB: positions and idempotency keys live
 *   in typed arrays outside it), so full GCs come minutes apart instead of seconds.
 *
 * bench:http at 15,000 orders/s, same code, default flags against these: p99 27-36 ms against 9.6-10.8 ms
 * (2-core machine, 2026-11-26). Set ZENGZHI_NODE_FLAGS to replace them (an empty value: none).
 */
export const SERVICE_NODE_FLAGS: readonly string[] = [
  "--max-semi-space-size=16",
  "--min-semi-space-size=16",
  "--initial-old-space-size=512",
];

/** The flags to launch the service with: ZENGZHI_NODE_FLAGS when set, else SERVICE_NODE_FLAGS. */
export function serviceNodeFlags(env: NodeJS.ProcessEnv): string[] {
  const override = env.ZENGZHI_NODE_FLAGS;
  if (override !== undefined) return override.split(/\s+/).filter((flag) => flag !== "");
  return [...SERVICE_NODE_FLAGS];
}

/**
 * The engine package's own door to the mutable core, for snapshot, state and invariant code inside
 * this package. index.ts does not export it, and the package's `exports` map hides it from others.
 */
import type { EngineCore } from "./core.js";
import { EngineReader, type EngineView, readerCore } from "./view.js";

export { EngineCore } from "./core.js";

/** The mutable core behind an engine or a reader of it (views made outside this package have none). */
export function coreOf(engine: EngineView): EngineCore {
  if (!(engine instanceof EngineReader)) throw new TypeError("not a view made by @zengzhi/engine");
  return readerCore(engine);
}

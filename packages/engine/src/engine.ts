/**
 * The rules engine's public face: `apply` a command, read through the EngineView methods. The state
 * itself lives in a core no caller outside this package can reach; readers handed `engine.view` get
 * the reads without `apply`.
 */
import { EngineCore, type EngineOptions } from "./core.js";
import { checkInvariants } from "./invariants.js";
import { type RuleSet, loadRuleSet } from "./rules.js";
import type { Command, Result } from "./types.js";
import { EngineReader, type EngineView } from "./view.js";

export { DEFAULT_MERCHANT, PRICE_DENOMINATOR, emptyAccounts, type EngineOptions } from "./core.js";

export class Engine extends EngineReader {
  readonly #core: EngineCore;
  readonly #debugInvariants: boolean;
  #view: EngineReader | undefined;

  constructor(rules: RuleSet = loadRuleSet({}), options: EngineOptions = {}) {
    const core = new EngineCore(rules, options);
    super(core);
    this.#core = core;
    this.#debugInvariants = options.debugInvariants === true;
  }

  /** Validates a command completely, then applies it; a rejected command changes nothing. */
  apply(command: Command): Result {
    const result = this.#core.apply(command);
    if (this.#debugInvariants) {
      const broken = checkInvariants(this);
      if (broken.length > 0) throw new Error(`invariants broken after ${command.type}: ${broken.join("; ")}`);
    }
    return result;
  }

  /** The reads alone, for code that must not change the state (a reader cannot reach `apply`). */
  get view(): EngineView {
    return (this.#view ??= new EngineReader(this.#core));
  }
}

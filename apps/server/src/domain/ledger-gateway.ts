/**
 * The one door from the service to the ledger: submit(tenant, key, command) and read(tenant, view).
 * Submits of one event-loop turn go to the ledger together, so they can share a batch; a rejection
 * comes back as an ApiError carrying the engine's code.
 */
import { ERRORS, errorStatus, isErrorCode, type ErrorCode } from "@zengzhi/contract";
import { CommandError, type CommandJson, type EngineView } from "@zengzhi/engine";
import type { AuditNote, Ledger, SubmitResult } from "@zengzhi/store";
import { ApiError } from "./errors.js";

interface PendingSubmit {
  tenant: string;
  key: string;
  command: CommandJson;
  audit: AuditNote;
  resolve: (result: SubmitResult) => void;
  reject: (error: unknown) => void;
}

/** The engine's outcome of an accepted command as JSON, with the journal sequence number. */
export type Outcome = Record<string, unknown>;

/**
 * The message a caller sees for a ledger rejection. The ledger's idempotency_key_reused names the
 * journal key, which holds the route and the user id: the caller gets the table's text instead.
 */
function publicMessage(code: ErrorCode, message: string | undefined): string {
  if (code === "idempotency_key_reused" || code === "internal_error" || message === undefined)
    return ERRORS[code].description;
  return message;
}

/**
 * The member acting (or sold to) in a command, for the commands a frozen member may not make (issue
 * 13). An online order's payment (orderPaid) is not one: its cash was taken already, and a refund
 * stays possible.
 */
function actingMember(command: CommandJson): string | undefined {
  switch (command.type) {
    case "order":
    case "tillSale":
    case "sell":
    case "payWithPoints":
    case "withdraw":
      return command.member;
    default:
      return undefined;
  }
}

/** Refuses (throws) when `member` may not act now; resolves otherwise. */
export type MemberGuard = (tenant: string, member: string) => Promise<void>;

export class LedgerGateway {
  private submitsThisTurn: PendingSubmit[] = [];

  constructor(
    private readonly ledger: Ledger,
    private readonly countCommand: (type: string, result: string) => void,
    private readonly memberGuard: MemberGuard = () => Promise.resolve(),
  ) {}

  /**
   * Hands a submit to the ledger at the end of this event-loop turn, together with every other
   * submit of the turn. An idle writer starts a commit with the first submit it gets, so a submit
   * made while one request is being handled would commit alone before the next socket is even read;
   * deferring to setImmediate lets all requests read in one poll phase share one batch.
   */
  private deferredSubmit(
    tenant: string,
    key: string,
    command: { command: CommandJson; audit: AuditNote },
  ): Promise<SubmitResult> {
    return new Promise((resolve, reject) => {
      if (this.submitsThisTurn.push({ tenant, key, ...command, resolve, reject }) === 1) {
        setImmediate(this.flushSubmits);
      }
    });
  }

  private readonly flushSubmits = (): void => {
    const submits = this.submitsThisTurn;
    this.submitsThisTurn = [];
    for (const s of submits) {
      this.ledger.submit(s.tenant, s.key, s.command, { audit: s.audit }).then(s.resolve, s.reject);
    }
  };

  /**
   * Submits an engine command with its audit entry, which the ledger commits in the same statement
   * (only when the engine accepts the command); a rejection becomes an ApiError with the engine's code.
   */
  async submit(tenant: string, key: string, command: CommandJson, audit: AuditNote): Promise<Outcome> {
    // The one place a frozen member is refused: every command by which it acts passes here.
    const member = actingMember(command);
    if (member !== undefined) await this.memberGuard(tenant, member);
    let result: SubmitResult;
    try {
      result = await this.deferredSubmit(tenant, key, { command, audit });
    } catch (error) {
      if ((error as Error).name === "LedgerBusyError") {
        throw new ApiError(
          503,
          "ledger_busy",
          "too many commands are waiting; retry in a moment (same Idempotency-Key)",
        );
      }
      if ((error as Error).name === "LedgerUnavailableError") {
        throw new ApiError(
          503,
          "ledger_unavailable",
          "the tenant's writer is moving between nodes; retry in a moment (same Idempotency-Key)",
        );
      }
      // A command the engine cannot parse is the caller's mistake (a route that validated less than
      // the engine does): a 400 naming the field, never a 500.
      if (error instanceof CommandError)
        throw new ApiError(errorStatus(error.code), error.code, error.reason, error.path);
      throw error;
    }
    this.countCommand(command.type, result.ok ? "ok" : (result.rejection ?? "rejected"));
    if (!result.ok) {
      // Every engine rejection and the ledger's idempotency_key_reused are in the contract's table;
      // anything else would be a programmer error.
      const code = isErrorCode(result.rejection ?? "") ? (result.rejection as ErrorCode) : "internal_error";
      const extra = result.rows === undefined ? {} : { rows: result.rows };
      throw new ApiError(errorStatus(code), code, publicMessage(code, result.message), undefined, extra);
    }
    return { ...(result.outcome ?? {}), ...(result.seq === undefined ? {} : { seq: result.seq }) };
  }

  /** Reads the tenant's committed engine state; `fn` must only read. */
  read<T>(tenant: string, fn: (engine: EngineView) => T): Promise<T> {
    return this.ledger.read(tenant, fn);
  }
}

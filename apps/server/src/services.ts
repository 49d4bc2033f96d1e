/**
 * What every route needs, built once per app: the ledger (the only write path for money), the SQL
 * connection for the app tables, sessions, the login limiter, the audit log, the payment provider,
 * metrics and the pause switch. Also the helpers that submit engine commands and map rejections.
 */
import { createHash } from "node:crypto";
import type { CommandJson, EngineView } from "@zengzhi/engine";
import type { Ledger, SubmitResult } from "@zengzhi/store";
import type { FastifyBaseLogger, FastifyRequest } from "fastify";
import { Counter, Histogram, Registry, collectDefaultMetrics } from "prom-client";
import { AuditLog } from "./audit.js";
import { LoginLimiter, SessionStore, type Session } from "./auth.js";
import { ApiError, notFound, rejectionStatus } from "./errors.js";
import { LIMITS } from "./limits.js";
import { SandboxProvider } from "./payments.js";

export interface ServiceOptions {
  ledger: Ledger;
  logger: FastifyBaseLogger;
  /** Tenant shown by GET /api/public without ?tenant= (default "demo"). */
  defaultTenant?: string;
  /** HMAC secret of the sandbox payment provider. */
  paymentSecret: string;
  /** Clock in milliseconds (tests move it). */
  now?: () => number;
}

/** Settled answers shared by every cache hit (an `await` of them allocates nothing). */
const SETTLED_TRUE = Promise.resolve(true);
const SETTLED_VOID = Promise.resolve();

export class Services {
  readonly ledger: Ledger;
  readonly sessions: SessionStore;
  readonly limiter = new LoginLimiter();
  readonly audit: AuditLog;
  readonly payments: SandboxProvider;
  readonly registry = new Registry();
  readonly defaultTenant: string;
  readonly now: () => number;
  readonly httpDuration: Histogram<"method" | "route" | "status">;
  readonly commands: Counter<"type" | "result">;
  private readonly paused = new Map<string, boolean>();
  private submitsThisTurn: Array<{
    tenant: string;
    key: string;
    command: CommandJson;
    resolve: (result: SubmitResult) => void;
    reject: (error: unknown) => void;
  }> = [];
  /** Members seen to exist, per tenant: members are never removed, so a hit needs no engine read. */
  private readonly knownMembers = new Map<string, Set<string>>();
  private tenants: Set<string> | null = null;

  constructor(options: ServiceOptions) {
    this.ledger = options.ledger;
    this.sessions = new SessionStore(options.ledger.sql);
    this.audit = new AuditLog(options.ledger.sql, (error) =>
      options.logger.error({ err: error }, "audit write failed"),
    );
    this.payments = new SandboxProvider(options.paymentSecret);
    this.defaultTenant = options.defaultTenant ?? "demo";
    this.now = options.now ?? Date.now;
    collectDefaultMetrics({ register: this.registry });
    this.httpDuration = new Histogram({
      name: "zengzhi_http_request_duration_seconds",
      help: "HTTP request duration by route and status",
      labelNames: ["method", "route", "status"],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5],
      registers: [this.registry],
    });
    this.commands = new Counter({
      name: "zengzhi_commands_total",
      help: "Engine commands submitted to the ledger, by type and result",
      labelNames: ["type", "result"],
      registers: [this.registry],
    });
  }

  get sql() {
    return this.ledger.sql;
  }

  /**
   * Hands a submit to the ledger at the end of this event-loop turn, together with every other
   * submit of the turn. An idle writer starts a commit with the first submit it gets, so a submit
   * made while one request is being handled would commit alone before the next socket is even read;
   * deferring to setImmediate lets all requests read in one poll phase share one batch.
   */
  private deferredSubmit(tenant: string, key: string, command: CommandJson): Promise<SubmitResult> {
    return new Promise((resolve, reject) => {
      if (this.submitsThisTurn.push({ tenant, key, command, resolve, reject }) === 1) {
        setImmediate(this.flushSubmits);
      }
    });
  }

  private readonly flushSubmits = (): void => {
    const submits = this.submitsThisTurn;
    this.submitsThisTurn = [];
    for (const s of submits) this.ledger.submit(s.tenant, s.key, s.command).then(s.resolve, s.reject);
  };

  /** Submits an engine command; a rejection becomes an ApiError with the engine's code. */
  async submit(tenant: string, key: string, command: CommandJson): Promise<Record<string, unknown>> {
    let result: SubmitResult;
    try {
      result = await this.deferredSubmit(tenant, key, command);
    } catch (error) {
      if ((error as Error).name === "LedgerBusyError") {
        throw new ApiError(
          503,
          "ledger_busy",
          "too many commands are waiting; retry in a moment (same Idempotency-Key)",
        );
      }
      throw error;
    }
    this.countCommand(command.type, result.ok ? "ok" : (result.rejection ?? "rejected"));
    if (!result.ok) {
      const code = result.rejection ?? "rejected";
      throw new ApiError(rejectionStatus(code), code, result.message ?? code);
    }
    return { ...(result.outcome ?? {}), ...(result.seq === undefined ? {} : { seq: result.seq }) };
  }

  /**
   * Metric children by label values: prom-client builds and hashes a label object on every call
   * otherwise, which on the busiest route cost more than the handler's own work.
   */
  private readonly commandCounters = new Map<string, { inc(): void }>();
  private readonly requestHistograms = new Map<string, { observe(value: number): void }>();

  private countCommand(type: string, result: string): void {
    const name = `${type}|${result}`;
    let child = this.commandCounters.get(name);
    if (child === undefined) this.commandCounters.set(name, (child = this.commands.labels(type, result)));
    child.inc();
  }

  /** Records one HTTP request's duration under its method, route and status. */
  observeRequest(method: string, route: string, status: number, seconds: number): void {
    const name = `${method}|${route}|${status}`;
    let child = this.requestHistograms.get(name);
    if (child === undefined) {
      child = this.httpDuration.labels(method, route, String(status));
      this.requestHistograms.set(name, child);
    }
    child.observe(seconds);
  }

  read<T>(tenant: string, fn: (engine: EngineView) => T): Promise<T> {
    return this.ledger.read(tenant, fn);
  }

  async tenantExists(tenant: string): Promise<boolean> {
    if (this.tenants === null || !this.tenants.has(tenant)) {
      this.tenants = new Set(await this.ledger.listTenants());
    }
    return this.tenants.has(tenant);
  }

  async requireTenant(tenant: string): Promise<void> {
    if (!(await this.tenantExists(tenant))) throw notFound(`tenant ${tenant}`);
  }

  /**
   * Whether the member exists in the tenant's engine (cached once seen; reads wait for a commit). A
   * cached answer is one shared settled promise: the busiest route asks on every request.
   */
  memberExists(tenant: string, member: string): Promise<boolean> {
    if (this.knownMembers.get(tenant)?.has(member) === true) return SETTLED_TRUE;
    return this.readMemberExists(tenant, member);
  }

  private async readMemberExists(tenant: string, member: string): Promise<boolean> {
    let known = this.knownMembers.get(tenant);
    const exists = await this.read(tenant, (engine) => engine.hasMember(member));
    if (exists) {
      if (known === undefined) this.knownMembers.set(tenant, (known = new Set()));
      if (known.size >= LIMITS.knownMembersCachedMax) known.clear();
      known.add(member);
    }
    return exists;
  }

  async isPaused(tenant: string): Promise<boolean> {
    let paused = this.paused.get(tenant);
    if (paused === undefined) {
      const { rows } = await this.sql.query<{ value: unknown }>(
        "SELECT value FROM app_settings WHERE tenant_id = $1 AND name = 'paused'",
        [tenant],
      );
      paused = rows[0]?.value === true;
      this.paused.set(tenant, paused);
    }
    return paused;
  }

  async setPaused(tenant: string, paused: boolean): Promise<void> {
    await this.sql.query(
      `INSERT INTO app_settings (tenant_id, name, value) VALUES ($1, 'paused', $2::jsonb)
       ON CONFLICT (tenant_id, name) DO UPDATE SET value = EXCLUDED.value`,
      [tenant, JSON.stringify(paused)],
    );
    this.paused.set(tenant, paused);
  }

  /** Throws 409 scheme_paused while the operator's pause switch is on (known: no query, no allocation). */
  refuseWhenPaused(tenant: string): Promise<void> {
    if (this.paused.get(tenant) === false) return SETTLED_VOID;
    return this.readPauseAndRefuse(tenant);
  }

  private async readPauseAndRefuse(tenant: string): Promise<void> {
    if (await this.isPaused(tenant)) {
      throw new ApiError(
        409,
        "scheme_paused",
        "the operator has paused new orders and sells; try again later",
      );
    }
  }
}

/** The Idempotency-Key header of a state-changing request, or a 400 naming it. */
export function idempotencyHeader(request: FastifyRequest): string {
  const key = request.headers["idempotency-key"];
  if (typeof key !== "string" || key === "") {
    throw new ApiError(
      400,
      "missing_idempotency_key",
      "this route changes state: send an Idempotency-Key header",
      "Idempotency-Key",
    );
  }
  if (key.length > LIMITS.idempotencyKeyLengthMax || !/^[\x21-\x7e]+$/.test(key)) {
    throw new ApiError(400, "invalid_field", "must be 1–128 printable ASCII characters", "Idempotency-Key");
  }
  return key;
}

/** The ledger key of a request: namespaced by route and user so keys of different callers never meet. */
export function ledgerKey(request: FastifyRequest, session: Session | null, scope: string): string {
  const key = `${scope}|${session?.id ?? "-"}|${idempotencyHeader(request)}`;
  // The ledger takes keys of at most 200 characters; a longer one is replaced by its hash, which is
  // just as unique and the same on every retry.
  if (key.length <= LEDGER_KEY_LENGTH_MAX) return key;
  return `${scope.slice(0, 64)}|h:${createHash("sha256").update(key).digest("hex")}`;
}

const LEDGER_KEY_LENGTH_MAX = 200;

export interface StoredAnswer {
  status: number;
  body: unknown;
}

/**
 * Field names left out of a request's fingerprint, at any depth of the body. The fingerprint is a
 * plain SHA-256 kept in app_idempotency: over a password it would be a fast, unsalted digest of it,
 * guessable offline next to the account's slow scrypt hash. A keyed HMAC would not do better: a key
 * made per process turns every retry after a restart into idempotency_key_reused, and a key kept in
 * the database sits next to the digests it should protect. So a retry with the same key and another
 * password matches the first request; register, whose answer opens a session, checks the password
 * against the scrypt hash before it replays. Matched by name on every route, so no route that takes
 * a password can forget to declare it.
 */
const UNFINGERPRINTED_FIELDS = new Set(["password"]);

function withoutPasswords(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutPasswords);
  if (typeof value !== "object" || value === null) return value;
  // fromEntries defines own properties, so even a "__proto__" field stays a field.
  return Object.fromEntries(
    Object.entries(value)
      .filter(([name]) => !UNFINGERPRINTED_FIELDS.has(name))
      .map(([name, field]) => [name, withoutPasswords(field)]),
  );
}

/** What makes two requests with one key the same request: the URL and the body without passwords. */
function requestFingerprint(request: FastifyRequest): string {
  return createHash("sha256")
    .update(JSON.stringify(withoutPasswords(request.body ?? null)) + "|" + request.url)
    .digest("hex");
}

/**
 * Runs a command that changes app tables (not only the ledger) at most once per Idempotency-Key: a
 * retry of the same request (`requestFingerprint`) gets the stored answer, a different one gets 422
 * idempotency_key_reused. Errors are not stored, so a refused request can be corrected and retried
 * with the same key.
 */
export async function once(
  services: Services,
  request: FastifyRequest,
  context: { tenant: string; session: Session | null; scope: string },
  run: () => Promise<StoredAnswer>,
): Promise<StoredAnswer> {
  const key = ledgerKey(request, context.session, context.scope);
  const hash = requestFingerprint(request);
  // Claim the key first (status 0 = in progress), so two concurrent requests with one key never
  // both run; the loser reads the winner's answer, or is told to retry while it is still running.
  const claimed = await services.sql.query(
    `INSERT INTO app_idempotency (tenant_id, key, request_hash, status, body) VALUES ($1, $2, $3, 0, 'null'::jsonb)
     ON CONFLICT (tenant_id, key) DO NOTHING RETURNING key`,
    [context.tenant, key, hash],
  );
  if (claimed.rows.length === 0) {
    const found = await services.sql.query<{ request_hash: string; status: number; body: unknown }>(
      "SELECT request_hash, status, body FROM app_idempotency WHERE tenant_id = $1 AND key = $2",
      [context.tenant, key],
    );
    const previous = found.rows[0];
    if (previous !== undefined && previous.request_hash !== hash) {
      throw new ApiError(
        422,
        "idempotency_key_reused",
        "this Idempotency-Key was used for a different request",
      );
    }
    if (previous === undefined || previous.status === 0) {
      throw new ApiError(
        409,
        "request_in_progress",
        "a request with this Idempotency-Key is still running; retry shortly",
      );
    }
    return { status: previous.status, body: previous.body };
  }
  let answer: StoredAnswer;
  try {
    answer = await run();
  } catch (error) {
    // A refused request is not stored: the caller may correct it and retry with the same key.
    await services.sql.query("DELETE FROM app_idempotency WHERE tenant_id = $1 AND key = $2 AND status = 0", [
      context.tenant,
      key,
    ]);
    throw error;
  }
  await services.sql.query(
    "UPDATE app_idempotency SET status = $3, body = $4::jsonb WHERE tenant_id = $1 AND key = $2",
    [context.tenant, key, answer.status, JSON.stringify(answer.body ?? null)],
  );
  return answer;
}

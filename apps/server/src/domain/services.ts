/**
 * What every use case needs, built once per app: the ledger gateway (the only write path for money),
 * the SQL connection for the app tables, sessions, the login throttle, the audit log, the payment
 * provider, metrics, the pause switch and the clock.
 */
import type { Ledger } from "@zengzhi/store";
import type { FastifyBaseLogger } from "fastify";
import { selectPaused, upsertPaused } from "../db/settings.js";
import { LIMITS } from "../limits.js";
import { DEFAULT_SECURITY, type SecuritySettings } from "../settings.js";
import { AuditLog } from "./audit-log.js";
import { Calendars } from "./calendar.js";
import { Statements } from "./statements.js";
import { SessionStore } from "./auth.js";
import { ApiError, notFound } from "./errors.js";
import { LedgerGateway } from "./ledger-gateway.js";
import { LoginThrottle } from "./login-throttle.js";
import { Metrics } from "./metrics.js";
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
  /** Session timeouts and the registration ceiling (defaults: DEFAULT_SECURITY). */
  security?: SecuritySettings;
  /** Whether the operator may close days by hand (tests and demos; ZENGZHI_MANUAL_CLOSE). Default true. */
  manualClose?: boolean;
}

/** Settled answers shared by every cache hit (an `await` of them allocates nothing). */
const SETTLED_TRUE = Promise.resolve(true);
const SETTLED_VOID = Promise.resolve();

export class Services {
  readonly ledger: Ledger;
  readonly gateway: LedgerGateway;
  readonly sessions: SessionStore;
  readonly throttle: LoginThrottle;
  readonly audit: AuditLog;
  readonly payments: SandboxProvider;
  readonly metrics = new Metrics();
  readonly defaultTenant: string;
  readonly now: () => number;
  readonly calendars: Calendars;
  readonly statements: Statements;
  readonly manualClose: boolean;
  private readonly paused = new Map<string, boolean>();
  /** Members seen to exist, per tenant: members are never removed, so a hit needs no engine read. */
  private readonly knownMembers = new Map<string, Set<string>>();
  private tenants: Set<string> | null = null;

  constructor(options: ServiceOptions) {
    this.ledger = options.ledger;
    this.gateway = new LedgerGateway(options.ledger, (type, result) =>
      this.metrics.countCommand(type, result),
    );
    this.now = options.now ?? Date.now;
    const security = options.security ?? DEFAULT_SECURITY;
    this.sessions = new SessionStore(options.ledger.sql, {
      now: this.now,
      idleMs: security.sessionIdleMs,
      maxAgeMs: security.sessionMaxAgeMs,
    });
    this.throttle = new LoginThrottle(security.registrationsPerAddressPerHourMax);
    this.audit = new AuditLog(options.ledger.sql);
    this.payments = new SandboxProvider(options.paymentSecret);
    this.defaultTenant = options.defaultTenant ?? "demo";
    this.calendars = new Calendars(options.ledger.sql);
    this.manualClose = options.manualClose ?? true;
    this.statements = new Statements(this);
  }

  get sql() {
    return this.ledger.sql;
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
    const exists = await this.gateway.read(tenant, (engine) => engine.hasMember(member));
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
      paused = await selectPaused(this.sql, tenant);
      this.paused.set(tenant, paused);
    }
    return paused;
  }

  async setPaused(tenant: string, paused: boolean): Promise<void> {
    await upsertPaused(this.sql, tenant, paused);
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

/**
 * What every use case needs, built once per app: the ledger gateway (the only write path for money),
 * the SQL connection for the app tables, sessions, the login throttle, the audit log, the payment
 * provider, metrics, the pause switch and the clock.
 */
import type { Ledger } from "@zengzhi/store";
import { WECHAT_SIGN_IN_ENDPOINTS, type WechatSignInEndpoints } from "@zengzhi/payments";
import type { FastifyBaseLogger } from "fastify";
import { selectFrozenMembers, setMemberFrozen } from "../db/members.js";
import { selectPaused, upsertPaused } from "../db/settings.js";
import { LIMITS } from "../limits.js";
import {
  DEFAULT_SECURITY,
  DEFAULT_WEBHOOKS,
  type SecuritySettings,
  type WebhookSettings,
} from "../settings.js";
import { AuditLog } from "./audit-log.js";
import { Calendars } from "./calendar.js";
import { Statements } from "./statements.js";
import { SessionStore } from "./auth.js";
import { ApiError, notFound } from "./errors.js";
import { LedgerGateway } from "./ledger-gateway.js";
import { LoginThrottle } from "./login-throttle.js";
import { Metrics } from "./metrics.js";
import { LogNotifier, type Notifier } from "./notifier.js";
import { SandboxProvider } from "./payments.js";
import { parseKeyRing, type KeyRing, type KeyRingProblem } from "./secrets.js";
import { RulePreviews } from "./rule-preview.js";

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
  /** Webhook delivery settings (defaults: DEFAULT_WEBHOOKS). */
  webhooks?: WebhookSettings;
  /** Members' SMS and WeChat notices (default: LogNotifier, log lines only). */
  notifier?: Notifier;
  /** `id:base64key[,…]`: the key ring sealing payment credentials (secrets.ts). */
  secretsKey?: string | undefined;
  /** The service's public base URL, for the providers' notification and return URLs. */
  publicUrl?: string | undefined;
  /** Provider endpoints other than production (tests: the local fakes). */
  paymentEndpoints?: Partial<Record<"wechat" | "alipay", string>>;
  /** WeChat sign-in's endpoints other than production (tests: the local fake). */
  wechatSignIn?: WechatSignInEndpoints | undefined;
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
  /** The key ring for payment credentials, or why there is none (nothing can be stored then). */
  readonly secrets: KeyRing | KeyRingProblem;
  readonly publicUrl: string;
  readonly paymentEndpoints: Partial<Record<"wechat" | "alipay", string>>;
  readonly wechatSignIn: WechatSignInEndpoints;
  readonly metrics = new Metrics();
  /** Rule-change previews of this node (in memory, polled by the operator). */
  readonly rulePreviews = new RulePreviews();
  readonly logger: FastifyBaseLogger;
  readonly defaultTenant: string;
  readonly now: () => number;
  readonly webhooks: WebhookSettings;
  readonly notifier: Notifier;
  readonly calendars: Calendars;
  readonly statements: Statements;
  readonly manualClose: boolean;
  private readonly paused = new Map<string, boolean>();
  /** Frozen members per tenant, loaded once per tenant and kept in step by setFrozen. */
  private readonly frozen = new Map<string, Set<string>>();
  /** Members seen to exist, per tenant: members are never removed, so a hit needs no engine read. */
  private readonly knownMembers = new Map<string, Set<string>>();
  private tenants: Set<string> | null = null;

  constructor(options: ServiceOptions) {
    this.ledger = options.ledger;
    this.gateway = new LedgerGateway(
      options.ledger,
      (type, result) => this.metrics.countCommand(type, result),
      (tenant, member) => this.refuseWhenFrozen(tenant, member),
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
    this.secrets = parseKeyRing(options.secretsKey);
    this.publicUrl = (options.publicUrl ?? "http://localhost:3000").replace(/\/+$/, "");
    this.paymentEndpoints = options.paymentEndpoints ?? {};
    this.wechatSignIn = options.wechatSignIn ?? WECHAT_SIGN_IN_ENDPOINTS;
    this.defaultTenant = options.defaultTenant ?? "demo";
    this.logger = options.logger;
    this.webhooks = options.webhooks ?? DEFAULT_WEBHOOKS;
    this.notifier = options.notifier ?? new LogNotifier(options.logger);
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

  private async frozenMembers(tenant: string): Promise<Set<string>> {
    let members = this.frozen.get(tenant);
    if (members === undefined) {
      members = new Set(await selectFrozenMembers(this.sql, tenant));
      this.frozen.set(tenant, members);
    }
    return members;
  }

  async isFrozen(tenant: string, member: string): Promise<boolean> {
    return (await this.frozenMembers(tenant)).has(member);
  }

  async setFrozen(change: { tenant: string; member: string; frozen: boolean; by: string }): Promise<void> {
    await setMemberFrozen(this.sql, change);
    const members = await this.frozenMembers(change.tenant);
    if (change.frozen) members.add(change.member);
    else members.delete(change.member);
  }

  /** Throws 403 member_frozen for a frozen member (known tenant, member not frozen: no query). */
  refuseWhenFrozen(tenant: string, member: string): Promise<void> {
    const members = this.frozen.get(tenant);
    if (members !== undefined && !members.has(member)) return SETTLED_VOID;
    return this.readFrozenAndRefuse(tenant, member);
  }

  private async readFrozenAndRefuse(tenant: string, member: string): Promise<void> {
    if (await this.isFrozen(tenant, member)) {
      throw new ApiError(403, "member_frozen", "the operator has frozen this member's account");
    }
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

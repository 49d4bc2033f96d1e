/**
 * Prometheus metrics of the service: HTTP request durations by route and status, and engine
 * commands by type and result. Children are cached by label values: prom-client builds and hashes a
 * label object on every call otherwise, which on the busiest route cost more than the handler's work.
 */
import type { LedgerStatus } from "@zengzhi/store";
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";

export class Metrics {
  readonly registry = new Registry();
  private readonly httpDuration: Histogram<"method" | "route" | "status">;
  private readonly commands: Counter<"type" | "result">;
  private readonly commandCounters = new Map<string, { inc(): void }>();
  private readonly requestHistograms = new Map<string, { observe(value: number): void }>();
  private readonly leaseHeld: Gauge<"tenant">;
  private readonly leaseEpoch: Gauge<"tenant">;
  private readonly leaseWritable: Gauge<"tenant">;
  private readonly nodeReady: Gauge;
  private readonly forwarded: Counter<"direction">;

  constructor() {
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
    this.leaseHeld = new Gauge({
      name: "zengzhi_lease_held",
      help: "1 for each tenant whose writer lease this node holds",
      labelNames: ["tenant"],
      registers: [this.registry],
    });
    this.leaseEpoch = new Gauge({
      name: "zengzhi_lease_epoch",
      help: "Fencing epoch of each lease this node holds",
      labelNames: ["tenant"],
      registers: [this.registry],
    });
    this.leaseWritable = new Gauge({
      name: "zengzhi_lease_writable",
      help: "1 when this node can write the tenant it holds (lease renewed within its TTL, writer sound)",
      labelNames: ["tenant"],
      registers: [this.registry],
    });
    this.nodeReady = new Gauge({
      name: "zengzhi_node_ready",
      help: "1 when this node can write every tenant it holds and reach its database (GET /readyz)",
      registers: [this.registry],
    });
    this.forwarded = new Counter({
      name: "zengzhi_forwarded_commands_total",
      help: "Commands forwarded to the node holding their tenant (sent) or received from another node",
      labelNames: ["direction"],
      registers: [this.registry],
    });
  }

  countForwarded(direction: "sent" | "received"): void {
    this.forwarded.labels(direction).inc();
  }

  /** Sets the lease gauges from the ledger's status (at each scrape). */
  observeLeases(status: LedgerStatus): void {
    this.leaseHeld.reset();
    this.leaseEpoch.reset();
    this.leaseWritable.reset();
    for (const lease of status.leases) {
      this.leaseHeld.labels(lease.tenantId).set(1);
      this.leaseEpoch.labels(lease.tenantId).set(lease.epoch);
      this.leaseWritable.labels(lease.tenantId).set(lease.writable ? 1 : 0);
    }
    this.nodeReady.set(status.ready ? 1 : 0);
  }

  countCommand(type: string, result: string): void {
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

  text(status?: LedgerStatus): Promise<string> {
    if (status !== undefined) this.observeLeases(status);
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}

/**
 * Prometheus metrics of the service: HTTP request durations by route and status, and engine
 * commands by type and result. Children are cached by label values: prom-client builds and hashes a
 * label object on every call otherwise, which on the busiest route cost more than the handler's work.
 */
import { Counter, Histogram, Registry, collectDefaultMetrics } from "prom-client";

export class Metrics {
  readonly registry = new Registry();
  private readonly httpDuration: Histogram<"method" | "route" | "status">;
  private readonly commands: Counter<"type" | "result">;
  private readonly commandCounters = new Map<string, { inc(): void }>();
  private readonly requestHistograms = new Map<string, { observe(value: number): void }>();

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

  text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}

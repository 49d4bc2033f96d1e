/**
 * Several nodes on one PostgreSQL (issue #15): this node's lease status (health, readiness,
 * metrics), the receiving end of a forwarded command, and the HTTP client that forwards a command
 * to the node holding its tenant's lease.
 */
import type { NodeStatus } from "@zengzhi/contract";
import { CommandError, type CommandJson } from "@zengzhi/engine";
import {
  type AuditNote,
  type ForwardSubmit,
  type Ledger,
  LedgerBusyError,
  LedgerUnavailableError,
  type SubmitResult,
} from "@zengzhi/store";
import { ApiError } from "./errors.js";
import type { Services } from "./services.js";

/** The header carrying the database's forwarding secret. */
export const FORWARD_HEADER = "x-zengzhi-forward";

/** A forwarded command gets this long for its answer (a batch commit takes milliseconds). */
const FORWARD_TIMEOUT_MS = 10_000;

/**
 * Whether this node should run a tenant's background work (its calendar closes, its notification
 * relay): it holds the tenant's lease, or no node does (then the first to open it takes the lease).
 * Other nodes leave the tenant alone, so the work is done once and not polled on every node.
 */
export function runsHere(ledger: Ledger, tenant: string): boolean {
  const status = ledger.status();
  if (status.leases.some((lease) => lease.tenantId === tenant)) return true;
  return !status.elsewhere.some((lease) => lease.tenantId === tenant);
}

export function nodeStatus(ledger: Ledger): NodeStatus {
  const status = ledger.status();
  return {
    id: status.nodeId,
    role: status.role,
    ready: status.ready,
    databaseReachable: status.databaseReachable,
    leaseTtlMs: status.leaseTtlMs,
    leases: status.leases.map((lease) => ({
      tenant: lease.tenantId,
      epoch: lease.epoch,
      writable: lease.writable,
      renewedMsAgo: lease.renewedMsAgo,
    })),
    elsewhere: status.elsewhere.map((lease) => ({
      tenant: lease.tenantId,
      node: lease.nodeId,
      address: lease.address,
      epoch: lease.epoch,
    })),
  };
}

/** Readiness: the status, or 503 not_ready naming what this node cannot do. */
export function readiness(services: Services): NodeStatus {
  const status = nodeStatus(services.ledger);
  if (!status.ready) {
    const stuck = status.leases.filter((lease) => !lease.writable).map((lease) => lease.tenant);
    const reason = status.databaseReachable
      ? `this node holds tenants it cannot write now: ${stuck.join(", ")}`
      : "this node cannot reach its database";
    throw new ApiError(503, "not_ready", reason);
  }
  return status;
}

/** The holder's side of a forwarded command: the ledger's answer, rejections included. */
export async function acceptForwarded(
  services: Services,
  secret: string | undefined,
  body: { tenant: string; key: string; command: Record<string, unknown>; audit?: AuditNote | undefined },
): Promise<SubmitResult> {
  if (secret === undefined || !services.ledger.acceptsForward(secret)) {
    throw new ApiError(403, "forbidden", "only another node of this database may forward commands");
  }
  try {
    const result = await services.ledger.submit(body.tenant, body.key, body.command as CommandJson, {
      forwarded: true,
      ...(body.audit === undefined ? {} : { audit: body.audit }),
    });
    services.metrics.countForwarded("received");
    return result;
  } catch (error) {
    if (error instanceof LedgerBusyError) throw new ApiError(503, "ledger_busy", error.message);
    if (error instanceof LedgerUnavailableError) throw new ApiError(503, "ledger_unavailable", error.message);
    if (error instanceof CommandError) throw new ApiError(400, "invalid_command", error.reason, error.path);
    throw error;
  }
}

/** The forwarding side: POSTs the command to the holder and gives back its answer or its error. */
export function httpForwarder(onForward: () => void = () => undefined): ForwardSubmit {
  return async (target, tenantId, key, command, audit) => {
    onForward();
    const response = await fetch(`${target.address}/internal/ledger/submit`, {
      method: "POST",
      headers: { "content-type": "application/json", [FORWARD_HEADER]: target.secret },
      body: JSON.stringify({ tenant: tenantId, key, command, ...(audit === undefined ? {} : { audit }) }),
      signal: AbortSignal.timeout(FORWARD_TIMEOUT_MS),
    });
    const body = (await response.json()) as SubmitResult & { error?: { code: string; message: string } };
    if (response.status === 200) return body;
    const code = body.error?.code;
    const message = `node ${target.nodeId}: ${body.error?.message ?? response.status}`;
    if (code === "ledger_busy") throw new LedgerBusyError(message);
    if (code === "invalid_command") throw new CommandError("invalid_command", "command", message);
    throw new LedgerUnavailableError(message);
  };
}

/**
 * An outside client for the failover tests: HTTP only, each sale sent with its own Idempotency-Key
 * and retried with the same key until the service acknowledges it (201), so every sale is either
 * acknowledged once or still pending when the run stops. It records every acknowledgement and
 * every failed attempt with its time, which gives the write outage.
 */

export interface Acknowledged {
  key: string;
  tenant: string;
  node: string;
  position: number;
  at: number;
}

export interface FailedAttempt {
  node: string;
  at: number;
  /** HTTP status, or the network error's code. */
  status: number | string;
}

export interface LoadRecord {
  acknowledged: Acknowledged[];
  failed: FailedAttempt[];
  /** Answers that are no outage but a wrong answer (a 4xx other than a busy one): must stay empty. */
  refused: { key: string; status: number; body: string }[];
  /** Keys sent but not yet acknowledged when the run stopped. */
  pending: string[];
}

export interface SalesClient {
  node: { name: string; url: string };
  tenant: string;
  token: string;
  member: string;
  keyPrefix: string;
}

/** Statuses a client retries with the same key: the service is busy or cannot write just now. */
const RETRIED = new Set([409, 429, 500, 502, 503, 504]);
const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function emptyRecord(): LoadRecord {
  return { acknowledged: [], failed: [], refused: [], pending: [] };
}

/** One sale, retried with its key until acknowledged, refused, or `giveUp()`. */
async function sendSale(client: SalesClient, key: string, record: LoadRecord, giveUp: () => boolean) {
  for (;;) {
    let status: number | string;
    try {
      const response = await fetch(`${client.node.url}/api/sales`, {
        method: "POST",
        headers: {
          authorization: `Bearer ${client.token}`,
          "idempotency-key": key,
          "content-type": "application/json",
        },
        body: JSON.stringify({ member: client.member, amount: "10.00" }),
        signal: AbortSignal.timeout(5000),
      });
      const body = await response.text();
      status = response.status;
      if (status === 201) {
        const { position } = JSON.parse(body) as { position: number };
        record.acknowledged.push({
          key,
          tenant: client.tenant,
          node: client.node.name,
          position,
          at: Date.now(),
        });
        return;
      }
      if (!RETRIED.has(status)) {
        record.refused.push({ key, status, body: body.slice(0, 300) });
        return;
      }
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause;
      status = cause?.code ?? (error as Error).name;
    }
    record.failed.push({ node: client.node.name, at: Date.now(), status });
    if (giveUp()) {
      record.pending.push(key);
      return;
    }
    await delay(100);
  }
}

/**
 * Sends sales one after another until `stop()` says so; a sale already sent is retried until
 * acknowledged or until `giveUp()` (the run's hard end).
 */
export async function runSalesClient(
  client: SalesClient,
  record: LoadRecord,
  until: { stop: () => boolean; giveUp: () => boolean },
): Promise<void> {
  for (let n = 1; !until.stop(); n++) {
    await sendSale(client, `${client.keyPrefix}-${n}`, record, until.giveUp);
    if (record.refused.length > 0) return;
  }
}

/**
 * The write outage after a kill at `killedAt`, for one node's clients (or all, when node is
 * undefined): from the kill to the first acknowledgement after the first failed attempt (an answer
 * already on its way when the kill came is no sign of recovery). Null when writes never came back.
 */
export function writeOutage(record: LoadRecord, killedAt: number, node?: string): number | null {
  const mine = <T extends { node: string }>(items: T[]) =>
    items.filter((item) => node === undefined || item.node === node);
  const firstFailure = Math.min(
    ...mine(record.failed)
      .map((f) => f.at)
      .filter((at) => at >= killedAt),
  );
  if (!Number.isFinite(firstFailure)) {
    // No attempt failed: writes never stopped.
    const after = mine(record.acknowledged)
      .map((a) => a.at)
      .filter((at) => at > killedAt);
    return after.length === 0 ? null : 0;
  }
  const recovered = mine(record.acknowledged)
    .map((a) => a.at)
    .filter((at) => at > firstFailure);
  return recovered.length === 0 ? null : Math.min(...recovered) - killedAt;
}

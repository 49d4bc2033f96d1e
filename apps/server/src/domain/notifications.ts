/**
 * The notification relay and the webhook sender. The relay reads each tenant's committed journal
 * after its cursor, derives events (notification-events.ts) and, in one transaction, writes a
 * delivery per subscribed endpoint, the members' messages and the new cursor: nothing is lost or
 * doubled across restarts or nodes. The sender claims due deliveries, signs and POSTs each, and
 * records the answer; a failure is retried with exponential backoff and jitter until attemptsMax.
 */
import { request as httpRequest, type IncomingMessage } from "node:http";
import { request as httpsRequest } from "node:https";
import {
  claimDueDeliveries,
  insertEventDeliveries,
  recordAttempt,
  selectCursor,
  selectJournalAfter,
  writeDerived,
  type DueDelivery,
} from "../db/notifications.js";
import type { WebhookSettings } from "../settings.js";
import {
  deriveNotifications,
  NotCaughtUp,
  type DerivedEvent,
  type EventData,
} from "./notification-events.js";
import { runsHere } from "./cluster.js";
import type { Services } from "./services.js";
import { guardedLookup } from "./webhook-target.js";
import { SIGNATURE_HEADER, signatureHeader } from "./webhook-signature.js";

const JOURNAL_PAGE_ROWS = 2000;
const CLAIM_BATCH = 20;
const ERROR_TEXT_MAX = 200;

/** The JSON body of an event as every endpoint receives it. */
export function eventPayload(tenant: string, event: DerivedEvent, now: number): string {
  return JSON.stringify({
    id: event.id,
    type: event.type,
    tenant,
    createdAt: new Date(now).toISOString(),
    data: event.data,
  });
}

/** Derives one page of a tenant's journal; the number of journal rows consumed. */
export async function relayTenant(services: Services, tenant: string): Promise<number> {
  const from = await selectCursor(services.sql, tenant);
  const entries = await selectJournalAfter(services.sql, { tenant, after: from, limit: JOURNAL_PAGE_ROWS });
  if (entries.length === 0) return 0;
  let derived;
  try {
    derived = await services.gateway.read(tenant, (view) =>
      deriveNotifications(entries, {
        positionMember: (id) => view.position(id)?.member,
        withdrawal: (id) => view.withdrawal(id),
      }),
    );
  } catch (error) {
    if (error instanceof NotCaughtUp) return 0;
    throw error;
  }
  const now = services.now();
  const written = await writeDerived(services.sql, {
    tenant,
    from,
    to: entries[entries.length - 1]!.seq,
    events: derived.events.map((e) => ({ id: e.id, type: e.type, payload: eventPayload(tenant, e, now) })),
    messages: derived.messages.map((m) => ({
      member: m.member,
      kind: m.kind,
      data: JSON.stringify(m.data),
      event_id: m.eventId,
    })),
    now,
  });
  if (written === false) return 0;
  for (const message of written) {
    const notice = {
      tenant,
      member: message.member,
      kind: message.kind,
      data: JSON.parse(message.data) as Record<string, string>,
    };
    for (const channel of ["sms", "wechat"] as const)
      await services.notifier
        .send(channel, notice)
        .catch((error: unknown) => services.logger.warn({ err: error }, "notice failed"));
  }
  return entries.length;
}

/**
 * Derives the pending journal rows of every tenant this node runs (it holds the lease, or nobody does:
 * cluster.ts), page by page; one tenant's failure does not hold up the others. Tenants another node
 * holds are that node's to relay, so each tenant is polled by one node, not by all of them.
 */
export async function relayAll(services: Services): Promise<void> {
  for (const tenant of await services.ledger.listTenants()) {
    if (!runsHere(services.ledger, tenant)) continue;
    try {
      while ((await relayTenant(services, tenant)) === JOURNAL_PAGE_ROWS);
    } catch (error) {
      services.logger.error(
        { err: error, tenant },
        "notification relay failed for a tenant; retried next tick",
      );
    }
  }
}

/** Queues an event the journal does not hold (the pause switch) for the tenant's subscribed endpoints. */
export async function emitEvent(
  services: Services,
  input: { tenant: string; type: DerivedEvent["type"]; id: string; data: EventData },
): Promise<void> {
  const now = services.now();
  const payload = eventPayload(input.tenant, { id: input.id, type: input.type, data: input.data }, now);
  await insertEventDeliveries(services.sql, {
    tenant: input.tenant,
    event: { id: input.id, type: input.type, payload },
    now,
  });
}

/** The wait before attempt `attempts + 1`: doubling from the base up to the cap, the upper half random. */
export function retryDelayMs(settings: WebhookSettings, attempts: number, random = Math.random): number {
  const full = Math.min(settings.retryCapMs, settings.retryBaseMs * 2 ** Math.min(attempts - 1, 30));
  return Math.round(full / 2 + (random() * full) / 2);
}

interface AttemptResult {
  statusCode: number | null;
  error: string | null;
}

/** One signed POST; never throws (a network failure, refusal or timeout comes back as `error`). */
function post(settings: WebhookSettings, delivery: DueDelivery, nowSeconds: number): Promise<AttemptResult> {
  return new Promise((resolve) => {
    let url: URL;
    try {
      url = new URL(delivery.url);
    } catch {
      return resolve({ statusCode: null, error: "invalid URL" });
    }
    const send = url.protocol === "https:" ? httpsRequest : httpRequest;
    const headers = {
      "content-type": "application/json",
      "user-agent": "zengzhi-webhooks/1",
      "zengzhi-event": delivery.event,
      "zengzhi-delivery": delivery.event_id,
      [SIGNATURE_HEADER]: signatureHeader(delivery.secret, nowSeconds, delivery.payload),
    };
    const req = send(
      url,
      {
        method: "POST",
        headers,
        lookup: guardedLookup(settings.allowPrivateTargets),
        timeout: settings.timeoutMs,
      },
      (response: IncomingMessage) => {
        response.resume();
        response.on("end", () => resolve({ statusCode: response.statusCode ?? null, error: null }));
        response.on("error", (error) =>
          resolve({ statusCode: response.statusCode ?? null, error: error.message }),
        );
      },
    );
    req.on("timeout", () => req.destroy(new Error(`no answer within ${settings.timeoutMs} ms`)));
    req.on("error", (error) => resolve({ statusCode: null, error: error.message.slice(0, ERROR_TEXT_MAX) }));
    req.end(delivery.payload);
  });
}

/** Sends one claimed delivery and records the outcome: delivered on 2xx, else retried or failed. */
async function attempt(services: Services, delivery: DueDelivery): Promise<void> {
  const settings = services.webhooks;
  const result = await post(settings, delivery, Math.floor(services.now() / 1000));
  const attempts = delivery.attempts + 1;
  const ok = result.statusCode !== null && result.statusCode >= 200 && result.statusCode < 300;
  const now = services.now();
  const status = ok ? "delivered" : attempts >= settings.attemptsMax ? "failed" : "pending";
  await recordAttempt(services.sql, {
    tenant: delivery.tenant_id,
    id: delivery.delivery_id,
    attempts,
    status,
    nextAttemptAt: status === "pending" ? now + retryDelayMs(settings, attempts) : null,
    statusCode: result.statusCode,
    error: ok ? null : (result.error ?? `answered ${result.statusCode}`),
    now,
  });
}

/** Sends every delivery due now (in claims of CLAIM_BATCH); the number sent. */
export async function deliverDue(services: Services): Promise<number> {
  let sent = 0;
  for (;;) {
    const lease = services.webhooks.timeoutMs * 2;
    const due = await claimDueDeliveries(services.sql, {
      now: services.now(),
      leaseMs: lease,
      limit: CLAIM_BATCH,
    });
    await Promise.all(due.map((delivery) => attempt(services, delivery)));
    sent += due.length;
    if (due.length < CLAIM_BATCH) return sent;
  }
}

/** Runs the relay and the sender every `intervalMs` until stopped (server.ts). */
export function startNotifications(
  services: Services,
  options: { intervalMs?: number; onError: (error: unknown) => void },
) {
  let running: Promise<void> = Promise.resolve();
  const tick = () => {
    running = running
      .then(async () => {
        await relayAll(services);
        await deliverDue(services);
      })
      .catch(options.onError);
  };
  const timer = setInterval(tick, options.intervalMs ?? 1000);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}

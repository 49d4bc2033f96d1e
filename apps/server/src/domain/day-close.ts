/**
 * Closing days on the calendar (issue #13): at each local midnight of a tenant's time zone the date
 * that ended is closed (the engine advances one day, paid orders past their refund window settle,
 * the liabilities are published). Each close is the ledger command `advance` keyed by its date
 * (`calendar-close|2026-12-04`), so the journal records which date it closed and a date is closed
 * once however often it is asked for: after downtime every missed date is closed in order, once.
 * Only the node holding the tenant's writer lease (or any node when none holds it) closes.
 */
import { type Actor, noteBy } from "./audit-log.js";
import { DEFAULT_TIME_ZONE, type TenantCalendar, isTimeZone, localDate } from "./calendar.js";
import { runsHere } from "./cluster.js";
import { ApiError } from "./errors.js";
import { recordLiabilities } from "./liabilities.js";
import { projectSettled } from "./orders.js";
import type { Services } from "./services.js";
import { samplePrice } from "./transparency.js";

/** The service itself, as the actor of automatic closes in the audit trail. */
const CALENDAR_ACTOR = (tenant: string): Actor => ({ tenant, username: "calendar", role: "system" });

export function closeKey(date: string): string {
  return `calendar-close|${date}`;
}

/**
 * The tenant's calendar. On first use it is anchored: the engine's current day is today's date in
 * the default zone, or `anchorDate` (the seeded demo starts yesterday, so its first close is due).
 */
export async function calendarOf(
  services: Services,
  tenant: string,
  anchorDate?: string,
): Promise<TenantCalendar> {
  const day = await services.gateway.read(tenant, (engine) => engine.day);
  const date = anchorDate ?? localDate(services.now(), DEFAULT_TIME_ZONE);
  return services.calendars.of(tenant, { day, date });
}

/** Closes local `date` (the one the engine's current day stands for); repeating it changes nothing. */
export async function closeDate(
  services: Services,
  tenant: string,
  close: { date: string; actor: Actor; expect?: string },
): Promise<{ day: number; settledOrders: number }> {
  const command = {
    type: "advance" as const,
    days: 1,
    ...(close.expect === undefined ? {} : { expect: close.expect }),
  };
  const outcome = await services.gateway.submit(
    tenant,
    closeKey(close.date),
    command,
    noteBy(close.actor, { action: "close-day", target: close.date, detail: { date: close.date } }),
  );
  const settledOrders = await projectSettled(services, tenant, outcome);
  await samplePrice(services, tenant, true);
  await recordLiabilities(services, tenant, { seq: Number(outcome.seq), days: 1 });
  return { day: await services.gateway.read(tenant, (engine) => engine.day), settledOrders };
}

/** Closes every date of the tenant that has ended and is not closed yet, oldest first; returns them. */
export async function closeDueDates(services: Services, tenant: string): Promise<string[]> {
  const calendar = await calendarOf(services, tenant);
  const day = await services.gateway.read(tenant, (engine) => engine.day);
  const due = calendar.dueDates(day, services.now());
  for (const date of due) await closeDate(services, tenant, { date, actor: CALENDAR_ACTOR(tenant) });
  return due;
}

/**
 * The operator's manual close, for tests and demos only (ZENGZHI_MANUAL_CLOSE): closes the next
 * `days` dates ahead of the clock, each keyed by its date like an automatic close. `expect`, a
 * preview's state hash, guards the first of them (preview_stale when the state has moved).
 */
export async function closeDaysManually(
  services: Services,
  actor: Actor,
  input: { days: number; expect?: string },
): Promise<{ day: number; date: string; settledOrders: number }> {
  if (!services.manualClose) {
    throw new ApiError(
      409,
      "manual_close_disabled",
      "days close by themselves at local midnight; the manual close is off on this deployment",
    );
  }
  const calendar = await calendarOf(services, actor.tenant);
  let answer = { day: 0, settledOrders: 0 };
  let settledOrders = 0;
  for (let i = 0; i < input.days; i++) {
    const day = await services.gateway.read(actor.tenant, (engine) => engine.day);
    const date = calendar.dateOfDay(day);
    const expect = i === 0 ? input.expect : undefined;
    answer = await closeDate(services, actor.tenant, {
      date,
      actor,
      ...(expect === undefined ? {} : { expect }),
    });
    settledOrders += answer.settledOrders;
  }
  return { day: answer.day, date: calendar.dateOfDay(answer.day), settledOrders };
}

/**
 * The scheduler: every `checkMs` (and at once) closes each tenant's due dates, using the services'
 * clock, so a test that moves the clock sees the closes. One run at a time; a failure is reported and
 * the next run tries again. `stop` waits for a run in progress.
 */
export function startCalendar(
  services: Services,
  options: {
    checkMs: number;
    onError: (error: unknown) => void;
    /** Runs after a tenant's dates closed, with those dates (provider reconciliation: server.ts). */
    afterClose?: (tenant: string, dates: string[]) => Promise<void>;
  },
): { stop(): Promise<void>; runNow(): Promise<void> } {
  let running: Promise<void> = Promise.resolve();
  const runOnce = async () => {
    for (const tenant of await services.ledger.listTenants()) {
      if (!runsHere(services.ledger, tenant)) continue;
      const closed = await closeDueDates(services, tenant);
      if (closed.length > 0) await options.afterClose?.(tenant, closed);
    }
  };
  const run = () => {
    running = running.then(runOnce).then(
      () => undefined,
      (error: unknown) => options.onError(error),
    );
    return running;
  };
  void run();
  const timer = setInterval(() => void run(), options.checkMs);
  timer.unref();
  return {
    runNow: run,
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}

/** The calendar as the operator sees it: zone, today, the date being run and when it closes. */
export async function readCalendar(services: Services, tenant: string) {
  const calendar = await calendarOf(services, tenant);
  const day = await services.gateway.read(tenant, (engine) => engine.day);
  return {
    timeZone: calendar.timeZone,
    today: localDate(services.now(), calendar.timeZone),
    day,
    date: calendar.dateOfDay(day),
    nextCloseAt: calendar.iso(calendar.nextCloseAt(day)),
    manualClose: services.manualClose,
  };
}

/** Sets the tenant's time zone (an IANA name this runtime knows); audited. */
export async function setTimeZone(services: Services, actor: Actor, timeZone: string) {
  if (!isTimeZone(timeZone))
    throw new ApiError(
      400,
      "invalid_time_zone",
      "not an IANA time zone name (e.g. Asia/Shanghai)",
      "timeZone",
    );
  await calendarOf(services, actor.tenant);
  await services.calendars.setTimeZone(actor.tenant, timeZone);
  await services.audit.recordBy(actor, { action: "set-time-zone", target: null, detail: { timeZone } });
  return readCalendar(services, actor.tenant);
}

/** The tenant's time zone, for clients that show dates (GET /api/auth/me). */
export async function timeZoneOf(services: Services, tenant: string): Promise<string> {
  return (await calendarOf(services, tenant)).timeZone;
}

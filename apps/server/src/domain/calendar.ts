/**
 * The real calendar (issue #13): each tenant's time zone, and the one place an engine day is mapped
 * to a local date and back. A tenant's calendar is anchored once (engine day `anchorDay` is local
 * date `anchorDate`); every later day is that date plus the difference, because each close moves the
 * engine exactly one day and closes exactly one date. Dates are ISO strings ("2026-12-04").
 */
import { type CalendarSetting, insertCalendar, selectCalendar, updateTimeZone } from "../db/calendar.js";
import type { Sql } from "@zengzhi/store";

export const DEFAULT_TIME_ZONE = "Asia/Shanghai";
const DAY_MS = 86_400_000;

const formatters = new Map<string, Intl.DateTimeFormat>();

function partsFormatter(timeZone: string): Intl.DateTimeFormat {
  let found = formatters.get(timeZone);
  if (found === undefined) {
    found = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    });
    formatters.set(timeZone, found);
  }
  return found;
}

/** Whether `name` is an IANA time zone this runtime knows ("Asia/Shanghai", "UTC"); offsets are not. */
export function isTimeZone(name: string): boolean {
  if (!/^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+){0,2}$/.test(name) || name.length > 64) return false;
  try {
    partsFormatter(name);
    return true;
  } catch {
    return false;
  }
}

function localParts(ms: number, timeZone: string) {
  const parts: Record<string, number> = {};
  for (const part of partsFormatter(timeZone).formatToParts(new Date(ms))) {
    if (part.type !== "literal") parts[part.type] = Number(part.value);
  }
  const field = (name: string) => parts[name] ?? 0;
  return {
    year: field("year"),
    month: field("month"),
    day: field("day"),
    hour: field("hour"),
    minute: field("minute"),
    second: field("second"),
  };
}

/** Minutes the zone is ahead of UTC at instant `ms` (480 for Asia/Shanghai). */
export function offsetMinutes(ms: number, timeZone: string): number {
  const p = localParts(ms, timeZone);
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return Math.round((asUtc - Math.floor(ms / 1000) * 1000) / 60_000);
}

const pad = (n: number, width = 2) => String(n).padStart(width, "0");

/** The local date of instant `ms` in the zone. */
export function localDate(ms: number, timeZone: string): string {
  const p = localParts(ms, timeZone);
  return `${pad(p.year, 4)}-${pad(p.month)}-${pad(p.day)}`;
}

/** The instant as ISO 8601 in the zone, with its offset: "2026-12-04T00:00:05+08:00". */
export function isoInZone(ms: number, timeZone: string): string {
  const p = localParts(ms, timeZone);
  const offset = offsetMinutes(ms, timeZone);
  const sign = offset < 0 ? "-" : "+";
  const abs = Math.abs(offset);
  return (
    `${pad(p.year, 4)}-${pad(p.month)}-${pad(p.day)}T${pad(p.hour)}:${pad(p.minute)}:${pad(p.second)}` +
    `${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`
  );
}

function dateMs(date: string): number {
  const [year = 0, month = 1, day = 1] = date.split("-").map(Number);
  return Date.UTC(year, month - 1, day);
}

/** The date `days` after `date` (before it when negative). */
export function addDays(date: string, days: number): string {
  return new Date(dateMs(date) + days * DAY_MS).toISOString().slice(0, 10);
}

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  return Math.round((dateMs(to) - dateMs(from)) / DAY_MS);
}

/** The instant local `date` begins (its midnight) in the zone. */
export function midnightOf(date: string, timeZone: string): number {
  // Start from UTC midnight and correct by the zone's offset there and at the corrected instant
  // (twice: a daylight-saving change between the two moves the offset).
  let guess = dateMs(date) - offsetMinutes(dateMs(date), timeZone) * 60_000;
  guess = dateMs(date) - offsetMinutes(guess, timeZone) * 60_000;
  return guess;
}

/** One tenant's calendar: its zone and the mapping between engine days and local dates. */
export class TenantCalendar {
  constructor(private readonly setting: CalendarSetting) {}

  get timeZone(): string {
    return this.setting.timeZone;
  }

  /** The local date engine day `day` stands for. */
  dateOfDay(day: number): string {
    return addDays(this.setting.anchorDate, day - this.setting.anchorDay);
  }

  /** The engine day of local `date`. */
  dayOfDate(date: string): number {
    return this.setting.anchorDay + daysBetween(this.setting.anchorDate, date);
  }

  /** The dates after engine day `day` that have ended by instant `now` (oldest first): what is due to close. */
  dueDates(day: number, now: number): string[] {
    const today = localDate(now, this.timeZone);
    const due: string[] = [];
    for (let date = this.dateOfDay(day); date < today; date = addDays(date, 1)) due.push(date);
    return due;
  }

  /** When the date engine day `day` stands for ends (the next automatic close). */
  nextCloseAt(day: number): number {
    return midnightOf(addDays(this.dateOfDay(day), 1), this.timeZone);
  }

  iso(ms: number): string {
    return isoInZone(ms, this.timeZone);
  }
}

/** The tenants' calendars, read once and cached (the setting changes only through `setTimeZone`). */
export class Calendars {
  private readonly cache = new Map<string, TenantCalendar>();

  constructor(private readonly sql: Sql) {}

  /**
   * The tenant's calendar; a tenant without one is anchored now: its current engine day is today.
   * A seeded demo may anchor earlier (`anchorDate`), so its first close is already due.
   */
  async of(tenant: string, start: { day: number; date: string }): Promise<TenantCalendar> {
    const cached = this.cache.get(tenant);
    if (cached !== undefined) return cached;
    let setting = await selectCalendar(this.sql, tenant);
    if (setting === undefined) {
      // Two nodes anchoring at once: the first insert wins and both read it back.
      await insertCalendar(this.sql, tenant, {
        timeZone: DEFAULT_TIME_ZONE,
        anchorDate: start.date,
        anchorDay: start.day,
      });
      setting = (await selectCalendar(this.sql, tenant))!;
    }
    const calendar = new TenantCalendar(setting);
    this.cache.set(tenant, calendar);
    return calendar;
  }

  async setTimeZone(tenant: string, timeZone: string): Promise<void> {
    await updateTimeZone(this.sql, tenant, timeZone);
    this.cache.delete(tenant);
  }
}

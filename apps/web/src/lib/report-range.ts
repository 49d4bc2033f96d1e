/** Dates for the report page: local calendar dates as YYYY-MM-DD and chart positions (display only). */

const DAY_MS = 86_400_000;

/** The date `days` days before `date` (both YYYY-MM-DD). */
export function shiftDate(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

/** Today's date in a time zone (the tenant's, when known). */
export function localToday(timeZone: string, now = new Date()): string {
  return new Intl.DateTimeFormat("en-CA", { timeZone }).format(now);
}

/**
 * Where a bucket sits on a time axis: noon UTC of its first date, in unix seconds, so that the
 * axis shows the same date in any browser time zone within ±12 hours of UTC.
 */
export const periodSeconds = (period: string): number => Date.parse(`${period}T12:00:00Z`) / 1000;

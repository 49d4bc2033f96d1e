// The calendar's date arithmetic: local dates, offsets, midnights (daylight saving included) and the
// mapping between engine days and dates.
import { describe, expect, it } from "vitest";
import {
  TenantCalendar,
  addDays,
  daysBetween,
  isTimeZone,
  isoInZone,
  localDate,
  midnightOf,
  offsetMinutes,
} from "./calendar.js";

const at = (iso: string) => Date.parse(iso);

describe("the calendar", () => {
  it("takes IANA zone names and refuses offsets, unknown names and junk", () => {
    expect(isTimeZone("Asia/Shanghai")).toBe(true);
    expect(isTimeZone("America/Argentina/Buenos_Aires")).toBe(true);
    expect(isTimeZone("UTC")).toBe(true);
    for (const bad of ["", "+08:00", "Mars/Olympus", "Asia/Shanghai ", "../etc", "a".repeat(65)])
      expect(isTimeZone(bad), bad).toBe(false);
  });

  it("gives the local date and time with its offset", () => {
    const instant = at("2026-12-03T16:00:05Z");
    expect(localDate(instant, "Asia/Shanghai")).toBe("2026-12-04");
    expect(localDate(instant, "UTC")).toBe("2026-12-03");
    expect(isoInZone(instant, "Asia/Shanghai")).toBe("2026-12-04T00:00:05+08:00");
    expect(isoInZone(instant, "America/New_York")).toBe("2026-12-03T11:00:05-05:00");
    expect(offsetMinutes(instant, "Asia/Kolkata")).toBe(330);
  });

  it("finds local midnight, also on a daylight-saving day", () => {
    expect(midnightOf("2026-12-04", "Asia/Shanghai")).toBe(at("2026-12-03T16:00:00Z"));
    // New York moves its clocks on 2026-03-08 at 02:00 and 2026-11-01 at 02:00.
    expect(midnightOf("2026-03-09", "America/New_York")).toBe(at("2026-03-09T04:00:00Z"));
    expect(midnightOf("2026-03-08", "America/New_York")).toBe(at("2026-03-08T05:00:00Z"));
    expect(midnightOf("2026-11-02", "America/New_York")).toBe(at("2026-11-02T05:00:00Z"));
  });

  it("adds and counts days across months and years", () => {
    expect(addDays("2026-12-31", 1)).toBe("2027-01-01");
    expect(addDays("2028-03-01", -1)).toBe("2028-02-29");
    expect(daysBetween("2026-12-03", "2027-01-02")).toBe(30);
  });

  it("maps engine days to dates and lists the dates due to close, oldest first", () => {
    const calendar = new TenantCalendar({
      timeZone: "Asia/Shanghai",
      anchorDate: "2026-12-03",
      anchorDay: 4,
    });
    expect(calendar.dateOfDay(4)).toBe("2026-12-03");
    expect(calendar.dateOfDay(6)).toBe("2026-12-05");
    expect(calendar.dayOfDate("2026-12-05")).toBe(6);
    // Nothing is due before local midnight; at 00:00 the date that ended is.
    expect(calendar.dueDates(4, at("2026-12-03T15:59:59Z"))).toEqual([]);
    expect(calendar.dueDates(4, at("2026-12-03T16:00:00Z"))).toEqual(["2026-12-03"]);
    expect(calendar.dueDates(4, at("2026-12-06T01:00:00Z"))).toEqual([
      "2026-12-03",
      "2026-12-04",
      "2026-12-05",
    ]);
    expect(calendar.dueDates(7, at("2026-12-06T01:00:00Z"))).toEqual([]);
    expect(calendar.iso(calendar.nextCloseAt(4))).toBe("2026-12-04T00:00:00+08:00");
  });
});

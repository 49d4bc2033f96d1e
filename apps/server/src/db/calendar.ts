/** SQL on app_settings for the calendar: a tenant's time zone and the anchor of its engine days. */
import type { Sql } from "@zengzhi/store";

export interface CalendarSetting {
  timeZone: string;
  /** The local date engine day `anchorDay` stands for. */
  anchorDate: string;
  anchorDay: number;
}

function isSetting(value: unknown): value is CalendarSetting {
  const v = value as Partial<CalendarSetting> | null;
  return (
    typeof v?.timeZone === "string" && typeof v.anchorDate === "string" && typeof v.anchorDay === "number"
  );
}

export async function selectCalendar(sql: Sql, tenant: string): Promise<CalendarSetting | undefined> {
  const { rows } = await sql.query<{ value: unknown }>(
    "SELECT value FROM app_settings WHERE tenant_id = $1 AND name = 'calendar'",
    [tenant],
  );
  const value = rows[0]?.value;
  return isSetting(value) ? value : undefined;
}

/** Anchors a tenant's calendar unless it has one (the first writer wins). */
export async function insertCalendar(sql: Sql, tenant: string, setting: CalendarSetting): Promise<void> {
  await sql.query(
    `INSERT INTO app_settings (tenant_id, name, value) VALUES ($1, 'calendar', $2::jsonb)
     ON CONFLICT (tenant_id, name) DO NOTHING`,
    [tenant, JSON.stringify(setting)],
  );
}

export async function updateTimeZone(sql: Sql, tenant: string, timeZone: string): Promise<void> {
  await sql.query(
    `UPDATE app_settings SET value = jsonb_set(value, '{timeZone}', to_jsonb($2::text))
     WHERE tenant_id = $1 AND name = 'calendar'`,
    [tenant, timeZone],
  );
}

/**
 * The tenant's time zone: local days of reports (and, later, of the calendar) are days of this zone.
 * One function so that the per-tenant setting (issue #13 item 1) plugs in here and nowhere else.
 */
import type { Services } from "./services.js";

/** The zone a tenant without a setting of its own runs in. */
export const DEFAULT_TIME_ZONE = "Asia/Shanghai";

/** The IANA time zone of a tenant's local days. */
export function tenantTimeZone(services: Services, tenant: string): Promise<string> {
  void services;
  void tenant;
  return Promise.resolve(DEFAULT_TIME_ZONE);
}

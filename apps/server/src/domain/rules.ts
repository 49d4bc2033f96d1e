/**
 * Rule sets: the version in force with its history, and publishing a new version (validated by the
 * engine's loader; applies to later events only). The history of versions is kept in app_rule_versions.
 */
import { selectRuleVersions } from "../db/history.js";
import { recordRuleVersion, validateRules } from "./accounts.js";
import type { Session } from "./auth.js";
import { once, type RequestKey } from "./idempotency.js";
import type { Services } from "./services.js";
import { rulesView } from "./views.js";
import { noteBy } from "./audit-log.js";
import { expecting } from "./previews.js";

export async function readRules(services: Services, session: Session) {
  const current = await services.gateway.read(session.tenant, rulesView);
  const rows = await selectRuleVersions(services.sql, session.tenant, 100);
  const versions = rows.map((row) => ({
    version: Number(row.version),
    rules: row.rules,
    seq: row.seq === null ? null : Number(row.seq),
    createdAt: new Date(row.created_at).toISOString(),
    createdBy: row.created_by,
  }));
  const latest = versions[0];
  return {
    current: { ...(latest ?? { version: 1, seq: null, createdAt: null, createdBy: null }), rules: current },
    versions,
  };
}

export function publishRules(
  services: Services,
  request: { session: Session; key: RequestKey },
  input: { rules: unknown; stateHash?: string | undefined },
) {
  const { session } = request;
  const tenant = session.tenant;
  return once(services.sql, { tenant, key: request.key }, async () => {
    const rules = validateRules(input.rules);
    const outcome = await services.gateway.submit(
      tenant,
      request.key.ledger,
      { type: "rules", rules, ...expecting(input.stateHash) },
      noteBy(session, { action: "rules.publish", target: null, detail: { rules } }),
    );
    const seq = typeof outcome.seq === "number" ? outcome.seq : null;
    const version = await recordRuleVersion(services, { tenant, rules, seq, createdBy: session.username });
    return {
      status: 201,
      body: {
        version,
        rules,
        seq,
        createdAt: new Date(services.now()).toISOString(),
        createdBy: session.username,
      },
    };
  });
}

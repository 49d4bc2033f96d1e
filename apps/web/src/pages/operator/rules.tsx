/**
 * The rule-set editor: the current rules as JSON, saved as a new version that the server validates
 * with the engine (its message names the rule at fault), the plain-language reading of the draft,
 * and the version history.
 */
import { useEffect, useState } from "react";
import { RulesExplained } from "../../components/rules-explained.js";
import { DataTable } from "../../components/table.js";
import { ActionButton, Card, ErrorBox, Loading, Notice } from "../../components/ui.js";
import { useI18n } from "../../i18n/index.js";
import { api, ApiError, type RulesJson, type RuleVersion } from "../../lib/api.js";
import { formatDateTime } from "../../lib/format.js";
import { useData } from "../../lib/use-data.js";

function parseDraft(text: string): RulesJson | ApiError {
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
      return new ApiError(400, "invalid_json", undefined, "{ … }", null);
    }
    return value as RulesJson;
  } catch (error) {
    return new ApiError(400, "invalid_json", undefined, String(error), null);
  }
}

export function RulesEditor() {
  const { t, locale } = useI18n();
  const rules = useData(() => api.rules());
  const [draft, setDraft] = useState("");
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState<number | null>(null);
  useEffect(() => {
    if (rules.data !== undefined) setDraft(JSON.stringify(rules.data.current.rules, null, 2));
  }, [rules.data]);
  if (rules.error) return <ErrorBox error={rules.error} />;
  if (rules.data === undefined) return <Loading />;
  const parsed = parseDraft(draft);
  const save = async () => {
    setError(null);
    setSaved(null);
    if (parsed instanceof ApiError) throw parsed;
    const version = await api.saveRules(parsed);
    setSaved(version.version);
    rules.reload();
  };
  return (
    <>
      <Card title={`${t("operator.rulesEditor")} · ${t("rules.version", { v: rules.data.current.version })}`}>
        <div className="form">
          <textarea
            rows={18}
            spellCheck={false}
            value={draft}
            onChange={(event) => setDraft(event.target.value)}
            name="rules"
            data-testid="rules-json"
            aria-label={t("operator.rulesEditor")}
          />
          <ErrorBox error={parsed instanceof ApiError ? parsed : error} />
          <ActionButton className="btn btn-primary" action={save} onError={setError} data-testid="rules-save">
            {t("common.save")}
          </ActionButton>
          {saved === null ? null : (
            <Notice tone="ok">
              <span data-testid="rules-saved">{t("operator.rulesSaved", { version: saved })}</span>
            </Notice>
          )}
        </div>
      </Card>
      {parsed instanceof ApiError ? null : (
        <Card title={t("public.rules")}>
          <RulesExplained rules={parsed} />
        </Card>
      )}
      <Card title={t("operator.rulesHistory")}>
        <DataTable<RuleVersion>
          name="rule-versions"
          rows={rules.data.versions}
          rowKey={(row) => row.version}
          columns={[
            { key: "version", label: t("operator.version"), numeric: true },
            {
              key: "createdAt",
              label: t("common.date"),
              render: (row) => formatDateTime(row.createdAt, locale),
            },
            { key: "createdBy", label: t("operator.actor") },
            { key: "seq", label: "seq", numeric: true },
            {
              key: "rules",
              label: t("operator.detail"),
              render: (row) => <code className="small">{summary(row.rules)}</code>,
            },
          ]}
        />
      </Card>
    </>
  );
}

function summary(rules: RulesJson): string {
  const pick = ["exitMultiple", "sellFee", "issueRatio"].map((key) => `${key}=${String(rules[key] ?? "")}`);
  return pick.join(" ");
}

/**
 * The rule-set editor: the current rules as JSON, saved as a new version that the server validates
 * with the engine (its message names the rule at fault), the plain-language reading of the draft,
 * and the version history.
 */
import { useEffect, useState } from "react";
import { RulesExplained } from "../../components/rules-explained.js";
import { DataTable } from "../../components/table.js";
import { CommandForm } from "../../components/command-form.js";
import { Card, ErrorBox, Loading, Notice } from "../../components/ui.js";
import { useI18n } from "../../i18n/index.js";
import { api, ApiError, type RulesJson, type RuleVersion } from "../../lib/api.js";
import { formatDateTime } from "../../lib/format.js";
import { useData } from "../../lib/use-data.js";
import { RulesForm } from "./rules-form.js";

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
  const { t, locale, errorText } = useI18n();
  const rules = useData(() => api.rules());
  const [draft, setDraft] = useState<RulesJson | null>(null);
  const [text, setText] = useState("");
  const [jsonError, setJsonError] = useState<ApiError | null>(null);
  const [saved, setSaved] = useState<number | null>(null);
  useEffect(() => {
    if (rules.data === undefined) return;
    setDraft(rules.data.current.rules);
    setText(JSON.stringify(rules.data.current.rules, null, 2));
    setJsonError(null);
  }, [rules.data]);
  if (rules.error) return <ErrorBox error={rules.error} />;
  if (rules.data === undefined || draft === null) return <Loading />;
  const editForm = (next: RulesJson) => {
    setDraft(next);
    setText(JSON.stringify(next, null, 2));
    setJsonError(null);
    setSaved(null);
  };
  const editText = (next: string) => {
    setText(next);
    setSaved(null);
    const parsed = parseDraft(next);
    if (parsed instanceof ApiError) setJsonError(parsed);
    else {
      setJsonError(null);
      setDraft(parsed);
    }
  };
  const save = async (key: string) => {
    setSaved(null);
    if (jsonError !== null) throw jsonError;
    const version = await api.saveRules(draft, key);
    setSaved(version.version);
    rules.reload();
  };
  return (
    <>
      <CommandForm
        title={`${t("operator.rulesEditor")} · ${t("rules.version", { v: rules.data.current.version })}`}
        input={draft}
        submit={save}
        submitLabel={t("common.save")}
        testId="rules-save"
        inputError={jsonError}
        result={
          saved === null ? null : (
            <Notice tone="ok">
              <span data-testid="rules-saved">{t("operator.rulesSaved", { version: saved })}</span>
            </Notice>
          )
        }
      >
        {({ error }) => (
          <>
            <RulesForm
              rules={draft}
              onChange={editForm}
              errorField={error instanceof ApiError ? error.field?.replace(/^rules\./, "") : undefined}
              errorText={error instanceof ApiError ? errorText(error) : null}
            />
            <details>
              <summary>{t("operator.rulesJson")}</summary>
              <textarea
                rows={18}
                spellCheck={false}
                value={text}
                onChange={(event) => editText(event.target.value)}
                name="rules"
                data-testid="rules-json"
                aria-label={t("operator.rulesJson")}
              />
            </details>
          </>
        )}
      </CommandForm>
      <Card title={t("public.rules")}>
        <RulesExplained rules={draft} />
      </Card>
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

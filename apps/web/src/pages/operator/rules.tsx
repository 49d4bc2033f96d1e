/**
 * The rule-set editor: the current rules as JSON, saved as a new version that the server validates
 * with the engine (its message names the rule at fault), the plain-language reading of the rules in
 * force, an unsaved draft's changes beside them, and the version history with each version's changes
 * from the one before, field by field.
 */
import { useEffect, useState } from "react";
import { RulesExplained } from "../../components/rules-explained.js";
import { DataTable } from "../../components/table.js";
import { CommandForm } from "../../components/command-form.js";
import { PreviewButton, PreviewPanel, usePreview } from "../../components/action-preview.js";
import { Card, ErrorBox, Loading, Notice } from "../../components/ui.js";
import { useSession } from "../../lib/session.js";
import { isMessageKey, useI18n } from "../../i18n/index.js";
import { api, ApiError, type RulesJson, type RuleVersion } from "../../lib/api.js";
import { formatDateTime, isDecimal } from "../../lib/format.js";
import { ruleChanges } from "../../lib/rule-diff.js";
import { useData } from "../../lib/use-data.js";
import { RulesForm } from "./rules-form.js";
import { RulePreview } from "./rules-preview.js";

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
  const { timeZone } = useSession();
  const rules = useData(() => api.rules());
  const [draft, setDraft] = useState<RulesJson | null>(null);
  const [text, setText] = useState("");
  const [jsonError, setJsonError] = useState<ApiError | null>(null);
  const [saved, setSaved] = useState<number | null>(null);
  // The draft's preview on the live state (forced exits a new exit multiple would cause, say).
  const preview = usePreview(draft, (rulesDraft) => api.previewRules(rulesDraft ?? {}));
  useEffect(() => {
    if (rules.data === undefined) return;
    setDraft(rules.data.current.rules);
    setText(JSON.stringify(rules.data.current.rules, null, 2));
    setJsonError(null);
  }, [rules.data]);
  if (rules.error) return <ErrorBox error={rules.error} />;
  if (rules.data === undefined || draft === null) return <Loading />;
  const versions = rules.data.versions;
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
  const runPreview = async () => {
    setSaved(null);
    if (jsonError !== null) throw jsonError;
    await preview.run();
  };
  const save = async (key: string) => {
    setSaved(null);
    if (jsonError !== null) throw jsonError;
    const version = await preview.confirm((stateHash) => api.saveRules(draft, stateHash, key));
    setSaved(version.version);
    rules.reload();
  };
  return (
    <>
      <CommandForm
        title={`${t("operator.rulesEditor")} · ${t("rules.version", { v: rules.data.current.version })}`}
        input={{ draft, stateHash: preview.preview?.stateHash }}
        submit={save}
        submitLabel={t("preview.confirmRules")}
        showSubmit={preview.ready}
        testId="rules-confirm"
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
            <PreviewButton
              previewed={preview.preview !== null}
              run={runPreview}
              input={draft}
              testId="rules-save"
            />
            {preview.preview === null ? null : <PreviewPanel preview={preview.preview} />}
          </>
        )}
      </CommandForm>
      <Card title={t("public.rules")}>
        <RulesExplained rules={rules.data.current.rules} />
      </Card>
      {ruleChanges(rules.data.current.rules, draft).length === 0 ? null : (
        <Card title={t("operator.rulesDraft")}>
          <RuleChangeList before={rules.data.current.rules} after={draft} testId="rules-draft-changes" />
          <RulesExplained rules={draft} />
        </Card>
      )}
      <RulePreview draft={draft} />
      <Card title={t("operator.rulesHistory")}>
        <DataTable<RuleVersion>
          name="rule-versions"
          rows={versions}
          rowKey={(row) => row.version}
          columns={[
            { key: "version", label: t("operator.version"), numeric: true },
            {
              key: "createdAt",
              label: t("common.date"),
              render: (row) => formatDateTime(row.createdAt, locale, timeZone),
            },
            { key: "createdBy", label: t("operator.actor") },
            {
              key: "rules",
              label: t("operator.rulesChanges"),
              csv: (row) => JSON.stringify(row.rules),
              render: (row) => {
                const index = versions.indexOf(row);
                const previous = versions[index + 1];
                return previous === undefined ? (
                  t("operator.rulesFirst")
                ) : (
                  <RuleChangeList before={previous.rules} after={row.rules} />
                );
              },
            },
          ]}
        />
      </Card>
    </>
  );
}

function formatValue(value: unknown, absent: string): string {
  if (value === undefined) return absent;
  if (typeof value !== "string") return JSON.stringify(value);
  // Exact decimals without the padding zeros ("0.150000000" → "0.15").
  return isDecimal(value) && value.includes(".") ? value.replace(/\.?0+$/, "") : value;
}

/** The fields that differ between two rule sets, each as "label: before → after". */
function RuleChangeList({ before, after, testId }: { before: RulesJson; after: RulesJson; testId?: string }) {
  const { t } = useI18n();
  const changes = ruleChanges(before, after);
  if (changes.length === 0) return <span className="muted">{t("operator.rulesUnchanged")}</span>;
  const absent = t("operator.rulesAbsent");
  return (
    <ul className="small rule-changes" data-testid={testId}>
      {changes.map((change) => {
        const key = `rule.${change.path}`;
        return (
          <li key={change.path}>
            {t("common.labelled", {
              label: isMessageKey(key) ? t(key) : change.path,
              value: `${formatValue(change.before, absent)} → ${formatValue(change.after, absent)}`,
            })}
          </li>
        );
      })}
    </ul>
  );
}

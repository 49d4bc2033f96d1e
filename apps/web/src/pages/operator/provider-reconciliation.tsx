/**
 * Provider reconciliation beside the custody reconciliation: each date's result per provider (run
 * after every day close, or now for a chosen date) and every mismatch with its kind.
 */
import { useState } from "react";
import { CommandForm } from "../../components/command-form.js";
import { DataTable } from "../../components/table.js";
import { ErrorBox, Field, Notice } from "../../components/ui.js";
import { useI18n } from "../../i18n/index.js";
import { api, type ProviderReconciliationList } from "../../lib/api.js";
import { formatDateTime, formatMoney } from "../../lib/format.js";
import { useSession } from "../../lib/session.js";
import { useData } from "../../lib/use-data.js";

type Run = ProviderReconciliationList["items"][number];
type Mismatch = Run["mismatches"][number];

const SOURCES = new Set(["order_payments", "prepaid_top_ups", "order_refunds", "unknown"]);

export function ProviderReconciliation() {
  const { t } = useI18n();
  const [date, setDate] = useState("");
  const runs = useData(() => api.providerReconciliations());
  const submit = async (key: string) => {
    await api.reconcileProviders(date.trim(), key);
    runs.reload();
  };
  const items = runs.data?.items ?? [];
  return (
    <CommandForm
      title={t("providerRecon.title")}
      hint={t("providerRecon.hint")}
      input={{ date: date.trim() }}
      submit={submit}
      submitLabel={t("providerRecon.run")}
      testId="provider-reconcile"
    >
      <Field
        label={t("providerRecon.date")}
        name="provider-reconcile-date"
        type="date"
        value={date}
        onChange={(event) => setDate(event.target.value)}
      />
      <ErrorBox error={runs.error} />
      {runs.data !== undefined && items.length === 0 ? (
        <p className="muted">{t("providerRecon.none")}</p>
      ) : null}
      {items.map((run) => (
        <RunResult key={`${run.date}-${run.provider}`} run={run} />
      ))}
    </CommandForm>
  );
}

function RunResult({ run }: { run: Run }) {
  const { t, locale } = useI18n();
  const { timeZone } = useSession();
  const tone = run.status === "matched" ? "ok" : "warn";
  const source = (name: string) =>
    SOURCES.has(name) ? t(`providerRecon.source.${name as "unknown"}`) : name;
  return (
    <div data-testid={`provider-recon-${run.date}-${run.provider}`}>
      <Notice tone={tone}>
        <strong>
          {run.date} · {t(`providerRecon.provider.${run.provider}`)}
        </strong>{" "}
        <span data-testid="provider-recon-status">{t(`providerRecon.status.${run.status}`)}</span>
        {" · "}
        {t("providerRecon.lines")} {run.providerLines} / {run.ledgerLines}
        {" · "}
        {formatDateTime(run.ranAt, locale, timeZone)}
      </Notice>
      {run.mismatches.length === 0 ? null : (
        <DataTable<Mismatch>
          name={`provider-mismatches-${run.date}-${run.provider}`}
          rows={run.mismatches}
          rowKey={(m) => `${m.kind}-${m.lineKind}-${m.reference}`}
          columns={[
            { key: "kind", label: t("providerRecon.kind"), render: (m) => t(`providerRecon.kind.${m.kind}`) },
            { key: "source", label: t("providerRecon.source"), render: (m) => source(m.source) },
            { key: "reference", label: t("providerRecon.reference") },
            {
              key: "ledgerAmount",
              label: t("providerRecon.ledgerAmount"),
              numeric: true,
              render: (m) => formatMoney(m.ledgerAmount, locale),
            },
            {
              key: "providerAmount",
              label: t("providerRecon.providerAmount"),
              numeric: true,
              render: (m) => formatMoney(m.providerAmount, locale),
            },
          ]}
        />
      )}
    </div>
  );
}

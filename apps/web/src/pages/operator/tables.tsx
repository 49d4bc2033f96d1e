/** Operator tables: merchants (with a form to add one) and the audit log, each exportable as CSV. */
import { useState } from "react";
import { CommandForm } from "../../components/command-form.js";
import { DataTable } from "../../components/table.js";
import { Card, ErrorBox, Field, Loading } from "../../components/ui.js";
import { fieldLabel, isMessageKey, useI18n } from "../../i18n/index.js";
import { auditDetailFields } from "../../lib/audit-detail.js";
import { useSession } from "../../lib/session.js";
import { api } from "../../lib/api.js";
import { formatDateTime } from "../../lib/format.js";
import { loadAll, useData } from "../../lib/use-data.js";

export function MerchantsSection() {
  const { t } = useI18n();
  const merchants = useData(() => api.merchants());
  const products = useData(() => api.products());
  const [form, setForm] = useState({ id: "", name: "", username: "", password: "" });
  const create = async (key: string) => {
    await api.createMerchant(form, key);
    setForm({ id: "", name: "", username: "", password: "" });
    merchants.reload();
    return t("common.done");
  };
  const set = (key: keyof typeof form) => (event: React.ChangeEvent<HTMLInputElement>) =>
    setForm({ ...form, [key]: event.target.value });
  return (
    <>
      <Card title={t("operator.merchants")}>
        <ErrorBox error={merchants.error} />
        <DataTable<{ id: string; name: string }>
          name="merchants"
          rows={merchants.data?.items ?? []}
          rowKey={(row) => row.id}
          exportAll={() => loadAll((cursor) => api.merchants(cursor))}
          columns={[
            { key: "id", label: t("common.id") },
            { key: "name", label: t("common.name") },
            {
              key: "products",
              label: t("shop.title"),
              numeric: true,
              render: (row) =>
                String((products.data?.items ?? []).filter((p) => p.merchant === row.id).length),
              csv: () => "",
            },
          ]}
        />
      </Card>
      <CommandForm
        title={`+ ${t("common.merchant")}`}
        input={form}
        submit={create}
        submitLabel={t("common.submit")}
      >
        <Field label={t("common.id")} name="merchant-id" value={form.id} onChange={set("id")} />
        <Field label={t("common.name")} name="merchant-name" value={form.name} onChange={set("name")} />
        <Field
          label={t("auth.username")}
          name="merchant-username"
          value={form.username}
          onChange={set("username")}
        />
        <Field
          label={t("auth.password")}
          name="merchant-password"
          type="password"
          value={form.password}
          onChange={set("password")}
        />
      </CommandForm>
    </>
  );
}

export function AuditLog() {
  const { t, locale } = useI18n();
  const { timeZone } = useSession();
  const audit = useData(() => api.audit());
  if (audit.error) return <ErrorBox error={audit.error} />;
  if (audit.data === undefined) return <Loading />;
  type Row = (typeof audit.data.items)[number];
  return (
    <Card title={t("operator.audit")}>
      <DataTable<Row>
        name="audit"
        rows={audit.data.items}
        rowKey={(row) => row.seq}
        exportAll={() => loadAll((cursor) => api.audit(cursor))}
        columns={[
          { key: "seq", label: "#", numeric: true },
          { key: "at", label: t("common.date"), render: (row) => formatDateTime(row.at, locale, timeZone) },
          { key: "actor", label: t("operator.actor") },
          {
            key: "role",
            label: t("auth.role"),
            render: (row) => {
              const key = `role.${row.role}`;
              return isMessageKey(key) ? t(key) : row.role;
            },
          },
          {
            key: "action",
            label: t("operator.action"),
            // Every action the server writes has a sentence (apps/web/test/i18n.test.ts checks).
            render: (row) => {
              const key = `audit.${row.action}`;
              return isMessageKey(key) ? t(key) : row.action;
            },
          },
          { key: "target", label: t("common.id") },
          {
            key: "detail",
            label: t("operator.detail"),
            render: (row) => <AuditDetail detail={row.detail} />,
            csv: (row) => (row.detail === null || row.detail === undefined ? "" : JSON.stringify(row.detail)),
          },
        ]}
      />
    </Card>
  );
}

/** Fields shown before the rest of a long detail (a published rule set) folds away. */
const DETAIL_FIELDS_SHOWN = 3;

/** An audit entry's detail as named fields; a long one shows its first fields and folds the rest. */
function AuditDetail({ detail }: { detail: unknown }) {
  const { t, locale } = useI18n();
  const fields = auditDetailFields(detail).map((field) => (
    <li key={field.path}>
      {t("common.labelled", { label: fieldLabel(locale, field.path), value: field.value })}
    </li>
  ));
  if (fields.length <= DETAIL_FIELDS_SHOWN + 1) {
    return (
      <ul className="plain small" data-testid="audit-detail">
        {fields}
      </ul>
    );
  }
  return (
    <div className="small" data-testid="audit-detail">
      <ul className="plain">{fields.slice(0, DETAIL_FIELDS_SHOWN)}</ul>
      <details>
        <summary>{t("audit.moreFields", { count: fields.length - DETAIL_FIELDS_SHOWN })}</summary>
        <ul className="plain">{fields.slice(DETAIL_FIELDS_SHOWN)}</ul>
      </details>
    </div>
  );
}

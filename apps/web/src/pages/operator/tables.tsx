/** Operator tables: members, merchants (with a form to add one) and the audit log, each exportable as CSV. */
import { useState } from "react";
import { CommandForm } from "../../components/command-form.js";
import { OrderTable } from "../../components/order-table.js";
import { DataTable, moneyColumn } from "../../components/table.js";
import { Card, ErrorBox, Field, Loading } from "../../components/ui.js";
import { useSession } from "../../lib/session.js";
import { useI18n } from "../../i18n/index.js";
import { api } from "../../lib/api.js";
import { formatDateTime, formatNumber } from "../../lib/format.js";
import { loadAll, useData } from "../../lib/use-data.js";

export function MembersTable() {
  const { t, locale } = useI18n();
  const members = useData(() => api.members());
  const orders = useData(() => api.orders());
  if (members.error) return <ErrorBox error={members.error} />;
  if (members.data === undefined) return <Loading />;
  type Row = (typeof members.data.items)[number];
  return (
    <>
      <Card title={t("operator.members")}>
        <DataTable<Row>
          name="members"
          rows={members.data.items}
          rowKey={(row) => row.id}
          exportAll={() => loadAll((cursor) => api.members(cursor))}
          columns={[
            { key: "id", label: t("common.id") },
            { key: "inviter", label: t("common.inviter") },
            moneyColumn("wallet", t("member.wallet"), locale),
            moneyColumn("coins", t("member.coins"), locale),
            {
              key: "health",
              label: t("member.health"),
              numeric: true,
              render: (row) => formatNumber(row.health, locale),
            },
            { key: "orders", label: t("merchant.orders"), numeric: true },
            { key: "positions", label: t("nav.positions"), numeric: true },
          ]}
        />
      </Card>
      <Card title={t("merchant.orders")}>
        {orders.data === undefined ? <Loading /> : <OrderTable orders={orders.data.items} />}
      </Card>
    </>
  );
}

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
          { key: "role", label: t("auth.role") },
          { key: "action", label: t("operator.action") },
          { key: "target", label: t("common.id") },
          {
            key: "detail",
            label: t("operator.detail"),
            render: (row) => (
              <code className="small">
                {row.detail === null || row.detail === undefined
                  ? ""
                  : JSON.stringify(row.detail).slice(0, 80)}
              </code>
            ),
          },
        ]}
      />
    </Card>
  );
}

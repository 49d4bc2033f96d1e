/** The wallet: cash from sales, withdrawal requests (held until an operator decides) and their history. */
import { useState } from "react";
import { ActionButton, AmountField, Card, ErrorBox, Loading, Notice, Stat } from "../../components/ui.js";
import { DataTable, moneyColumn } from "../../components/table.js";
import { useI18n } from "../../i18n/index.js";
import { api, type Withdrawal } from "../../lib/api.js";
import { formatMoney, isDecimal } from "../../lib/format.js";
import { useData } from "../../lib/use-data.js";

export function WalletPage() {
  const { t, locale } = useI18n();
  const me = useData(() => api.me());
  const rules = useData(() => api.rules());
  const withdrawals = useData(() => api.myWithdrawals());
  const [amount, setAmount] = useState("");
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState(false);
  if (me.error) return <ErrorBox error={me.error} />;
  if (me.data === undefined) return <Loading />;
  const current = rules.data?.current.rules;
  const limit = (value: unknown) =>
    typeof value === "string" ? formatMoney(value, locale) : t("wallet.noLimit");
  const withdraw = async () => {
    setError(null);
    setDone(false);
    await api.requestWithdrawal(amount.trim());
    setDone(true);
    setAmount("");
    me.reload();
    withdrawals.reload();
  };
  return (
    <div className="page">
      <h1>{t("wallet.title")}</h1>
      <Card>
        <Stat
          label={t("wallet.balance")}
          value={formatMoney(me.data.wallet, locale)}
          testId="wallet-balance"
        />
      </Card>
      <Card title={t("wallet.withdraw")}>
        <div className="form">
          <AmountField
            label={t("wallet.withdrawAmount")}
            name="withdraw-amount"
            value={amount}
            onChange={(event) => setAmount(event.target.value)}
            hint={
              current === undefined
                ? undefined
                : t("wallet.limits", {
                    perRequest: limit(current.withdrawalMaxPerRequest),
                    perDay: limit(current.withdrawalMaxPerDay),
                  })
            }
          />
          <ErrorBox error={error} />
          <ActionButton
            className="btn btn-primary btn-block"
            action={withdraw}
            onError={setError}
            disabled={!isDecimal(amount.trim())}
            data-testid="withdraw-submit"
          >
            {t("wallet.withdraw")}
          </ActionButton>
          {done ? <Notice tone="ok">{t("wallet.requested")}</Notice> : null}
        </div>
      </Card>
      <Card title={t("wallet.withdrawals")}>
        <WithdrawalTable rows={withdrawals.data?.items ?? []} />
      </Card>
    </div>
  );
}

export function WithdrawalTable({
  rows,
  actions,
  name,
}: {
  rows: Withdrawal[];
  actions?: (row: Withdrawal) => React.ReactNode;
  name?: string;
}) {
  const { t, locale } = useI18n();
  return (
    <DataTable<Withdrawal>
      name={name}
      rows={rows}
      rowKey={(row) => row.id}
      columns={[
        { key: "id", label: t("common.id") },
        ...(actions === undefined ? [] : [{ key: "member", label: t("common.member") }]),
        moneyColumn("amount", t("common.amount"), locale),
        { key: "day", label: t("common.day"), numeric: true },
        { key: "status", label: t("common.status"), render: (row) => t(`withdrawal.${row.status}`) },
        ...(actions === undefined
          ? []
          : [{ key: "actions", label: t("common.actions"), render: actions, csv: () => "" }]),
      ]}
    />
  );
}

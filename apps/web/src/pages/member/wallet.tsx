/**
 * The wallet: cash from sales, the payout account, withdrawal requests (held until an operator
 * decides, then paid out to that account) and their history.
 */
import { useState } from "react";
import { CommandForm } from "../../components/command-form.js";
import { AmountField, Card, ErrorBox, Loading, Stat } from "../../components/ui.js";
import { StatementTable } from "../../components/statement-table.js";
import { WithdrawalTable } from "../../components/withdrawal-table.js";
import { useI18n } from "../../i18n/index.js";
import { api } from "../../lib/api.js";
import { formatMoney, isDecimal } from "../../lib/format.js";
import { useData } from "../../lib/use-data.js";
import { PayoutAccountCard } from "./payout-account.js";

export function WalletPage() {
  const { t, locale } = useI18n();
  const me = useData(() => api.me());
  const rules = useData(() => api.rules());
  const withdrawals = useData(() => api.myWithdrawals());
  const [amount, setAmount] = useState("");
  // Bumped after a withdrawal, so the statement is read again and shows its line.
  const [changes, setChanges] = useState(0);
  if (me.error) return <ErrorBox error={me.error} />;
  if (me.data === undefined) return <Loading />;
  const current = rules.data?.current.rules;
  const limit = (value: unknown) =>
    typeof value === "string" ? formatMoney(value, locale) : t("wallet.noLimit");
  const withdraw = async (key: string) => {
    await api.requestWithdrawal(amount.trim(), key);
    setAmount("");
    me.reload();
    withdrawals.reload();
    setChanges((n) => n + 1);
    return t("wallet.requested");
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
      <PayoutAccountCard />
      <CommandForm
        title={t("wallet.withdraw")}
        input={amount.trim()}
        submit={withdraw}
        submitLabel={t("wallet.withdraw")}
        submitClassName="btn btn-primary btn-block"
        disabled={!isDecimal(amount.trim())}
        testId="withdraw-submit"
      >
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
      </CommandForm>
      <Card title={t("statement.cash")}>
        <StatementTable key={changes} account="cash" load={api.myStatement} name="cash-statement" />
      </Card>
      <Card title={t("wallet.withdrawals")}>
        <WithdrawalTable rows={withdrawals.data?.items ?? []} />
      </Card>
    </div>
  );
}

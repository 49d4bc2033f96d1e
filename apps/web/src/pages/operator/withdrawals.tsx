/** The withdrawal queue: pending requests to approve or reject (a rejection returns the cash to the wallet). */
import { useState } from "react";
import { ActionButton, Card, ErrorBox, Loading, Tabs } from "../../components/ui.js";
import { WithdrawalTable } from "../../components/withdrawal-table.js";
import { useI18n } from "../../i18n/index.js";
import { api, type Withdrawal } from "../../lib/api.js";
import { loadAll, useData } from "../../lib/use-data.js";

type Filter = "pending" | "approved" | "rejected";

export function WithdrawalQueue() {
  const { t } = useI18n();
  const [filter, setFilter] = useState<Filter>("pending");
  const list = useData(() => loadAll((cursor) => api.withdrawals(filter, cursor), 10), [filter]);
  const [error, setError] = useState<unknown>(null);
  const decide = async (row: Withdrawal, approve: boolean, key: string) => {
    setError(null);
    if (approve) await api.approveWithdrawal(row.id, key);
    else await api.rejectWithdrawal(row.id, key);
    list.reload();
  };
  return (
    <Card title={t("operator.withdrawals")}>
      <Tabs<Filter>
        value={filter}
        onChange={setFilter}
        options={[
          { value: "pending", label: t("withdrawal.pending") },
          { value: "approved", label: t("withdrawal.approved") },
          { value: "rejected", label: t("withdrawal.rejected") },
        ]}
      />
      <ErrorBox error={error ?? list.error} />
      {list.data === undefined ? (
        <Loading />
      ) : (
        <WithdrawalTable
          name="withdrawals"
          rows={list.data}
          actions={(row) =>
            row.status === "pending" ? (
              <div className="row">
                <ActionButton
                  className="btn btn-small btn-primary"
                  action={(key) => decide(row, true, key)}
                  onError={setError}
                  data-testid={`approve-${row.id}`}
                >
                  {t("operator.approve")}
                </ActionButton>
                <ActionButton
                  className="btn btn-small btn-danger"
                  action={(key) => decide(row, false, key)}
                  onError={setError}
                  data-testid={`reject-${row.id}`}
                >
                  {t("operator.reject")}
                </ActionButton>
              </div>
            ) : null
          }
        />
      )}
    </Card>
  );
}

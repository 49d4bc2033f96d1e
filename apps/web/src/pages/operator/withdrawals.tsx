/**
 * The withdrawal queue: pending requests to approve or reject (a rejection returns the cash to the
 * wallet), one by one or several at once after a preview of the batch.
 */
import { useState } from "react";
import { PreviewPanel, usePreview } from "../../components/action-preview.js";
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
  const [selected, setSelected] = useState<number[]>([]);
  const [batch, setBatch] = useState<{ approve: number[]; reject: number[] } | null>(null);
  const preview = usePreview(batch, (decisions) => api.previewWithdrawalDecisions(decisions ?? {}));
  const toggle = (id: number) =>
    setSelected((ids) =>
      ids.includes(id) ? ids.filter((x) => x !== id) : [...ids, id].sort((a, b) => a - b),
    );
  const previewBatch = async (approve: boolean) => {
    setError(null);
    const decisions = approve ? { approve: selected, reject: [] } : { approve: [], reject: selected };
    setBatch(decisions);
    await preview.run(decisions);
  };
  const confirmBatch = async (key: string) => {
    setError(null);
    await preview.confirm((stateHash) => api.decideWithdrawals({ ...batch!, stateHash }, key));
    setSelected([]);
    setBatch(null);
    list.reload();
  };
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
                <input
                  type="checkbox"
                  checked={selected.includes(row.id)}
                  onChange={() => toggle(row.id)}
                  aria-label={`${t("preview.select")} ${row.id}`}
                  data-testid={`select-${row.id}`}
                />
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
      {filter !== "pending" || selected.length === 0 ? null : (
        <div className="row wrap" style={{ marginTop: "0.75rem" }}>
          <ActionButton
            className="btn"
            input={selected}
            action={() => previewBatch(true)}
            onError={setError}
            data-testid="batch-approve"
          >
            {t("preview.batchApprove")} ({selected.length}) · {t("preview.run")}
          </ActionButton>
          <ActionButton
            className="btn"
            input={selected}
            action={() => previewBatch(false)}
            onError={setError}
            data-testid="batch-reject"
          >
            {t("preview.batchReject")} ({selected.length}) · {t("preview.run")}
          </ActionButton>
        </div>
      )}
      {preview.preview === null ? null : (
        <>
          <PreviewPanel preview={preview.preview} />
          {preview.ready ? (
            <ActionButton
              className="btn btn-primary"
              input={{ batch, stateHash: preview.preview.stateHash }}
              action={confirmBatch}
              onError={setError}
              data-testid="withdrawals-confirm"
            >
              {t("preview.confirmWithdrawals")}
            </ActionButton>
          ) : null}
        </>
      )}
    </Card>
  );
}

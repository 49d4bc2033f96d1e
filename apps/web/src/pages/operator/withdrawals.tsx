/**
 * The withdrawal queue: pending requests to approve or reject (a rejection returns the cash to the
 * wallet), one by one or several at once after a preview of the batch. An approval pays out to the
 * member's payout account; a payout in flight can be asked after (a provider) or marked by hand (a
 * bank card).
 */
import { useState } from "react";
import { PreviewPanel, usePreview } from "../../components/action-preview.js";
import { ActionButton, Card, ErrorBox, Loading, Tabs } from "../../components/ui.js";
import { WithdrawalTable } from "../../components/withdrawal-table.js";
import { useI18n } from "../../i18n/index.js";
import { api, type Withdrawal } from "../../lib/api.js";
import { loadAll, useData } from "../../lib/use-data.js";

type Filter = "pending" | "approved" | "paid" | "returned" | "rejected";

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
          { value: "paid", label: t("withdrawal.paid") },
          { value: "returned", label: t("withdrawal.returned") },
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
            ) : row.payout?.state === "sending" ? (
              <PayoutActions row={row} onDone={list.reload} onError={setError} />
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

/** A payout in flight: ask the provider how it ended, or (a bank card) mark it paid or failed by hand. */
function PayoutActions({
  row,
  onDone,
  onError,
}: {
  row: Withdrawal;
  onDone: () => void;
  onError: (error: unknown) => void;
}) {
  const { t } = useI18n();
  const [note, setNote] = useState("");
  const run = (send: (key: string) => Promise<unknown>) => async (key: string) => {
    await send(key);
    onDone();
  };
  if (row.payout?.channel !== "bank")
    return (
      <ActionButton
        className="btn btn-small"
        action={run((key) => api.reconcilePayout(row.id, key))}
        onError={onError}
        data-testid={`payout-query-${row.id}`}
      >
        {t("payout.query")}
      </ActionButton>
    );
  return (
    <div className="row wrap">
      <input
        value={note}
        onChange={(event) => setNote(event.target.value)}
        placeholder={t("payout.notePlaceholder")}
        aria-label={t("payout.notePlaceholder")}
        data-testid={`payout-note-${row.id}`}
      />
      <ActionButton
        className="btn btn-small btn-primary"
        input={note}
        disabled={note.trim() === ""}
        action={run((key) => api.markPayoutPaid(row.id, note.trim(), key))}
        onError={onError}
        data-testid={`payout-paid-${row.id}`}
      >
        {t("payout.markPaid")}
      </ActionButton>
      <ActionButton
        className="btn btn-small btn-danger"
        input={note}
        disabled={note.trim() === ""}
        action={run((key) => api.markPayoutFailed(row.id, note.trim(), key))}
        onError={onError}
        data-testid={`payout-failed-${row.id}`}
      >
        {t("payout.markFailed")}
      </ActionButton>
    </div>
  );
}

/**
 * Operator actions that move money: financing rounds, tips, legacy-coin import (with a per-row error
 * report), reconciliation against the bank balance, and the terminal listing.
 */
import { useState } from "react";
import { CommandForm, FormAction } from "../../components/command-form.js";
import { PreviewButton, PreviewPanel, usePreview } from "../../components/action-preview.js";
import { AmountField, Field, Notice, Stat } from "../../components/ui.js";
import { useI18n } from "../../i18n/index.js";
import { errorSentence } from "../../i18n/rejections.js";
import { api, ApiError, type RowError } from "../../lib/api.js";
import { formatMoney, formatPoints } from "../../lib/format.js";
import { useData } from "../../lib/use-data.js";

export function Financing() {
  const { t } = useI18n();
  const [toPool, setToPool] = useState("");
  const [toSubsidy, setToSubsidy] = useState("");
  const [label, setLabel] = useState("");
  const input = {
    ...(toPool.trim() ? { toPool: toPool.trim() } : {}),
    ...(toSubsidy.trim() ? { toSubsidy: toSubsidy.trim() } : {}),
    ...(label.trim() ? { label: label.trim() } : {}),
  };
  // The round is previewed on the live state first; the confirm carries the preview's hash.
  const preview = usePreview(input, api.previewFinancing);
  const submit = async (key: string) => {
    const outcome = await preview.confirm((stateHash) => api.financing({ ...input, stateHash }, key));
    return outcome.exits.length === 0
      ? t("common.done")
      : `${t("common.done")} · ${t("preview.exitsDone", { count: outcome.exits.length })}`;
  };
  return (
    <CommandForm
      title={t("operator.financing")}
      input={{ input, stateHash: preview.preview?.stateHash }}
      submit={submit}
      submitLabel={t("preview.confirmFinancing")}
      showSubmit={preview.ready}
      testId="financing-confirm"
      doneTestId="financing-done"
    >
      <Field
        label={t("operator.financingLabel")}
        name="financing-label"
        value={label}
        onChange={(e) => setLabel(e.target.value)}
      />
      <AmountField
        label={t("operator.financingToPool")}
        name="financing-pool"
        value={toPool}
        onChange={(e) => setToPool(e.target.value)}
      />
      <AmountField
        label={t("operator.financingToSubsidy")}
        name="financing-subsidy"
        value={toSubsidy}
        onChange={(e) => setToSubsidy(e.target.value)}
      />
      <PreviewButton
        previewed={preview.preview !== null}
        run={preview.run}
        input={input}
        testId="financing-preview"
      />
      {preview.preview === null ? null : <PreviewPanel preview={preview.preview} />}
    </CommandForm>
  );
}

export function TipsSection() {
  const { t, locale } = useI18n();
  const merchants = useData(() => api.merchants());
  const [merchant, setMerchant] = useState("");
  const [amount, setAmount] = useState("");
  const [member, setMember] = useState("");
  const [points, setPoints] = useState("");
  const chosen = merchant || merchants.data?.items[0]?.id || "";
  const purchase = { merchant: chosen, amount: amount.trim() };
  const gift = { merchant: chosen, member: member.trim(), points: points.trim() };
  const buy = async (key: string) => {
    const outcome = await api.tipBuy(purchase, key);
    return `+${formatPoints(outcome.points, locale)} ${t("common.points")}`;
  };
  const tip = async (key: string) => `#${(await api.tip(gift, key)).position}`;
  return (
    <CommandForm title={t("merchant.tips")} input={gift} submit={tip} submitLabel={t("merchant.tipSend")}>
      <label className="field">
        <span className="field-label">{t("common.merchant")}</span>
        <select value={chosen} onChange={(event) => setMerchant(event.target.value)}>
          {(merchants.data?.items ?? []).map((m) => (
            <option key={m.id} value={m.id}>
              {m.name}
            </option>
          ))}
        </select>
      </label>
      <AmountField
        label={`${t("merchant.tipBuy")} · ${t("common.amount")}`}
        name="tip-buy-amount"
        value={amount}
        onChange={(e) => setAmount(e.target.value)}
      />
      <FormAction className="btn" input={purchase} action={buy}>
        {t("merchant.tipBuy")}
      </FormAction>
      <Field
        label={t("merchant.memberId")}
        name="tip-member"
        value={member}
        onChange={(e) => setMember(e.target.value)}
      />
      <AmountField
        label={t("common.points")}
        name="tip-points"
        value={points}
        onChange={(e) => setPoints(e.target.value)}
      />
    </CommandForm>
  );
}

export function CoinImport() {
  const { t, locale } = useI18n();
  const [csv, setCsv] = useState("member,coins\n");
  const [rows, setRows] = useState<RowError[] | null>(null);
  const submit = async (key: string) => {
    setRows(null);
    try {
      const answer = await api.importCoins(csv, key);
      return `${t("operator.coinsOk", { count: answer.imported })} · ${formatMoney(answer.total, locale)}`;
    } catch (reason) {
      const body =
        reason instanceof ApiError ? (reason.body as { error?: { rows?: RowError[] } } | null) : null;
      if (body?.error?.rows === undefined) throw reason;
      setRows(body.error.rows);
      return undefined;
    }
  };
  const readFile = async (file: File | undefined) => {
    if (file !== undefined) setCsv(await file.text());
  };
  return (
    <CommandForm
      title={t("operator.coins")}
      input={csv}
      submit={submit}
      submitLabel={t("operator.coinsImport")}
      testId="coins-import"
      result={rows === null ? null : <RowErrors rows={rows} />}
    >
      <input
        type="file"
        accept=".csv,text/csv"
        onChange={(event) => void readFile(event.target.files?.[0])}
      />
      <textarea
        rows={10}
        value={csv}
        onChange={(event) => setCsv(event.target.value)}
        aria-label={t("operator.coinsCsv")}
        name="coins-csv"
      />
    </CommandForm>
  );
}

/** The coin import's refusal, row by row: nothing was imported. */
function RowErrors({ rows }: { rows: RowError[] }) {
  const { t, locale } = useI18n();
  return (
    <div className="errors" data-testid="coin-errors">
      <p>{t("operator.coinsErrors")}</p>
      <ul>
        {rows.map((row) => (
          <li key={`${row.row}-${row.field ?? ""}`}>
            {t("operator.row", { row: row.row })}
            {row.field === undefined ? "" : ` · ${row.field}`}:{" "}
            {errorSentence(row.code)?.[locale] ?? row.code} {row.reason}
          </li>
        ))}
      </ul>
    </div>
  );
}

type ReconciliationResult = Awaited<ReturnType<typeof api.reconcile>>;

export function Reconciliation() {
  const { t } = useI18n();
  const [balance, setBalance] = useState("");
  const [result, setResult] = useState<ReconciliationResult | null>(null);
  const submit = async (key: string) => {
    setResult(await api.reconcile(balance.trim(), key));
  };
  return (
    <CommandForm
      title={t("operator.reconcile")}
      input={balance.trim()}
      submit={submit}
      submitLabel={t("common.submit")}
      result={result === null ? null : <ReconciliationStats result={result} />}
    >
      <AmountField
        label={t("operator.bankBalance")}
        name="bank-balance"
        value={balance}
        onChange={(e) => setBalance(e.target.value)}
      />
    </CommandForm>
  );
}

function ReconciliationStats({ result }: { result: ReconciliationResult }) {
  const { t, locale } = useI18n();
  return (
    <div className="stats">
      <Stat label={t("operator.bankBalance")} value={formatMoney(result.balance, locale)} />
      <Stat label={t("operator.expected")} value={formatMoney(result.expected, locale)} />
      <Stat
        label={t("operator.difference")}
        value={formatMoney(result.difference, locale)}
        testId="reconcile-difference"
      />
      <Stat label={t("operator.pool")} value={formatMoney(result.pool, locale)} />
      <Stat label={t("account.wallets")} value={formatMoney(result.wallets, locale)} />
      <Stat label={t("account.withdrawalsPending")} value={formatMoney(result.withdrawalsPending, locale)} />
      <Stat
        label={t("account.ordersAwaitingSettlement")}
        value={formatMoney(result.ordersAwaitingSettlement, locale)}
      />
    </div>
  );
}

export function Listing() {
  const { t, locale } = useI18n();
  const [shares, setShares] = useState("");
  const [confirm, setConfirm] = useState("");
  const word = locale === "zh-CN" ? "上市" : "LIST";
  const preview = usePreview(shares.trim(), api.previewListing);
  const submit = async (key: string) => {
    await preview.confirm((stateHash) => api.listing(shares.trim(), stateHash, key));
    return t("common.done");
  };
  // Irreversible: the preview first, then the typed confirmation as before.
  return (
    <CommandForm
      title={t("operator.listing")}
      input={{ shares: shares.trim(), stateHash: preview.preview?.stateHash }}
      submit={submit}
      submitLabel={t("operator.listing")}
      submitClassName="btn btn-danger"
      showSubmit={preview.ready}
      testId="listing-confirm"
      disabled={confirm.trim() !== word || shares.trim() === ""}
    >
      <Notice tone="warn">{t("operator.listingWarn")}</Notice>
      <AmountField
        label={t("operator.listingShares")}
        name="listing-shares"
        value={shares}
        onChange={(e) => setShares(e.target.value)}
      />
      <Field
        label={t("operator.listingConfirm")}
        name="listing-confirm"
        value={confirm}
        onChange={(e) => setConfirm(e.target.value)}
      />
      <PreviewButton
        previewed={preview.preview !== null}
        run={preview.run}
        input={shares.trim()}
        testId="listing-preview"
      />
      {preview.preview === null ? null : <PreviewPanel preview={preview.preview} />}
    </CommandForm>
  );
}

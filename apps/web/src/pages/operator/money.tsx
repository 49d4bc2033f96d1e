/**
 * Operator actions that move money: financing rounds, tips, legacy-coin import (with a per-row error
 * report), reconciliation against the bank balance, and the terminal listing.
 */
import { useState } from "react";
import { ActionButton, AmountField, Card, ErrorBox, Field, Notice, Stat } from "../../components/ui.js";
import { useI18n } from "../../i18n/index.js";
import { ERROR_MESSAGES } from "../../i18n/rejections.js";
import { api, ApiError, type RowError } from "../../lib/api.js";
import { formatMoney, formatPoints } from "../../lib/format.js";
import { useData } from "../../lib/use-data.js";

export function Financing() {
  const { t } = useI18n();
  const [toPool, setToPool] = useState("");
  const [toSubsidy, setToSubsidy] = useState("");
  const [label, setLabel] = useState("");
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState(false);
  const submit = async () => {
    setError(null);
    setDone(false);
    await api.financing({
      ...(toPool.trim() ? { toPool: toPool.trim() } : {}),
      ...(toSubsidy.trim() ? { toSubsidy: toSubsidy.trim() } : {}),
      ...(label.trim() ? { label: label.trim() } : {}),
    });
    setDone(true);
  };
  return (
    <Card title={t("operator.financing")}>
      <div className="form">
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
        <ErrorBox error={error} />
        <ActionButton className="btn btn-primary" action={submit} onError={setError}>
          {t("common.submit")}
        </ActionButton>
        {done ? <Notice tone="ok">{t("common.done")}</Notice> : null}
      </div>
    </Card>
  );
}

export function TipsSection() {
  const { t, locale } = useI18n();
  const merchants = useData(() => api.merchants());
  const [merchant, setMerchant] = useState("");
  const [amount, setAmount] = useState("");
  const [member, setMember] = useState("");
  const [points, setPoints] = useState("");
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState<string | null>(null);
  const chosen = merchant || merchants.data?.items[0]?.id || "";
  const buy = async () => {
    setError(null);
    const outcome = await api.tipBuy(chosen, amount.trim());
    setDone(`+${formatPoints(outcome.points, locale)} ${t("common.points")}`);
  };
  const tip = async () => {
    setError(null);
    const outcome = await api.tip(chosen, member.trim(), points.trim());
    setDone(`#${outcome.position}`);
  };
  return (
    <Card title={t("merchant.tips")}>
      <div className="form">
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
        <ActionButton className="btn" action={buy} onError={setError}>
          {t("merchant.tipBuy")}
        </ActionButton>
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
        <ActionButton className="btn btn-primary" action={tip} onError={setError}>
          {t("merchant.tipSend")}
        </ActionButton>
        <ErrorBox error={error} />
        {done === null ? null : <Notice tone="ok">{done}</Notice>}
      </div>
    </Card>
  );
}

export function CoinImport() {
  const { t, locale } = useI18n();
  const [csv, setCsv] = useState("member,coins\n");
  const [rows, setRows] = useState<RowError[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState<string | null>(null);
  const submit = async () => {
    setError(null);
    setRows(null);
    setDone(null);
    try {
      const answer = await api.importCoins(csv);
      setDone(`${t("operator.coinsOk", { count: answer.imported })} · ${formatMoney(answer.total, locale)}`);
    } catch (reason) {
      const body =
        reason instanceof ApiError ? (reason.body as { error?: { rows?: RowError[] } } | null) : null;
      if (body?.error?.rows !== undefined) setRows(body.error.rows);
      else throw reason;
    }
  };
  const readFile = async (file: File | undefined) => {
    if (file !== undefined) setCsv(await file.text());
  };
  return (
    <Card title={t("operator.coins")}>
      <div className="form">
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
        <ActionButton
          className="btn btn-primary"
          action={submit}
          onError={setError}
          data-testid="coins-import"
        >
          {t("operator.coinsImport")}
        </ActionButton>
        <ErrorBox error={error} />
        {done === null ? null : <Notice tone="ok">{done}</Notice>}
        {rows === null ? null : (
          <div className="errors" data-testid="coin-errors">
            <p>{t("operator.coinsErrors")}</p>
            <ul>
              {rows.map((row) => (
                <li key={`${row.row}-${row.field ?? ""}`}>
                  {t("operator.row", { row: row.row })}
                  {row.field === undefined ? "" : ` · ${row.field}`}:{" "}
                  {ERROR_MESSAGES[row.code]?.[locale] ?? row.code} {row.reason}
                </li>
              ))}
            </ul>
          </div>
        )}
      </div>
    </Card>
  );
}

export function Reconciliation() {
  const { t, locale } = useI18n();
  const [balance, setBalance] = useState("");
  const [result, setResult] = useState<Awaited<ReturnType<typeof api.reconcile>> | null>(null);
  const [error, setError] = useState<unknown>(null);
  const submit = async () => {
    setError(null);
    setResult(await api.reconcile(balance.trim()));
  };
  return (
    <Card title={t("operator.reconcile")}>
      <div className="form">
        <AmountField
          label={t("operator.bankBalance")}
          name="bank-balance"
          value={balance}
          onChange={(e) => setBalance(e.target.value)}
        />
        <ActionButton className="btn btn-primary" action={submit} onError={setError}>
          {t("common.submit")}
        </ActionButton>
        <ErrorBox error={error} />
        {result === null ? null : (
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
            <Stat
              label={t("account.withdrawalsPending")}
              value={formatMoney(result.withdrawalsPending, locale)}
            />
          </div>
        )}
      </div>
    </Card>
  );
}

export function Listing() {
  const { t, locale } = useI18n();
  const [shares, setShares] = useState("");
  const [confirm, setConfirm] = useState("");
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState(false);
  const word = locale === "zh-CN" ? "上市" : "LIST";
  const submit = async () => {
    setError(null);
    await api.listing(shares.trim());
    setDone(true);
  };
  return (
    <Card title={t("operator.listing")}>
      <div className="form">
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
        <ErrorBox error={error} />
        <ActionButton
          className="btn btn-danger"
          action={submit}
          onError={setError}
          disabled={confirm.trim() !== word || shares.trim() === ""}
        >
          {t("operator.listing")}
        </ActionButton>
        {done ? <Notice tone="ok">{t("common.done")}</Notice> : null}
      </div>
    </Card>
  );
}

/**
 * The merchant tops up its prepaid balance through the scheme's provider (WeChat Pay QR on this
 * desktop, or Alipay's cashier page) and follows the payment; and buys tip points from that balance.
 * The balance only grows once the provider confirms: the server credits it once.
 */
import { useState } from "react";
import { CommandForm } from "../../components/command-form.js";
import { QrCode } from "../../components/qr-code.js";
import { DataTable } from "../../components/table.js";
import { ActionButton, AmountField, ErrorBox, Notice } from "../../components/ui.js";
import { useI18n } from "../../i18n/index.js";
import { api, type PrepaidTopUpItem, type PrepaidTopUpPayment } from "../../lib/api.js";
import { formatDateTime, formatMoney, formatPoints } from "../../lib/format.js";
import { useSession } from "../../lib/session.js";
import { useData } from "../../lib/use-data.js";

type Method = PrepaidTopUpItem["method"];
const METHODS: Method[] = ["wechat_native", "alipay_page"];

/** Top-up through the provider: start it, show the QR or the cashier link, follow it until credited. */
export function ProviderTopUp({ onCredited }: { onCredited: () => void }) {
  const { t, locale } = useI18n();
  const { timeZone } = useSession();
  const [amount, setAmount] = useState("");
  const [method, setMethod] = useState<Method>("wechat_native");
  const [payment, setPayment] = useState<PrepaidTopUpPayment | null>(null);
  const [checkError, setCheckError] = useState<unknown>(null);
  const history = useData(() => api.prepaidTopUps());
  const input = { amount: amount.trim(), method };
  const start = async (key: string) => {
    setPayment(await api.requestPrepaidTopUp(input, key));
    history.reload();
  };
  const check = async () => {
    if (payment === null) return;
    setCheckError(null);
    const item = await api.prepaidTopUp(payment.topUp.reference);
    setPayment({ ...payment, topUp: item });
    history.reload();
    if (item.status === "credited") onCredited();
  };
  const action = payment?.action;
  return (
    <CommandForm
      title={t("topUp.title")}
      hint={t("topUp.hint")}
      input={input}
      submit={start}
      submitLabel={t("topUp.start")}
      disabled={amount.trim() === ""}
      testId="provider-top-up"
    >
      <label className="field">
        <span className="field-label">{t("topUp.method")}</span>
        <select
          name="top-up-method"
          value={method}
          onChange={(event) => setMethod(event.target.value as Method)}
        >
          {METHODS.map((m) => (
            <option key={m} value={m}>
              {t(`topUp.method.${m}`)}
            </option>
          ))}
        </select>
      </label>
      <AmountField
        label={t("merchant.topUpAmount")}
        name="provider-top-up-amount"
        value={amount}
        onChange={(event) => setAmount(event.target.value)}
      />
      {payment === null ? null : (
        <div className="form" data-testid="top-up-payment">
          {action?.kind === "qr" && action.codeUrl !== undefined ? (
            <>
              <p>{t("topUp.scan")}</p>
              <QrCode text={action.codeUrl} size={180} label={t("topUp.scan")} />
            </>
          ) : null}
          {action?.kind === "redirect" && action.url !== undefined ? (
            <a className="btn" href={action.url} target="_blank" rel="noreferrer">
              {t("topUp.openCashier")}
            </a>
          ) : null}
          <Notice tone={payment.topUp.status === "credited" ? "ok" : "info"}>
            <span data-testid="top-up-status">
              {formatMoney(payment.topUp.amount, locale)} · {t(`topUp.status.${payment.topUp.status}`)}
            </span>
          </Notice>
          <ErrorBox error={checkError} />
          {payment.topUp.status === "credited" ? null : (
            <ActionButton className="btn" action={check} onError={setCheckError} data-testid="top-up-check">
              {t("topUp.check")}
            </ActionButton>
          )}
        </div>
      )}
      {history.data === undefined || history.data.items.length === 0 ? null : (
        <>
          <h3>{t("topUp.history")}</h3>
          <DataTable<PrepaidTopUpItem>
            name="prepaid-top-ups"
            rows={history.data.items}
            rowKey={(row) => row.reference}
            columns={[
              {
                key: "createdAt",
                label: t("common.date"),
                render: (row) => formatDateTime(row.createdAt, locale, timeZone),
              },
              { key: "method", label: t("topUp.method"), render: (row) => t(`topUp.method.${row.method}`) },
              {
                key: "amount",
                label: t("common.amount"),
                numeric: true,
                render: (row) => formatMoney(row.amount, locale),
              },
              { key: "status", label: t("common.status"), render: (row) => t(`topUp.status.${row.status}`) },
            ]}
          />
        </>
      )}
    </CommandForm>
  );
}

/** The merchant buys tip points from its prepaid balance (refused with nothing taken when short). */
export function TipBuyFromPrepaid({ onBought }: { onBought: () => void }) {
  const { t, locale } = useI18n();
  const [amount, setAmount] = useState("");
  const submit = async (key: string) => {
    const answer = await api.buyOwnTipPoints(amount.trim(), key);
    setAmount("");
    onBought();
    return t("tipBuy.done", {
      points: formatPoints(answer.points ?? "0", locale, 2),
      prepaid: formatMoney(answer.prepaid, locale),
    });
  };
  return (
    <CommandForm
      title={t("tipBuy.title")}
      hint={t("tipBuy.hint")}
      input={{ amount: amount.trim() }}
      submit={submit}
      submitLabel={t("common.submit")}
      disabled={amount.trim() === ""}
      testId="tip-buy"
      doneTestId="tip-buy-done"
    >
      <AmountField
        label={t("tipBuy.amount")}
        name="tip-buy-amount"
        value={amount}
        onChange={(event) => setAmount(event.target.value)}
      />
    </CommandForm>
  );
}

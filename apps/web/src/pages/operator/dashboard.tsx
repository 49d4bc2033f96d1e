/**
 * The operator's dashboard: pool, supply, price and its history, orders per day, cash in and out,
 * what members' points are worth, the pause switch and the day close.
 */
import { useMemo, useState } from "react";
import { PreviewPanel, usePreview } from "../../components/action-preview.js";
import { Chart } from "../../components/chart.js";
import { usePriceSeries } from "../../components/price-series.js";
import { CommandForm } from "../../components/command-form.js";
import { ActionButton, Card, ErrorBox, Field, Loading, Notice, Stat } from "../../components/ui.js";
import { accountLabel, useI18n } from "../../i18n/index.js";
import { api, type Calendar } from "../../lib/api.js";
import { formatDate, formatDateTime, formatMoney, formatPoints, formatPrice } from "../../lib/format.js";
import { downloadCsv, toCsv } from "../../lib/csv.js";
import { localToday, periodSeconds, shiftDate } from "../../lib/report-range.js";
import { DEFAULT_TIME_ZONE } from "../../lib/session.js";
import { useData } from "../../lib/use-data.js";

const CASH_IN = ["paidByMembers", "financingIn", "paidByMerchants", "debtSettlement"];
const CASH_OUT = [
  "withdrawn",
  "withdrawalsPending",
  "merchantSettlements",
  "distribution",
  "platformRevenue",
  "ordersRefunded",
];

export function Dashboard() {
  const { t, locale } = useI18n();
  const overview = useData(() => api.overview());
  const publicView = useData(() => api.publicView());
  // Orders per local day over the last 30 days, counted by the server in SQL (GET /api/operator/reports).
  const calendar = useData(() => api.calendar());
  const zone = calendar.data?.timeZone;
  const recent = useData(() => {
    const today = localToday(zone ?? DEFAULT_TIME_ZONE);
    return api.report(shiftDate(today, -29), today, "day");
  }, [zone]);
  const [error, setError] = useState<unknown>(null);
  const [message, setMessage] = useState<string | null>(null);
  const price = usePriceSeries(publicView.data?.priceHistory, overview.data, t);
  const perDay = useMemo(() => {
    const rows = recent.data?.rows ?? [];
    return { x: rows.map((row) => periodSeconds(row.period)), counts: rows.map((row) => row.orders) };
  }, [recent.data]);
  const orderSeries = useMemo(
    () => [{ label: t("chart.orders"), values: perDay.counts, color: "#b86e00" }],
    [perDay, t],
  );
  // Closing the day is previewed first (orders past their refund window settle, and may cause exits).
  const dayPreview = usePreview(1, api.previewCloseDay);
  if (overview.error) return <ErrorBox error={overview.error} />;
  if (overview.data === undefined) return <Loading />;
  const data = overview.data;
  const togglePause = async (key: string) => {
    setError(null);
    await api.pause(!data.paused, key);
    overview.reload();
  };
  const previewCloseDay = async () => {
    setError(null);
    setMessage(null);
    await dayPreview.run();
  };
  const closeDay = async (key: string) => {
    setError(null);
    const answer = await dayPreview.confirm((stateHash) => api.closeDay(1, stateHash, key));
    setMessage(`${formatDate(answer.date, locale)} · ${answer.settledOrders} ${t("merchant.orders")}`);
    overview.reload();
    publicView.reload();
    calendar.reload();
  };
  return (
    <>
      <Card
        title={t("operator.dashboard")}
        actions={
          <span className={data.paused ? "badge badge-exited" : "badge badge-open"} data-testid="pause-state">
            {data.paused ? t("operator.paused") : t("operator.running")}
          </span>
        }
      >
        <div className="stats">
          <Stat label={t("operator.pool")} value={formatMoney(data.pool, locale)} testId="op-pool" />
          <Stat
            label={t("operator.supply")}
            value={formatPoints(data.supply, locale, 2)}
            testId="op-supply"
          />
          <Stat
            label={t("operator.price")}
            value={formatPrice(data.price, locale)}
            exact={formatPrice(data.price, locale, 8)}
            testId="op-price"
          />
          <Stat
            label={t("operator.pointsValue")}
            value={formatMoney(data.supplyValue, locale)}
            hint={`= ${t("operator.supply")} × ${t("operator.price")}`}
          />
          <Stat
            label={t("calendar.date")}
            value={calendar.data === undefined ? "—" : formatDate(calendar.data.date, locale)}
            testId="op-date"
          />
          <Stat label={t("operator.members")} value={String(data.counts.members ?? "—")} />
        </div>
        <div className="row wrap" style={{ marginTop: "0.75rem" }}>
          <ActionButton
            className={data.paused ? "btn btn-primary" : "btn btn-danger"}
            input={!data.paused}
            action={togglePause}
            onError={setError}
            data-testid="pause-toggle"
          >
            {data.paused ? t("operator.pauseOff") : t("operator.pauseOn")}
          </ActionButton>
          {calendar.data?.manualClose === true ? (
            <ActionButton className="btn" action={previewCloseDay} onError={setError} data-testid="close-day">
              {t("operator.closeDay")} · {dayPreview.preview === null ? t("preview.run") : t("preview.again")}
            </ActionButton>
          ) : null}
          {calendar.data?.manualClose === true && dayPreview.ready ? (
            <ActionButton
              className="btn btn-primary"
              input={dayPreview.preview?.stateHash}
              action={closeDay}
              onError={setError}
              data-testid="close-day-confirm"
            >
              {t("preview.confirmCloseDay")}
            </ActionButton>
          ) : null}
        </div>
        {dayPreview.preview === null ? null : <PreviewPanel preview={dayPreview.preview} />}
        <ErrorBox error={error} />
        {message === null ? null : <Notice tone="ok">{message}</Notice>}
      </Card>
      {calendar.data === undefined ? null : (
        <CalendarCard calendar={calendar.data} onChange={calendar.reload} />
      )}
      <Card title={t("operator.priceHistory")}>
        <Chart
          x={price.x}
          series={price.series}
          time
          timeZone={calendar.data?.timeZone}
          title={t("operator.priceHistory")}
          xLabel={t("common.date")}
        />
      </Card>
      <Card title={t("operator.ordersPerDay")}>
        <Chart
          x={perDay.x}
          series={orderSeries}
          bars
          time
          title={t("operator.ordersPerDay")}
          height={180}
          xLabel={t("common.date")}
        />
      </Card>
      <Card
        title={t("operator.accounts")}
        actions={
          <button
            type="button"
            className="btn btn-small btn-ghost"
            data-testid="csv-accounts"
            onClick={() =>
              downloadCsv(
                "accounts",
                toCsv(
                  [{ key: "account" }, { key: "name" }, { key: "amount" }],
                  Object.entries(data.accounts).map(([account, amount]) => ({
                    account,
                    name: accountLabel(t, account),
                    amount,
                  })),
                ),
              )
            }
          >
            {t("common.exportCsv")}
          </button>
        }
      >
        <div className="grid">
          <AccountList title={t("operator.cashIn")} keys={CASH_IN} accounts={data.accounts} />
          <AccountList title={t("operator.cashOut")} keys={CASH_OUT} accounts={data.accounts} />
          <AccountList
            title={t("operator.accounts")}
            keys={Object.keys(data.accounts).filter((k) => !CASH_IN.includes(k) && !CASH_OUT.includes(k))}
            accounts={data.accounts}
          />
        </div>
      </Card>
    </>
  );
}

function AccountList({
  title,
  keys,
  accounts,
}: {
  title: string;
  keys: string[];
  accounts: Record<string, string>;
}) {
  const { t, locale } = useI18n();
  return (
    <div>
      <h3>{title}</h3>
      <table className="table">
        <tbody>
          {keys
            .filter((key) => accounts[key] !== undefined)
            .map((key) => (
              <tr key={key}>
                <td>{accountLabel(t, key)}</td>
                <td className="num">{formatMoney(accounts[key], locale)}</td>
              </tr>
            ))}
        </tbody>
      </table>
    </div>
  );
}

/** The calendar: the zone, the date being run and when it closes by itself; the zone can be changed. */
function CalendarCard({ calendar, onChange }: { calendar: Calendar; onChange: () => void }) {
  const { t, locale } = useI18n();
  const [timeZone, setTimeZone] = useState(calendar.timeZone);
  const save = async (key: string) => {
    await api.setTimeZone(timeZone.trim(), key);
    onChange();
    return t("calendar.saved");
  };
  return (
    <Card title={t("calendar.title")}>
      <div className="stats">
        <Stat label={t("calendar.timeZone")} value={calendar.timeZone} testId="calendar-zone" />
        <Stat label={t("calendar.today")} value={formatDate(calendar.today, locale)} />
        <Stat
          label={t("calendar.nextClose")}
          value={formatDateTime(calendar.nextCloseAt, locale, calendar.timeZone)}
          testId="calendar-next-close"
        />
      </div>
      <p className="muted small">{t("calendar.auto")}</p>
      <CommandForm
        title={t("calendar.setTimeZone")}
        input={timeZone.trim()}
        submit={save}
        submitLabel={t("common.save")}
        testId="time-zone-submit"
      >
        <Field
          label={t("field.timeZone")}
          name="time-zone"
          value={timeZone}
          onChange={(event) => setTimeZone(event.target.value)}
        />
      </CommandForm>
    </Card>
  );
}

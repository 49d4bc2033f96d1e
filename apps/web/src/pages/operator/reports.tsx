/**
 * The operator's reports: orders, revenue split, pool in and out, points, exits, withdrawals and new
 * members per local day, week or month of the tenant's time zone, for any date range (computed by
 * the server in SQL), with daily bars, the price over dates and a CSV export of exactly what it sent.
 */
import { useMemo, useState } from "react";
import { Chart } from "../../components/chart.js";
import { DataTable, moneyColumn, pointsColumn, type Column } from "../../components/table.js";
import { Card, ErrorBox, Field, Loading, Tabs } from "../../components/ui.js";
import { useI18n } from "../../i18n/index.js";
import { api, type ReportRow, type ReportUnit } from "../../lib/api.js";
import { formatPrice, type Locale } from "../../lib/format.js";
import { localToday, periodSeconds, shiftDate } from "../../lib/report-range.js";
import { useSession } from "../../lib/session.js";
import { useData } from "../../lib/use-data.js";
import type { Translate } from "../../i18n/index.js";

const UNITS: ReportUnit[] = ["day", "week", "month"];

function reportColumns(t: Translate, locale: Locale): Column<ReportRow>[] {
  const count = (key: keyof ReportRow & string): Column<ReportRow> => ({
    key,
    label: t(`report.${key}` as Parameters<Translate>[0]),
    numeric: true,
  });
  return [
    { key: "period", label: t("report.period") },
    count("orders"),
    moneyColumn("orderAmount", t("report.orderAmount"), locale),
    count("refunds"),
    moneyColumn("revenuePool", t("report.revenuePool"), locale),
    moneyColumn("revenueMerchants", t("report.revenueMerchants"), locale),
    moneyColumn("revenueDistribution", t("report.revenueDistribution"), locale),
    moneyColumn("revenuePlatform", t("report.revenuePlatform"), locale),
    moneyColumn("poolIn", t("report.poolIn"), locale),
    moneyColumn("poolOut", t("report.poolOut"), locale),
    moneyColumn("poolEnd", t("report.poolEnd"), locale),
    {
      key: "priceEnd",
      label: t("report.priceEnd"),
      numeric: true,
      render: (row) => formatPrice(row.priceEnd, locale),
    },
    pointsColumn("pointsIssued", t("report.pointsIssued"), locale),
    pointsColumn("pointsBurned", t("report.pointsBurned"), locale),
    count("exits"),
    count("withdrawals"),
    moneyColumn("withdrawalAmount", t("report.withdrawalAmount"), locale),
    count("withdrawalsApproved"),
    count("newMembers"),
  ];
}

export function Reports() {
  const { t, locale } = useI18n();
  const { timeZone } = useSession();
  const today = localToday(timeZone);
  const [range, setRange] = useState({ from: shiftDate(today, -29), to: today });
  const [draft, setDraft] = useState(range);
  const [unit, setUnit] = useState<ReportUnit>("day");
  const report = useData(() => api.report(range.from, range.to, unit), [range.from, range.to, unit]);
  const rows = report.data?.rows;
  const x = useMemo(() => (rows ?? []).map((row) => periodSeconds(row.period)), [rows]);
  const orderSeries = useMemo(
    () => [
      { label: t("report.orderAmount"), values: (rows ?? []).map((r) => r.orderAmount), color: "#b86e00" },
    ],
    [rows, t],
  );
  const priceSeries = useMemo(
    () => [{ label: t("chart.price"), values: (rows ?? []).map((r) => r.priceEnd), color: "#2f7d32" }],
    [rows, t],
  );
  const columns = useMemo(() => reportColumns(t, locale), [t, locale]);
  return (
    <>
      <Card title={t("operator.reports")}>
        <form
          className="row wrap"
          onSubmit={(event) => {
            event.preventDefault();
            setRange(draft);
          }}
        >
          <Field
            label={t("field.from")}
            type="date"
            value={draft.from}
            max={draft.to}
            onChange={(event) => setDraft({ ...draft, from: event.target.value })}
            data-testid="report-from"
          />
          <Field
            label={t("field.to")}
            type="date"
            value={draft.to}
            min={draft.from}
            onChange={(event) => setDraft({ ...draft, to: event.target.value })}
            data-testid="report-to"
          />
          <button type="submit" className="btn btn-primary" data-testid="report-show">
            {t("report.show")}
          </button>
        </form>
        <Tabs
          value={unit}
          options={UNITS.map((value) => ({ value, label: t(`report.unit.${value}`) }))}
          onChange={setUnit}
        />
        {report.data === undefined ? null : (
          <p className="muted">{t("report.zone", { zone: report.data.timeZone })}</p>
        )}
        <ErrorBox error={report.error} />
      </Card>
      {rows === undefined ? (
        report.error ? null : (
          <Loading />
        )
      ) : (
        <>
          <Card title={t("report.ordersChart")}>
            <Chart
              x={x}
              series={orderSeries}
              bars
              time
              height={200}
              title={t("report.ordersChart")}
              xLabel={t("report.period")}
            />
          </Card>
          <Card title={t("report.priceChart")}>
            <Chart
              x={x}
              series={priceSeries}
              time
              height={180}
              title={t("report.priceChart")}
              xLabel={t("report.period")}
            />
          </Card>
          <Card title={t("operator.reports")}>
            <DataTable columns={columns} rows={rows} name={`report-${unit}`} rowKey={(row) => row.period} />
          </Card>
        </>
      )}
    </>
  );
}

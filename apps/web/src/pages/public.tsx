/**
 * The public transparency page: the exit queue and the proof of liabilities, price over time, totals
 * paid in and out, the rules in plain words. No login.
 */
import { Chart } from "../components/chart.js";
import { usePriceSeries } from "../components/price-series.js";
import { RulesExplained } from "../components/rules-explained.js";
import { LiabilitiesCard, QueueMeterCard } from "../components/transparency.js";
import { Card, ErrorBox, Loading, RiskNotice, Stat } from "../components/ui.js";
import { useI18n } from "../i18n/index.js";
import { api } from "../lib/api.js";
import { formatMoney, formatPoints, formatPrice } from "../lib/format.js";
import { useLocation } from "../lib/router.js";
import { useSession } from "../lib/session.js";
import { useData } from "../lib/use-data.js";
import { accountLabel } from "../i18n/index.js";

export default function PublicPage() {
  const { t, locale } = useI18n();
  const { timeZone } = useSession();
  const { params } = useLocation();
  const view = useData(() => api.publicView(params.get("tenant") ?? undefined), [params.get("tenant")]);
  const chart = usePriceSeries(view.data?.priceHistory, view.data, t);
  if (view.error) return <ErrorBox error={view.error} />;
  if (view.data === undefined) return <Loading />;
  const data = view.data;
  const label = (key: string) => accountLabel(t, key);
  return (
    <div className="page">
      <h1>{t("public.title")}</h1>
      <p className="muted">{t("public.intro")}</p>
      <Card>
        <div className="stats">
          <Stat
            label={t("operator.price")}
            value={formatPrice(data.price, locale)}
            exact={formatPrice(data.price, locale, 8)}
            testId="public-price"
          />
          <Stat label={t("operator.pool")} value={formatMoney(data.pool, locale)} testId="public-pool" />
          <Stat
            label={t("operator.supply")}
            value={formatPoints(data.supply, locale, 2)}
            testId="public-supply"
          />
          <Stat label={t("operator.members")} value={String(data.counts.members)} />
          <Stat label={t("nav.positions")} value={String(data.counts.positions)} />
          <Stat label={t("common.day")} value={String(data.day)} />
        </div>
      </Card>
      <QueueMeterCard queue={data.queue} />
      <LiabilitiesCard liabilities={data.liabilities} />
      <Card title={t("operator.priceHistory")}>
        <Chart
          x={chart.x}
          series={chart.series}
          time
          timeZone={timeZone}
          title={t("operator.priceHistory")}
          xLabel={t("common.date")}
        />
      </Card>
      <Card title={t("public.totals")}>
        <div className="grid">
          <TotalsList title={t("public.paidIn")} values={data.totals.paidIn} label={label} />
          <TotalsList title={t("public.paidOut")} values={data.totals.paidOut} label={label} />
          <TotalsList title={t("operator.accounts")} values={data.totals.held} label={label} />
        </div>
      </Card>
      <Card
        title={t("public.rules")}
        actions={<span className="muted small">{t("rules.version", { v: data.rules.version })}</span>}
      >
        <RulesExplained rules={data.rules.rules} />
      </Card>
      <RiskNotice />
    </div>
  );
}

function TotalsList({
  title,
  values,
  label,
}: {
  title: string;
  values: Record<string, string>;
  label: (key: string) => string;
}) {
  const { locale } = useI18n();
  return (
    <div>
      <h3>{title}</h3>
      <table className="table">
        <tbody>
          {Object.entries(values).map(([key, value]) => (
            <tr key={key}>
              <td>{label(key)}</td>
              <td className="num">{formatMoney(value, locale)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

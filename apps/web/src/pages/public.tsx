/** The public transparency page: price over time, totals paid in and out, the rules in plain words. No login. */
import { useMemo } from "react";
import { Chart } from "../components/chart.js";
import { RulesExplained } from "../components/rules-explained.js";
import { Card, ErrorBox, Loading, RiskNotice, Stat } from "../components/ui.js";
import { useI18n, type MessageKey } from "../i18n/index.js";
import { api, type PricePoint } from "../lib/api.js";
import { formatMoney, formatPoints, formatPrice } from "../lib/format.js";
import { useLocation } from "../lib/router.js";
import { useData } from "../lib/use-data.js";
import { accountLabel } from "../i18n/index.js";

/**
 * The price and pool over time: the server's samples, then the figures as they are now (so a young
 * scheme with a single sample still draws a line up to the present).
 */
export function usePriceSeries(
  history: PricePoint[] | undefined,
  now: { price: string; pool: string } | undefined,
  t: (key: MessageKey) => string,
) {
  return useMemo(() => {
    const points: { at: number; price: string; pool: string }[] = (history ?? []).map((p) => ({
      at: Math.floor(new Date(p.at).getTime() / 1000),
      price: p.price,
      pool: p.pool,
    }));
    const last = points[points.length - 1];
    const nowSeconds = Math.floor(Date.now() / 1000);
    if (now !== undefined && (last === undefined || nowSeconds > last.at))
      points.push({ at: nowSeconds, ...now });
    return {
      x: points.map((p) => p.at),
      series: [
        { label: t("chart.price"), values: points.map((p) => p.price), color: "#0f5c63" },
        { label: t("chart.pool"), values: points.map((p) => p.pool), color: "#b86e00", right: true },
      ],
    };
  }, [history, now, t]);
}

export default function PublicPage() {
  const { t, locale } = useI18n();
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
          <Stat label={t("operator.price")} value={formatPrice(data.price, locale)} testId="public-price" />
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
      <Card title={t("operator.priceHistory")}>
        <Chart
          x={chart.x}
          series={chart.series}
          time
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

/**
 * The rule-change preview on the rules page: before a draft is published, the server runs the
 * simulator from today's live state under the rules in force and under the draft (demand fitted to
 * the scheme's own recent orders), and this card draws both side by side: price and pool bands,
 * today's positions that would exit, and the entry cohorts of the members who join after today.
 */
import { useEffect, useRef, useState } from "react";
import { Chart } from "../../components/chart.js";
import { CohortTable, type CohortRow, percent } from "../../components/cohort-table.js";
import { Card, ErrorBox, Progress, RiskNotice, Stat } from "../../components/ui.js";
import { useI18n } from "../../i18n/index.js";
import {
  api,
  ApiError,
  type PreviewCohort,
  type PreviewSide,
  type RuleChangePreview,
  type RulesJson,
} from "../../lib/api.js";
import { formatMoney, formatNumber, formatPrice } from "../../lib/format.js";

type Quantile = PreviewCohort["exitedShare"];

const POLL_MS = 500;
const COLORS = { current: "#64748b", proposed: "#c2410c" } as const;

function Fan({ title, current, proposed }: { title: string; current: Quantile[]; proposed: Quantile[] }) {
  const { t } = useI18n();
  const x = current.map((_, day) => day);
  const line = (side: "current" | "proposed", values: Quantile[], pick: keyof Quantile, label: string) => ({
    label: `${t(`forecast.${side}`)} ${label}`,
    values: values.map((q) => q[pick]),
    color: COLORS[side],
  });
  return (
    <Chart
      title={title}
      x={x}
      xLabel={t("sim.days")}
      series={[
        line("current", current, "p10", "P10"),
        line("current", current, "p50", "P50"),
        line("current", current, "p90", "P90"),
        line("proposed", proposed, "p10", "P10"),
        line("proposed", proposed, "p50", "P50"),
        line("proposed", proposed, "p90", "P90"),
      ]}
    />
  );
}

/** A band as one quantile triple per day, the shape Fan draws. */
const perDay = (band: PreviewSide["bands"]["price"]): Quantile[] =>
  band.p50.map((p50, day) => ({ p10: band.p10[day] ?? null, p50, p90: band.p90[day] ?? null }));

/** A side's cohorts as the shared table shows them (medians of the runs). */
function cohortRows(side: PreviewSide): CohortRow[] {
  return side.cohorts.map((row: PreviewCohort) => ({
    startDay: row.startDay,
    endDay: row.endDay,
    members: row.members,
    exitedShare: row.exitedShare.p50,
    daysToExitMedian: row.daysToExitMedian,
    waiting180Share: row.waiting180Share?.p50,
    waiting365Share: row.waiting365Share?.p50,
    cashPaid: row.cashPaid.p50,
    cashReceived: row.cashReceived.p50,
  }));
}

function Result({ preview }: { preview: RuleChangePreview }) {
  const { t, locale } = useI18n();
  const { demand, start, current, proposed } = preview;
  if (current === null || proposed === null) return null;
  return (
    <div data-testid="rule-preview-result">
      <p className="small">
        {t("forecast.start", {
          day: start.day,
          price: formatPrice(start.price, locale),
          pool: formatMoney(start.pool, locale),
          open: formatNumber(start.openPositions, locale, 0),
        })}
      </p>
      <h3>{t("forecast.fitted", { days: demand.windowDays })}</h3>
      <div className="stats">
        <Stat
          label={t("forecast.ordersPerDay")}
          value={formatNumber(demand.ordersPerDay.toFixed(2), locale)}
        />
        <Stat label={t("forecast.trend")} value={percent(demand.trendPerDay)} />
        <Stat
          label={t("forecast.newMembersPerDay")}
          value={formatNumber(demand.newMembersPerDay.toFixed(2), locale)}
        />
        <Stat label={t("forecast.activeMembers")} value={formatNumber(demand.activeMembers, locale, 0)} />
        <Stat label={t("forecast.amountMedian")} value={formatMoney(demand.amountMedian, locale)} />
        <Stat label={t("forecast.sellerShare")} value={percent(demand.sellerShare)} />
      </div>
      <Fan
        title={t("forecast.price")}
        current={perDay(current.bands.price)}
        proposed={perDay(proposed.bands.price)}
      />
      <Fan
        title={t("forecast.pool")}
        current={perDay(current.bands.pool)}
        proposed={perDay(proposed.bands.pool)}
      />
      <div className="stats">
        {(["current", "proposed"] as const).map((side) => (
          <Stat
            key={side}
            label={`${t(`forecast.${side}`)} · ${t("forecast.startExited")}`}
            value={formatNumber(preview[side]!.startExited.p50 ?? 0, locale, 0)}
            testId={`preview-exited-${side}`}
          />
        ))}
        {(["current", "proposed"] as const).map((side) => (
          <Stat
            key={`loss-${side}`}
            label={`${t(`forecast.${side}`)} · ${t("forecast.lossShare")}`}
            value={percent(preview[side]!.lossShare.p50)}
          />
        ))}
      </div>
      <h3>{t("forecast.cohorts")}</h3>
      <div className="preview-sides">
        <div>
          <h4>{t("forecast.current")}</h4>
          <CohortTable rows={cohortRows(current)} name="preview-cohorts-current" />
        </div>
        <div>
          <h4>{t("forecast.proposed")}</h4>
          <CohortTable rows={cohortRows(proposed)} name="preview-cohorts-proposed" />
        </div>
      </div>
      <p className="muted small">
        {t("forecast.seconds", { runs: preview.runs, seconds: (preview.seconds ?? 0).toFixed(1) })}
      </p>
    </div>
  );
}

export function RulePreview({ draft }: { draft: RulesJson }) {
  const { t } = useI18n();
  const [preview, setPreview] = useState<RuleChangePreview | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [horizonDays, setHorizonDays] = useState(365);
  const [runs, setRuns] = useState(20);
  const timer = useRef<number | undefined>(undefined);
  useEffect(() => () => window.clearTimeout(timer.current), []);
  const poll = (id: string) => {
    timer.current = window.setTimeout(() => {
      api
        .ruleChangePreview(id)
        .then((next) => {
          setPreview(next);
          if (next.status === "running") poll(id);
        })
        .catch((caught: unknown) => setError(caught instanceof ApiError ? caught : null));
    }, POLL_MS);
  };
  const start = async () => {
    setError(null);
    window.clearTimeout(timer.current);
    try {
      const started = await api.previewRuleChange({ rules: draft, horizonDays, runs });
      setPreview(started);
      poll(started.id);
    } catch (caught) {
      if (caught instanceof ApiError) setError(caught);
      else throw caught;
    }
  };
  const running = preview?.status === "running";
  return (
    <Card title={t("forecast.title")} id="rule-preview">
      <p className="muted small">{t("forecast.intro")}</p>
      <div className="form-row">
        <label>
          {t("field.horizonDays")}
          <input
            type="number"
            min={30}
            max={1095}
            value={horizonDays}
            name="horizonDays"
            onChange={(event) => setHorizonDays(Number(event.target.value))}
          />
        </label>
        <label>
          {t("field.runs")}
          <input
            type="number"
            min={1}
            max={100}
            value={runs}
            name="runs"
            onChange={(event) => setRuns(Number(event.target.value))}
          />
        </label>
        <button
          type="button"
          className="btn"
          disabled={running}
          data-testid="rule-preview-run"
          onClick={() => void start()}
        >
          {running ? t("forecast.running") : t("forecast.run")}
        </button>
      </div>
      {error === null ? null : <ErrorBox error={error} />}
      {running ? <Progress fraction={preview.progress} label={t("forecast.running")} /> : null}
      {preview?.status === "failed" ? <p className="error">{t("forecast.failed")}</p> : null}
      {preview?.status === "done" ? <Result preview={preview} /> : null}
      <RiskNotice />
    </Card>
  );
}

/**
 * The simulator page (issue #6): edit a scenario with sliders, run it in a Web Worker with the
 * simulator and rules engine, watch the charts, and compare two rule sets side by side.
 */
import { useEffect, useMemo, useRef, useState } from "react";
import { Chart } from "../../components/chart.js";
import { Card, Progress, RiskNotice, Stat } from "../../components/ui.js";
import { useI18n } from "../../i18n/index.js";
import { formatMoney, formatNumber, formatPoints, formatPrice } from "../../lib/format.js";
import {
  buildScenario,
  DEFAULT_A,
  DEFAULT_B,
  DEFAULT_DEMAND,
  DEMAND_RANGES,
  RULE_RANGES,
  type DemandKnobs,
  type RuleKnobs,
} from "./scenario.js";
import type { SimMessage, SimOutcome } from "./worker.js";
import { ScenarioLab } from "./scenario-lab.js";

function Slider({
  label,
  value,
  min,
  max,
  step,
  onChange,
  show,
}: {
  label: string;
  value: number;
  min: number;
  max: number;
  step: number;
  onChange: (v: number) => void;
  show?: string;
}) {
  return (
    <label className="slider">
      <span>
        {label}: <strong>{show ?? value}</strong>
      </span>
      <input
        type="range"
        min={min}
        max={max}
        step={step}
        value={value}
        onChange={(event) => onChange(Number(event.target.value))}
      />
    </label>
  );
}

interface RunState {
  progress: number;
  outcome: SimOutcome | null;
  error: string | null;
}

export default function SimulatorPage() {
  const { t } = useI18n();
  const [demand, setDemand] = useState(DEFAULT_DEMAND);
  const [ruleA, setRuleA] = useState(DEFAULT_A);
  const [ruleB, setRuleB] = useState(DEFAULT_B);
  const [compare, setCompare] = useState(true);
  const [runs, setRuns] = useState<RunState[]>([]);
  const workers = useRef<Worker[]>([]);
  const request = useRef(0);
  const stopAll = () => {
    for (const worker of workers.current) worker.terminate();
    workers.current = [];
  };

  useEffect(() => stopAll, []);

  // Re-run shortly after the last slider move; a newer run replaces a running one. Each rule set
  // runs in its own worker, so two rule sets use two cores.
  useEffect(() => {
    const timer = window.setTimeout(() => {
      stopAll();
      const id = ++request.current;
      const scenarios = compare
        ? [buildScenario(demand, ruleA), buildScenario(demand, ruleB)]
        : [buildScenario(demand, ruleA)];
      setRuns(scenarios.map(() => ({ progress: 0, outcome: null, error: null })));
      const receive = (event: MessageEvent<SimMessage>) => {
        const message = event.data;
        if (message.id !== request.current) return;
        setRuns((current) =>
          current.map((run, index) => {
            if (index !== message.index) return run;
            if (message.kind === "progress") return { ...run, progress: message.done / message.total };
            if (message.kind === "result") return { progress: 1, outcome: message.outcome, error: null };
            return { ...run, error: `${message.path}: ${message.reason}` };
          }),
        );
      };
      workers.current = scenarios.map((scenario, index) => {
        const worker = new Worker(new URL("./worker.ts", import.meta.url), { type: "module" });
        worker.onmessage = receive;
        worker.postMessage({ id, first: index, scenarios: [scenario] });
        return worker;
      });
    }, 250);
    return () => window.clearTimeout(timer);
  }, [demand, ruleA, ruleB, compare]);

  const set = (key: keyof DemandKnobs) => (value: number) => setDemand({ ...demand, [key]: value });
  return (
    <div className="page">
      <h1>{t("sim.title")}</h1>
      <p className="muted">{t("sim.intro")}</p>
      <Card>
        <div className="sliders">
          <Slider
            label={t("sim.days")}
            value={demand.horizonDays}
            {...DEMAND_RANGES.horizonDays}
            onChange={set("horizonDays")}
          />
          <Slider
            label={t("sim.ordersPerDay")}
            value={demand.membersPerDay}
            {...DEMAND_RANGES.membersPerDay}
            onChange={set("membersPerDay")}
          />
          <Slider
            label={t("sim.orderAmount")}
            value={demand.spend}
            {...DEMAND_RANGES.spend}
            onChange={set("spend")}
          />
          <Slider
            label={t("sim.sellShare")}
            value={demand.sellDaily}
            {...DEMAND_RANGES.sellDaily}
            onChange={set("sellDaily")}
          />
          <Slider label={t("sim.seed")} value={demand.seed} {...DEMAND_RANGES.seed} onChange={set("seed")} />
        </div>
        <label className="row small" style={{ marginTop: "0.5rem" }}>
          <input
            type="checkbox"
            style={{ width: "auto" }}
            checked={compare}
            onChange={(event) => setCompare(event.target.checked)}
          />
          {t("sim.compare")}
        </label>
      </Card>
      <div className="compare">
        <RuleColumn
          title={t("sim.ruleA")}
          knobs={ruleA}
          onChange={setRuleA}
          run={runs[0]}
          horizon={demand.horizonDays}
        />
        {compare ? (
          <RuleColumn
            title={t("sim.ruleB")}
            knobs={ruleB}
            onChange={setRuleB}
            run={runs[1]}
            horizon={demand.horizonDays}
          />
        ) : null}
      </div>
      <ScenarioLab />
      <p className="muted small">{t("sim.engineNote")}</p>
      <RiskNotice />
    </div>
  );
}

function RuleColumn({
  title,
  knobs,
  onChange,
  run,
  horizon,
}: {
  title: string;
  knobs: RuleKnobs;
  onChange: (k: RuleKnobs) => void;
  run: RunState | undefined;
  horizon: number;
}) {
  const { t, locale } = useI18n();
  const outcome = run?.outcome ?? null;
  const x = useMemo(() => Array.from({ length: outcome?.series.price.length ?? 0 }, (_, i) => i), [outcome]);
  const priceSeries = useMemo(
    () =>
      outcome === null
        ? []
        : [
            { label: t("chart.price"), values: Array.from(outcome.series.price), color: "#0f5c63" },
            {
              label: t("chart.pool"),
              values: Array.from(outcome.series.pool),
              color: "#b86e00",
              right: true,
            },
          ],
    [outcome, t],
  );
  const exitSeries = useMemo(
    () =>
      outcome === null
        ? []
        : [{ label: t("sim.exits"), values: Array.from(outcome.series.exits), color: "#a3262a" }],
    [outcome, t],
  );
  return (
    <Card title={title}>
      <div className="sliders">
        <Slider
          label={t("sim.sellFee")}
          show={formatNumber(String(knobs.sellFee), locale)}
          value={knobs.sellFee}
          {...RULE_RANGES.sellFee}
          onChange={(v) => onChange({ ...knobs, sellFee: v })}
        />
        <Slider
          label={t("sim.exitMultiple")}
          value={knobs.exitMultiple}
          {...RULE_RANGES.exitMultiple}
          onChange={(v) => onChange({ ...knobs, exitMultiple: v })}
        />
        <Slider
          label={t("sim.issueRatio")}
          value={knobs.issueRatio}
          {...RULE_RANGES.issueRatio}
          onChange={(v) => onChange({ ...knobs, issueRatio: v })}
        />
      </div>
      {run === undefined ? null : <Progress fraction={run.progress} label={t("sim.running")} />}
      {run?.error ? <div className="notice notice-error">{run.error}</div> : null}
      {outcome === null ? null : (
        <>
          <Chart
            x={x}
            series={priceSeries}
            title={t("operator.priceHistory")}
            height={200}
            xLabel={t("common.day")}
          />
          <Chart
            x={x}
            series={exitSeries}
            title={t("sim.exits")}
            height={140}
            bars
            xLabel={t("common.day")}
          />
          <div className="stats" data-testid="sim-result">
            <Stat label={t("operator.price")} value={formatPrice(outcome.final.price, locale)} />
            <Stat label={t("operator.pool")} value={formatMoney(outcome.final.pool, locale)} />
            <Stat label={t("operator.supply")} value={formatPoints(outcome.final.supply, locale, 0)} />
            <Stat label={t("sim.exits")} value={String(outcome.counters.exits)} />
            <Stat label={t("operator.members")} value={String(outcome.counters.members)} />
            <Stat label={t("common.day")} value={`${outcome.final.day} / ${horizon}`} />
          </div>
        </>
      )}
    </Card>
  );
}

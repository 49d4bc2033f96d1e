/**
 * The simulator page (issue #6): edit a scenario with sliders, run it in a Web Worker with the
 * simulator and rules engine, watch the charts, and compare two rule sets side by side.
 */
import { useEffect, useMemo, useRef, useState } from "react";
import { Chart } from "../../components/chart.js";
import { Card, Progress, RiskNotice, Stat } from "../../components/ui.js";
import { useI18n } from "../../i18n/index.js";
import { formatMoney, formatNumber, formatPoints, formatPrice } from "../../lib/format.js";
import type { SimMessage, SimOutcome } from "./worker.js";

interface RuleKnobs {
  sellFee: number;
  exitMultiple: number;
  issueRatio: number;
}

interface DemandKnobs {
  horizonDays: number;
  membersPerDay: number;
  spend: number;
  repeatDays: number;
  sellDaily: number;
  seed: number;
}

const DEFAULT_DEMAND: DemandKnobs = {
  horizonDays: 365,
  membersPerDay: 20,
  spend: 500,
  repeatDays: 30,

  sellDaily: 0.3,
  seed: 1,
};
const DEFAULT_A: RuleKnobs = { sellFee: 0.2, exitMultiple: 3, issueRatio: 0.7 };
const DEFAULT_B: RuleKnobs = { sellFee: 0.1, exitMultiple: 2, issueRatio: 0.5 };

/** Slider values are plain numbers; the scenario's rules are decimal strings, as the engine wants them. */
const decimal = (value: number, places: number) => value.toFixed(places);

export function buildScenario(demand: DemandKnobs, rules: RuleKnobs) {
  return {
    name: "web",
    horizonDays: demand.horizonDays,
    seed: demand.seed,
    runs: 1,
    rules: {
      sellFee: decimal(rules.sellFee, 2),
      exitMultiple: decimal(rules.exitMultiple, 1),
      issueRatio: decimal(rules.issueRatio, 2),
    },
    demand: {
      newMembers: { curve: "constant", perDay: demand.membersPerDay },
      spend: {
        distribution: "lognormal",
        median: decimal(demand.spend, 2),
        sigma: 0.6,
        min: "10.00",
        max: decimal(demand.spend * 20, 2),
      },
      repeat: { meanDaysBetween: demand.repeatDays },
    },
    // Members not selling daily hold until their forced exit (the simulator's default for the rest).
    behaviour: { sellShareDaily: { share: demand.sellDaily, rate: 0.05 } },
  };
}

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
            min={30}
            max={3650}
            step={5}
            onChange={set("horizonDays")}
          />
          <Slider
            label={t("sim.ordersPerDay")}
            value={demand.membersPerDay}
            min={1}
            max={300}
            step={1}
            onChange={set("membersPerDay")}
          />
          <Slider
            label={t("sim.orderAmount")}
            value={demand.spend}
            min={10}
            max={5000}
            step={10}
            onChange={set("spend")}
          />
          <Slider
            label={t("sim.sellShare")}
            value={demand.sellDaily}
            min={0}
            max={1}
            step={0.05}
            onChange={set("sellDaily")}
          />
          <Slider
            label={t("sim.seed")}
            value={demand.seed}
            min={1}
            max={100}
            step={1}
            onChange={set("seed")}
          />
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
          min={0}
          max={0.5}
          step={0.01}
          onChange={(v) => onChange({ ...knobs, sellFee: v })}
        />
        <Slider
          label={t("sim.exitMultiple")}
          value={knobs.exitMultiple}
          min={1.5}
          max={10}
          step={0.5}
          onChange={(v) => onChange({ ...knobs, exitMultiple: v })}
        />
        <Slider
          label={t("sim.issueRatio")}
          value={knobs.issueRatio}
          min={0.1}
          max={1}
          step={0.05}
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

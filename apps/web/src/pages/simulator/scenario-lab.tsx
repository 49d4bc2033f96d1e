/**
 * The simulator page's scenario lab, on par with `zengzhi simulate`: the same scenario JSON (import,
 * export, share by link in the URL hash), demand shapes, a Monte Carlo spread over Web Workers (one
 * per core), P10–P90 fan charts, the entry cohorts and the plain-language summary the command line's
 * report prints. The runs are aggregated here by the same `aggregateRuns`, so the result JSON it
 * exports is the one `zengzhi simulate --json` writes for the same scenario and seed.
 */
import {
  aggregateRuns,
  type CohortSummary,
  type MonteCarloResult,
  monteCarloSeeds,
  parseScenario,
  type RunResult,
  type Scenario,
  ScenarioError,
  summarize,
} from "@zengzhi/sim";
import { useEffect, useMemo, useRef, useState } from "react";
import { Chart } from "../../components/chart.js";
import { CohortTable, type CohortRow } from "../../components/cohort-table.js";
import { Card, Progress, Stat } from "../../components/ui.js";
import { useI18n } from "../../i18n/index.js";
import { formatMoney, formatNumber, formatPrice } from "../../lib/format.js";
import {
  buildScenario,
  DEFAULT_A,
  DEFAULT_DEMAND,
  DEMAND_SHAPES,
  type DemandShape,
  demandCurve,
  scenarioFromHash,
  scenarioHash,
} from "./scenario.js";
import type { MonteCarloMessage, MonteCarloRequest } from "./worker.js";

type Json = Record<string, unknown>;

const initialScenario = (): Json =>
  (scenarioFromHash(window.location.hash) as Json | null) ?? {
    ...buildScenario(DEFAULT_DEMAND, DEFAULT_A, "constant"),
    name: "web",
    runs: 8,
  };

function download(name: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: "application/json" }));
  const link = document.createElement("a");
  link.href = url;
  link.download = name;
  link.click();
  URL.revokeObjectURL(url);
}

/** New members a day of the scenario's curve, where it names one (the shapes are built around it). */
function perDayOf(scenario: Json): number {
  const curve = (scenario.demand as Json | undefined)?.newMembers as Json | undefined;
  if (typeof curve?.perDay === "number") return curve.perDay;
  const phases = curve?.phases as Json[] | undefined;
  return typeof phases?.[0]?.perDay === "number" ? phases[0].perDay : 20;
}

interface LabRun {
  progress: number;
  scenario: Scenario | null;
  result: MonteCarloResult | null;
  /** The scenario field at fault (the simulator's reason is English; the page names the field). */
  error: string | null;
}

/** Runs the scenario's seeds over `navigator.hardwareConcurrency` workers and aggregates them. */
function useMonteCarlo() {
  const [run, setRun] = useState<LabRun | null>(null);
  const workers = useRef<Worker[]>([]);
  const stop = () => {
    for (const worker of workers.current) worker.terminate();
    workers.current = [];
  };
  useEffect(() => stop, []);
  const start = (raw: Json) => {
    stop();
    let scenario: Scenario;
    try {
      scenario = parseScenario(raw);
    } catch (error) {
      setRun({
        progress: 0,
        scenario: null,
        result: null,
        error: error instanceof ScenarioError ? error.path : "",
      });
      return;
    }
    const seeds = monteCarloSeeds(scenario.seed, scenario.runs);
    const count = Math.max(1, Math.min(navigator.hardwareConcurrency || 2, seeds.length));
    const results = new Map<number, RunResult>();
    const progress = new Map<number, number>();
    setRun({ progress: 0, scenario, result: null, error: null });
    const receive = (event: MessageEvent<MonteCarloMessage>) => {
      const message = event.data;
      if (message.kind === "error") {
        stop();
        setRun({ progress: 0, scenario, result: null, error: message.path });
        return;
      }
      if (message.kind === "runProgress") progress.set(message.seed, message.done / message.total);
      else {
        results.set(message.seed, message.result);
        progress.set(message.seed, 1);
      }
      const fraction = [...progress.values()].reduce((a, b) => a + b, 0) / seeds.length;
      if (results.size < seeds.length) {
        setRun({ progress: fraction, scenario, result: null, error: null });
        return;
      }
      stop();
      // In seed order, as the command line aggregates them.
      const result = aggregateRuns(
        scenario,
        seeds.map((seed) => results.get(seed)!),
      );
      setRun({ progress: 1, scenario, result, error: null });
    };
    workers.current = Array.from({ length: count }, (_, index) => {
      const worker = new Worker(new URL("./worker.ts", import.meta.url), { type: "module" });
      worker.onmessage = receive;
      const share = seeds.filter((_, i) => i % count === index);
      worker.postMessage({
        id: index,
        kind: "monteCarlo",
        scenario: raw,
        seeds: share,
      } satisfies MonteCarloRequest);
      return worker;
    });
  };
  return { run, start, workerCount: () => workers.current.length };
}

function FanChart({ title, band }: { title: string; band: MonteCarloResult["bands"]["price"] }) {
  const { t } = useI18n();
  const x = useMemo(() => band.p50.map((_, day) => day), [band]);
  return (
    <Chart
      title={title}
      x={x}
      xLabel={t("common.day")}
      height={200}
      series={[
        { label: "P10", values: band.p10, color: "#94a3b8" },
        { label: "P50", values: band.p50, color: "#0f5c63" },
        { label: "P90", values: band.p90, color: "#94a3b8" },
      ]}
    />
  );
}

/** The run's cohorts as the shared table shows them (medians of the runs). */
function cohortRows(cohorts: CohortSummary[]): CohortRow[] {
  return cohorts.map((row) => ({
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

function LabResult({ result, scenario }: { result: MonteCarloResult; scenario: Scenario }) {
  const { t, locale } = useI18n();
  const last = result.bands.price.p50.length - 1;
  // The command line's summary (the same sentences), in the page's language.
  const summary = useMemo(() => summarize(scenario, result, locale), [scenario, result, locale]);
  return (
    <div data-testid="sim-lab-result">
      <div className="stats">
        <Stat
          label={t("operator.price")}
          value={formatPrice(String(result.bands.price.p50[last]), locale)}
          testId="sim-lab-price"
        />
        <Stat
          label={t("operator.pool")}
          value={formatMoney(result.bands.pool.p50[last]!.toFixed(2), locale)}
        />
        <Stat label={t("operator.members")} value={formatNumber(result.totals.members.p50, locale, 0)} />
        <Stat label={t("sim.runs")} value={String(result.runs)} />
      </div>
      <FanChart title={`${t("chart.price")} (P10–P90)`} band={result.bands.price} />
      <FanChart title={`${t("chart.pool")} (P10–P90)`} band={result.bands.pool} />
      <FanChart title={`${t("operator.members")} (P10–P90)`} band={result.bands.members} />
      <h3>{t("forecast.cohorts")}</h3>
      <CohortTable rows={cohortRows(result.cohorts)} name="sim-cohorts" />
      <h3>{t("sim.summary")}</h3>
      <ul className="small" data-testid="sim-summary">
        {summary.map((sentence) => (
          <li key={sentence}>{sentence}</li>
        ))}
      </ul>
      <button
        type="button"
        className="btn btn-ghost"
        data-testid="sim-export-result"
        onClick={() => download("result.json", JSON.stringify(result, null, 2) + "\n")}
      >
        {t("sim.exportResult")}
      </button>
    </div>
  );
}

export function ScenarioLab() {
  const { t } = useI18n();
  const [raw, setRaw] = useState<Json>(initialScenario);
  const [text, setText] = useState(() => JSON.stringify(raw, null, 2));
  const [parseError, setParseError] = useState<string | null>(null);
  const [shape, setShape] = useState<DemandShape>("constant");
  const { run, start } = useMonteCarlo();
  const replace = (next: Json) => {
    setRaw(next);
    setText(JSON.stringify(next, null, 2));
    setParseError(null);
  };
  const editText = (next: string) => {
    setText(next);
    try {
      const value = JSON.parse(next) as unknown;
      if (typeof value !== "object" || value === null || Array.isArray(value)) throw new Error("{ … }");
      setRaw(value as Json);
      setParseError(null);
    } catch (error) {
      setParseError(String(error));
    }
  };
  const applyShape = (next: DemandShape) => {
    setShape(next);
    const horizon = typeof raw.horizonDays === "number" ? raw.horizonDays : 365;
    replace({ ...raw, demand: { ...(raw.demand as Json), ...demandCurve(next, perDayOf(raw), horizon) } });
  };
  const setNumber = (key: "runs" | "seed") => (value: string) => replace({ ...raw, [key]: Number(value) });
  const importFile = async (file: File | undefined) => {
    if (file === undefined) return;
    editText(await file.text());
  };
  const share = () => {
    window.history.replaceState(null, "", scenarioHash(raw));
  };
  return (
    <Card title={t("sim.lab")} id="sim-lab">
      <p className="muted small">{t("sim.labIntro")}</p>
      <div className="form-row">
        <label>
          {t("sim.shape")}
          <select
            value={shape}
            name="shape"
            onChange={(event) => applyShape(event.target.value as DemandShape)}
          >
            {DEMAND_SHAPES.map((value) => (
              <option key={value} value={value}>
                {t(`sim.shape.${value}`)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t("field.runs")}
          <input
            type="number"
            min={1}
            max={200}
            name="runs"
            value={Number(raw.runs ?? 20)}
            onChange={(event) => setNumber("runs")(event.target.value)}
          />
        </label>
        <label>
          {t("field.seed")}
          <input
            type="number"
            min={0}
            name="seed"
            value={Number(raw.seed ?? 1)}
            onChange={(event) => setNumber("seed")(event.target.value)}
          />
        </label>
      </div>
      <details>
        <summary>{t("sim.scenarioJson")}</summary>
        <textarea
          rows={14}
          spellCheck={false}
          value={text}
          name="scenario"
          aria-label={t("sim.scenarioJson")}
          onChange={(event) => editText(event.target.value)}
        />
      </details>
      <div className="form-row">
        <label className="btn btn-ghost">
          {t("sim.import")}
          <input
            type="file"
            accept="application/json,.json"
            name="scenario-file"
            hidden
            onChange={(event) => void importFile(event.target.files?.[0])}
          />
        </label>
        <button
          type="button"
          className="btn btn-ghost"
          data-testid="sim-export"
          onClick={() => download("scenario.json", JSON.stringify(raw, null, 2) + "\n")}
        >
          {t("sim.export")}
        </button>
        <button type="button" className="btn btn-ghost" data-testid="sim-share" onClick={share}>
          {t("sim.share")}
        </button>
        <button
          type="button"
          className="btn"
          data-testid="sim-lab-run"
          disabled={parseError !== null || (run !== null && run.result === null && run.error === null)}
          onClick={() => start(raw)}
        >
          {t("sim.runMonteCarlo")}
        </button>
      </div>
      {parseError === null ? null : <div className="notice notice-error">{t("sim.badJson")}</div>}
      {run === null ? null : <Progress fraction={run.progress} label={t("sim.running")} />}
      {run === null || run.error === null ? null : (
        <div className="notice notice-error" data-testid="sim-lab-error">
          {t("sim.badScenario", { field: run.error === "" ? "—" : run.error })}
        </div>
      )}
      {run?.result && run.scenario ? <LabResult result={run.result} scenario={run.scenario} /> : null}
    </Card>
  );
}

/**
 * Rule changes judged on the live scheme (issue 14): a preview job fits demand to the tenant's last
 * days, copies the live engine (its snapshot) and runs the simulator under the current and the
 * proposed rules on worker threads, so the ledger's writer and the event loop stay free. The
 * operator polls the job; it changes nothing in the ledger and is kept in memory for an hour.
 */
import { randomUUID } from "node:crypto";
import os from "node:os";
import type { PreviewSide, RuleChangePreview } from "@zengzhi/contract";
import { type Engine, type EngineView, engineSnapshot } from "@zengzhi/engine";
import type { MonteCarloResult, Quantiles, RuleChangeInput } from "@zengzhi/sim";
import { compareRuleChangeParallel } from "@zengzhi/sim/node";
import { selectActiveMembers, selectDailyActivity } from "../db/rule-preview.js";
import { validateRules } from "./accounts.js";
import type { Session } from "./auth.js";
import { ApiError } from "./errors.js";
import { fitDemand } from "./rule-preview-fit.js";
import type { Services } from "./services.js";

/** How long a finished preview is kept, how many a node keeps, and the most members taken over. */
export const RULE_PREVIEW_KEEP_MS = 60 * 60 * 1000;
export const RULE_PREVIEWS_MAX = 100;
export const RULE_PREVIEW_MEMBERS_MAX = 1_000_000;

interface Job {
  tenant: string;
  view: RuleChangePreview;
  finishedAt: number | null;
}

/** The preview jobs of this node: one running per tenant at a time. */
export class RulePreviews {
  private readonly jobs = new Map<string, Job>();

  get(tenant: string, id: string): RuleChangePreview | undefined {
    const job = this.jobs.get(id);
    return job === undefined || job.tenant !== tenant ? undefined : job.view;
  }

  running(tenant: string): boolean {
    for (const job of this.jobs.values()) if (job.tenant === tenant && job.finishedAt === null) return true;
    return false;
  }

  add(tenant: string, view: RuleChangePreview, now: number): Job {
    for (const [id, job] of this.jobs) {
      const old = job.finishedAt !== null && now - job.finishedAt > RULE_PREVIEW_KEEP_MS;
      if (old || (this.jobs.size >= RULE_PREVIEWS_MAX && job.finishedAt !== null)) this.jobs.delete(id);
    }
    const job = { tenant, view, finishedAt: null };
    this.jobs.set(view.id, job);
    return job;
  }
}

const finite = (x: number) => (Number.isFinite(x) ? x : null);
const quantiles = (q: Quantiles) => ({ p10: finite(q.p10), p50: finite(q.p50), p90: finite(q.p90) });

/** One side of the answer: the bands, cohorts and counts the rules page draws. */
export function previewSide(result: MonteCarloResult): PreviewSide {
  const { bands } = result;
  return {
    rules: result.scenario.rules,
    bands: {
      price: bands.price,
      pool: bands.pool,
      members: bands.members,
      backToMembers: bands.backToMembers,
      exits: bands.exits,
    },
    cohorts: result.cohorts.map((c) => ({
      startDay: c.startDay,
      endDay: c.endDay,
      members: c.members,
      exitedShare: quantiles(c.exitedShare),
      daysToExitMedian: c.daysToExitMedian,
      waiting180Share: c.waiting180Share === null ? null : quantiles(c.waiting180Share),
      waiting365Share: c.waiting365Share === null ? null : quantiles(c.waiting365Share),
      cashPaid: quantiles(c.cashPaid),
      cashReceived: quantiles(c.cashReceived),
    })),
    startExited: quantiles(result.start.exited),
    lossShare: quantiles(result.lossShare),
    orders: quantiles(result.totals.orders),
    invariantsBroken: result.invariants.runsBroken,
  };
}

/**
 * The live state a preview starts from, read in one go: the engine's snapshot text and the order
 * counts of the window's members. The snapshot is the store's own format (`engineSnapshot`); a
 * reader's view is the engine's, and taking a snapshot only writes down release already owed (no
 * balance moves), as the writer's own snapshots do.
 */
function liveState(view: EngineView, members: { id: string; orders: number }[]) {
  return {
    snapshot: engineSnapshot(view as Engine),
    day: view.day,
    supplyPoints: Number(view.supply) / 1e8,
    members: members.map((m) => ({
      id: m.id,
      windowOrders: m.orders,
      allOrders: view.member(m.id)?.orders ?? m.orders,
    })),
  };
}

export interface PreviewRequest {
  rules: Record<string, unknown>;
  horizonDays?: number | undefined;
  runs?: number | undefined;
  windowDays?: number | undefined;
  seed?: number | undefined;
}

/** Starts a preview and answers at once with the job (status running). */
export async function startRulePreview(
  services: Services,
  session: Session,
  body: PreviewRequest,
): Promise<RuleChangePreview> {
  const tenant = session.tenant;
  const proposedRules = validateRules(body.rules);
  if (services.rulePreviews.running(tenant)) {
    throw new ApiError(409, "rule_preview_running", "a rule-change preview of this tenant is still running");
  }
  const windowDays = body.windowDays ?? 60;
  const today = await services.gateway.read(tenant, (view) => view.day);
  const days = Math.max(1, Math.min(windowDays, today + 1));
  const afterDay = today - days;
  const activity = await selectDailyActivity(services.sql, tenant, afterDay);
  const active = await selectActiveMembers(services.sql, tenant, {
    afterDay,
    limit: RULE_PREVIEW_MEMBERS_MAX,
  });
  const live = await services.gateway.read(tenant, (view) => liveState(view, active.members));
  const fit = fitDemand({
    today: live.day,
    days,
    activity,
    members: live.members,
    sellers: active.sellers,
    supplyPoints: live.supplyPoints,
  });
  const input: RuleChangeInput = {
    snapshot: live.snapshot,
    members: live.members.map((m) => m.id),
    proposedRules: proposedRules as unknown as Record<string, unknown>,
    horizonDays: body.horizonDays ?? 365,
    runs: body.runs ?? 20,
    seed: body.seed ?? 1,
    demand: fit.demand,
    behaviour: fit.behaviour,
  };
  const view: RuleChangePreview = {
    id: randomUUID(),
    status: "running",
    progress: 0,
    horizonDays: input.horizonDays,
    runs: input.runs,
    seed: input.seed,
    createdAt: new Date(services.now()).toISOString(),
    demand: { windowDays: days, ...fit.fitted },
    start: { day: live.day, price: "0.00000000", pool: "0.00", supply: "0.00000000", openPositions: 0 },
    current: null,
    proposed: null,
    seconds: null,
  };
  const job = services.rulePreviews.add(tenant, view, services.now());
  void runPreview(services, job, input);
  return view;
}

/** Runs the comparison on worker threads (all cores but one, at least one worker) and fills the job in. */
async function runPreview(services: Services, job: Job, input: RuleChangeInput): Promise<void> {
  const started = performance.now();
  try {
    const threads = Math.max(1, os.availableParallelism() - 1);
    const result = await compareRuleChangeParallel(input, {
      threads,
      alwaysWorkers: true,
      onProgress: (fraction) => {
        job.view.progress = Math.min(0.99, fraction);
      },
    });
    job.view.start = result.start;
    job.view.current = previewSide(result.current);
    job.view.proposed = previewSide(result.proposed);
    job.view.status = "done";
    job.view.progress = 1;
  } catch (error) {
    services.logger.error({ err: error }, "rule-change preview failed");
    job.view.status = "failed";
  } finally {
    job.view.seconds = (performance.now() - started) / 1000;
    job.finishedAt = services.now();
  }
}

export function readRulePreview(services: Services, session: Session, id: string): RuleChangePreview {
  const view = services.rulePreviews.get(session.tenant, id);
  if (view === undefined) {
    throw new ApiError(404, "rule_preview_not_found", "no rule-change preview with this id");
  }
  return view;
}

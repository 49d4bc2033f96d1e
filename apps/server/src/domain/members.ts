/**
 * A member's own view and commands: summary, positions (with exit threshold and current value),
 * sell and its preview, pay with points, release schedule, withdrawals. A member reaches only its own
 * positions: another member's position answers exactly as one that does not exist (404 not_found for
 * reads, 404 unknown_position for commands), so no member learns which ids others hold.
 */
import { formatMoney, formatPoints, type EngineView } from "@zengzhi/engine";
import type { Session } from "./auth.js";
import { ApiError, notFound, rejectionStatus } from "./errors.js";
import type { RequestKey } from "./idempotency.js";
import { findMerchant } from "./merchants.js";
import { decodeCursor, encodeCursor, toPage } from "./paging.js";
import type { Services } from "./services.js";
import { calendarOf } from "./day-close.js";
import { memberView, positionView, releaseView, withdrawalJson, withdrawalView } from "./views.js";
import { noteBy } from "./audit-log.js";

/**
 * Turns the engine's not_owner and unknown_position into one answer that names only the id sent
 * (issue #11: "not yours" and "does not exist" must not be told apart).
 */
function unknownUnlessOwn(position: number) {
  return (error: unknown): never => {
    if (error instanceof ApiError && (error.code === "not_owner" || error.code === "unknown_position"))
      throw new ApiError(404, "unknown_position", `you hold no position ${position}`);
    throw error;
  };
}

/** The days ahead for which the release projection shows the locked points. */
const PROJECTION_DAYS = [1, 7, 30];

const memberOf = (session: Session) => session.memberId!;

/** A cursor of numeric ids, newest first: the last id returned (MAX_SAFE_INTEGER when absent). */
function idCursor(cursor: string | undefined): number {
  const id = Number(decodeCursor(cursor) ?? Number.MAX_SAFE_INTEGER);
  return Number.isSafeInteger(id) ? id : 0;
}

/** Newest first, below the cursor, at most `limit` items plus whether more exist. */
function newestFirst<T extends { id: number }>(
  ids: readonly number[],
  page: { before: number; limit: number },
  view: (id: number) => T | undefined,
) {
  const items: T[] = [];
  for (let i = ids.length - 1; i >= 0 && items.length <= page.limit; i--) {
    const id = ids[i]!;
    if (id >= page.before) continue;
    const item = view(id);
    if (item !== undefined) items.push(item);
  }
  const more = items.length > page.limit;
  const kept = more ? items.slice(0, page.limit) : items;
  return { items: kept, nextCursor: more ? encodeCursor(kept[kept.length - 1]!.id) : null };
}

/** Locked points of the member's positions after 1, 7 and 30 more days at the current tier (the engine projects). */
function releaseProjection(engine: EngineView, memberId: string) {
  if (engine.rules.release === null || engine.listed) return [];
  const totals = PROJECTION_DAYS.map(() => 0n);
  for (const id of engine.memberPositions(memberId)) {
    engine.releaseSchedule(id, PROJECTION_DAYS).forEach((locked, k) => (totals[k] = totals[k]! + locked));
  }
  return PROJECTION_DAYS.map((days, k) => ({ day: engine.day + days, locked: formatPoints(totals[k]!) }));
}

export async function readMe(services: Services, session: Session) {
  const view = await services.gateway.read(session.tenant, (engine) => memberView(engine, memberOf(session)));
  if (view === undefined) throw notFound("member");
  return view;
}

export function listOwnPositions(
  services: Services,
  session: Session,
  query: { cursor?: string | undefined; limit: number; status?: "open" | "exited" | "closed" | undefined },
) {
  const before = idCursor(query.cursor);
  return services.gateway.read(session.tenant, (engine) =>
    newestFirst(engine.memberPositions(memberOf(session)), { before, limit: query.limit }, (id) => {
      const view = positionView(engine, id)!;
      return query.status === undefined || view.status === query.status ? view : undefined;
    }),
  );
}

export async function readOwnPosition(services: Services, session: Session, id: number) {
  const view = await services.gateway.read(session.tenant, (engine) => positionView(engine, id));
  if (view === undefined || view.member !== session.memberId) throw notFound(`position ${id}`);
  return view;
}

export async function sell(
  services: Services,
  request: { session: Session; key: RequestKey; position: number },
  input: { points: bigint },
) {
  const { session } = request;
  await services.refuseWhenPaused(session.tenant);
  const points = formatPoints(input.points);
  const outcome = await services.gateway
    .submit(
      session.tenant,
      request.key.ledger,
      { type: "sell", member: memberOf(session), position: request.position, points },
      noteBy(session, { action: "sell", target: `position ${request.position}`, detail: { points } }),
    )
    .catch(unknownUnlessOwn(request.position));
  return { ok: true, points, net: outcome.net ?? null, fee: outcome.fee ?? null, exits: outcome.exits ?? [] };
}

/** What selling these points would give now (the engine's previewSell; nothing changes). */
export function previewSell(
  services: Services,
  session: Session,
  input: { position: number; points: bigint },
) {
  const preview = services.gateway.read(session.tenant, (engine) => {
    const result = engine.previewSell(memberOf(session), input.position, input.points);
    if (!result.ok) {
      throw new ApiError(
        rejectionStatus(result.rejection.code),
        result.rejection.code,
        result.rejection.message,
      );
    }
    const net = result.net ?? 0n;
    const fee = result.fee ?? 0n;
    return {
      points: formatPoints(input.points),
      gross: formatMoney(net + fee),
      fee: formatMoney(fee),
      net: formatMoney(net),
      exits: result.exits ?? [],
    };
  });
  return preview.catch(unknownUnlessOwn(input.position));
}

export async function payWithPoints(
  services: Services,
  request: { session: Session; key: RequestKey; position: number },
  input: { amount: bigint; merchant: string },
) {
  const { session } = request;
  await services.refuseWhenPaused(session.tenant);
  await findMerchant(services, session.tenant, input.merchant, "merchant");
  const amount = formatMoney(input.amount);
  const outcome = await services.gateway
    .submit(
      session.tenant,
      request.key.ledger,
      {
        type: "payWithPoints",
        member: memberOf(session),
        position: request.position,
        amount,
        merchant: input.merchant,
      },
      noteBy(session, {
        action: "payWithPoints",
        target: `position ${request.position}`,
        detail: { amount, merchant: input.merchant },
      }),
    )
    .catch(unknownUnlessOwn(request.position));
  return {
    ok: true,
    points: outcome.points ?? null,
    position: outcome.position ?? null,
    exits: outcome.exits ?? [],
  };
}

export function readRelease(services: Services, session: Session) {
  return services.gateway.read(session.tenant, (engine) => {
    const memberId = memberOf(session);
    const member = memberView(engine, memberId);
    if (member === undefined) throw notFound("member");
    const release = releaseView(engine, memberId);
    const positions = engine
      .memberPositions(memberId)
      .map((id) => positionView(engine, id)!)
      .filter((p) => p.status === "open" && p.locked !== formatPoints(0n))
      .map((p) => ({ id: p.id, locked: p.locked, unlocked: p.unlocked }));
    return {
      health: member.health,
      mode: release?.mode ?? null,
      releaseRate: release?.releaseRate ?? null,
      tiers: release?.tiers ?? null,
      positions,
      projection: releaseProjection(engine, memberId),
    };
  });
}

export async function listOwnWithdrawals(
  services: Services,
  session: Session,
  query: { cursor?: string | undefined; limit: number },
) {
  const after = idCursor(query.cursor);
  const calendar = await calendarOf(services, session.tenant);
  return services.gateway.read(session.tenant, (engine) => {
    const page = { after, limit: query.limit + 1, member: memberOf(session), newestFirst: true };
    return toPage(engine.withdrawals(page), query.limit, (w) => w.id, withdrawalJson(calendar));
  });
}

export async function requestWithdrawal(
  services: Services,
  request: { session: Session; key: RequestKey },
  input: { amount: bigint },
) {
  const { session } = request;
  const amount = formatMoney(input.amount);
  // The withdrawal's id is the engine's outcome, so the entry names the member; its journal_seq
  // links it to the command and so to the id.
  const outcome = await services.gateway.submit(
    session.tenant,
    request.key.ledger,
    { type: "withdraw", member: memberOf(session), amount },
    noteBy(session, { action: "withdraw", target: `member ${memberOf(session)}`, detail: { amount } }),
  );
  const id = Number(outcome.withdrawal);
  const calendar = await calendarOf(services, session.tenant);
  return services.gateway.read(session.tenant, (engine) => withdrawalView(engine, id, calendar));
}

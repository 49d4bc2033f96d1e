/**
 * A member's own view and commands: summary, positions (with exit threshold and current value),
 * sell, pay with points, release schedule, withdrawals. A member can reach only its own positions:
 * others' ids answer 404 (reads) or the engine's not_owner (commands).
 */
import { formatMoney, formatPoints, type EngineView } from "@zengzhi/engine";
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { ApiError, notFound, rejectionStatus } from "../errors.js";
import { decodeCursor, encodeCursor, idField, moneyField, pageQuery, pointsField } from "../fields.js";
import { intParam, route } from "../http.js";
import { ledgerKey, type Services } from "../services.js";
import { memberView, positionView, releaseView, withdrawalView } from "../views.js";
import { findMerchant } from "./merchants.js";

/** Positions above this count are not copied to project release (the copy costs the whole state). */
const PROJECTION_DAYS = [1, 7, 30];

function ownPositions(
  engine: EngineView,
  memberId: string,
  status: string | undefined,
  cursor: number,
  limit: number,
) {
  const ids = engine.memberPositions(memberId);
  const items = [];
  // Newest first; the cursor is the last id returned.
  for (let i = ids.length - 1; i >= 0 && items.length <= limit; i--) {
    const id = ids[i]!;
    if (id >= cursor) continue;
    const view = positionView(engine, id)!;
    if (status === undefined || view.status === status) items.push(view);
  }
  const more = items.length > limit;
  const page = more ? items.slice(0, limit) : items;
  return { items: page, nextCursor: more ? encodeCursor(page[page.length - 1]!.id) : null };
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

export function memberRoutes(app: FastifyInstance, services: Services): void {
  const memberOf = (session: { memberId: string | null }) => session.memberId!;

  route(app, services, {
    method: "GET",
    url: "/api/me",
    summary: "The member's wallet, coins, health value, shares and release tier",
    tags: ["members"],
    roles: ["member"],
    handler: async ({ session }) => {
      const view = await services.read(session.tenant, (engine) => memberView(engine, memberOf(session)));
      if (view === undefined) throw notFound("member");
      return view;
    },
  });

  route(app, services, {
    method: "GET",
    url: "/api/me/positions",
    summary: "The member's positions, newest first, with exit threshold and current value",
    tags: ["members"],
    roles: ["member"],
    query: pageQuery.extend({ status: z.enum(["open", "exited", "closed"]).optional() }),
    handler: async ({ session, query }) => {
      const cursor = Number(decodeCursor(query.cursor) ?? Number.MAX_SAFE_INTEGER);
      return services.read(session.tenant, (engine) =>
        ownPositions(
          engine,
          memberOf(session),
          query.status,
          Number.isSafeInteger(cursor) ? cursor : 0,
          query.limit,
        ),
      );
    },
  });

  route(app, services, {
    method: "GET",
    url: "/api/me/positions/:id",
    summary: "One own position",
    tags: ["members"],
    roles: ["member"],
    handler: async ({ session, params }) => {
      const id = intParam(params.id, "position");
      const view = await services.read(session.tenant, (engine) => positionView(engine, id));
      if (view === undefined || view.member !== session.memberId) throw notFound(`position ${id}`);
      return view;
    },
  });

  route(app, services, {
    method: "POST",
    url: "/api/me/positions/:id/sell",
    summary: "Sell points of an own position at the current price (fee stays in the pool)",
    tags: ["members"],
    roles: ["member"],
    body: z.strictObject({ points: pointsField }),
    handler: async ({ session, body, params, request }) => {
      const id = intParam(params.id, "position");
      const key = ledgerKey(request, session, `sell:${id}`);
      await services.refuseWhenPaused(session.tenant);
      const outcome = await services.submit(session.tenant, key, {
        type: "sell",
        member: memberOf(session),
        position: id,
        points: formatPoints(body.points),
      });
      services.audit.recordBy(session, {
        action: "sell",
        target: `position ${id}`,
        detail: { points: formatPoints(body.points) },
      });
      return {
        ok: true,
        points: formatPoints(body.points),
        net: outcome.net ?? null,
        fee: outcome.fee ?? null,
        exits: outcome.exits ?? [],
      };
    },
  });

  route(app, services, {
    method: "POST",
    url: "/api/me/positions/:id/sell/preview",
    summary: "What selling these points would give now (the engine's previewSell; nothing changes)",
    tags: ["members"],
    roles: ["member"],
    body: z.strictObject({ points: pointsField }),
    handler: async ({ session, body, params }) => {
      const id = intParam(params.id, "position");
      return services.read(session.tenant, (engine) => {
        const result = engine.previewSell(memberOf(session), id, body.points);
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
          points: formatPoints(body.points),
          gross: formatMoney(net + fee),
          fee: formatMoney(fee),
          net: formatMoney(net),
          exits: result.exits ?? [],
        };
      });
    },
  });

  route(app, services, {
    method: "POST",
    url: "/api/me/positions/:id/pay",
    summary: "Pay a merchant with released points of an own position",
    tags: ["members"],
    roles: ["member"],
    body: z.strictObject({ amount: moneyField, merchant: idField }),
    handler: async ({ session, body, params, request }) => {
      const id = intParam(params.id, "position");
      const key = ledgerKey(request, session, `pay:${id}`);
      await services.refuseWhenPaused(session.tenant);
      await findMerchant(services, session.tenant, body.merchant, "merchant");
      const outcome = await services.submit(session.tenant, key, {
        type: "payWithPoints",
        member: memberOf(session),
        position: id,
        amount: formatMoney(body.amount),
        merchant: body.merchant,
      });
      services.audit.recordBy(session, {
        action: "payWithPoints",
        target: `position ${id}`,
        detail: { amount: formatMoney(body.amount), merchant: body.merchant },
      });
      return {
        ok: true,
        points: outcome.points ?? null,
        position: outcome.position ?? null,
        exits: outcome.exits ?? [],
      };
    },
  });

  route(app, services, {
    method: "GET",
    url: "/api/me/release",
    summary: "Health value, release tier and the locked points still to be released",
    tags: ["members"],
    roles: ["member"],
    handler: async ({ session }) =>
      services.read(session.tenant, (engine) => {
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
      }),
  });

  route(app, services, {
    method: "GET",
    url: "/api/me/withdrawals",
    summary: "The member's withdrawals, newest first",
    tags: ["members"],
    roles: ["member"],
    query: pageQuery,
    handler: async ({ session, query }) => {
      const cursor = Number(decodeCursor(query.cursor) ?? Number.MAX_SAFE_INTEGER);
      return services.read(session.tenant, (engine) => {
        const items = engine
          .withdrawals({
            after: cursor,
            limit: query.limit + 1,
            member: session.memberId ?? "",
            newestFirst: true,
          })
          .map((w) => withdrawalView(engine, w.id)!);
        const more = items.length > query.limit;
        const page = more ? items.slice(0, query.limit) : items;
        return { items: page, nextCursor: more ? encodeCursor(page[page.length - 1]!.id) : null };
      });
    },
  });

  route(app, services, {
    method: "POST",
    url: "/api/me/withdrawals",
    summary: "Ask to withdraw wallet cash (held until an operator approves or rejects)",
    tags: ["members"],
    roles: ["member"],
    body: z.strictObject({ amount: moneyField }),
    handler: async ({ session, body, request, reply }) => {
      const key = ledgerKey(request, session, "withdraw");
      const outcome = await services.submit(session.tenant, key, {
        type: "withdraw",
        member: memberOf(session),
        amount: formatMoney(body.amount),
      });
      const id = Number(outcome.withdrawal);
      const view = await services.read(session.tenant, (engine) => withdrawalView(engine, id));
      services.audit.recordBy(session, {
        action: "withdraw",
        target: `withdrawal ${id}`,
        detail: { amount: formatMoney(body.amount) },
      });
      return reply.code(201).send(view);
    },
  });
}

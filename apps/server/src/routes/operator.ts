/**
 * Operator routes: the only ones that move pool money (financing, listing, tips bought into the
 * pool, withdrawals approved), plus legacy-coin import, the pause switch, closing the day, the audit
 * log and reconciliation against the bank or escrow balance.
 */
import {
  DecimalError,
  type EngineView,
  MONEY_DECIMALS,
  PAGE_LIMIT_MAX,
  formatMoney,
  formatPoints,
  formatRatio,
  parseDecimal,
} from "@zengzhi/engine";
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { ApiError, forbidden } from "../errors.js";
import {
  decodeCursor,
  encodeCursor,
  idField,
  moneyField,
  pageQuery,
  pointsField,
  ratioField,
  toPage,
} from "../fields.js";
import { intParam, route } from "../http.js";
import { LIMITS } from "../limits.js";
import { idempotencyHeader, ledgerKey, once, type Services } from "../services.js";
import { accountsView, marketView, withdrawalView } from "../views.js";
import { samplePrice } from "./public.js";
import { settleDueOrders } from "./orders.js";
import { findMerchant } from "./merchants.js";

interface RowError {
  row: number;
  field: string;
  code: string;
  reason: string;
}

/** Reads `member,coins` lines; every row is checked before anything is imported. */
export function parseCoinCsv(csv: string, knownMember: (id: string) => boolean) {
  const lines = csv.split(/\r?\n/);
  const rows: { member: string; coins: bigint }[] = [];
  const errors: RowError[] = [];
  const seen = new Set<string>();
  lines.forEach((line, index) => {
    const row = index + 1;
    if (line.trim() === "" || (index === 0 && /^\s*member\s*,\s*coins\s*$/i.test(line))) return;
    const cells = line.split(",").map((c) => c.trim());
    if (cells.length !== 2) {
      errors.push({
        row,
        field: "line",
        code: "invalid_field",
        reason: "expected two columns: member,coins",
      });
      return;
    }
    const [member, coinsText] = cells as [string, string];
    if (!knownMember(member))
      errors.push({
        row,
        field: "member",
        code: "unknown_member",
        reason: `member ${member} does not exist`,
      });
    else if (seen.has(member))
      errors.push({
        row,
        field: "member",
        code: "duplicate_member",
        reason: `member ${member} appears twice`,
      });
    seen.add(member);
    try {
      const coins = parseDecimal(coinsText, MONEY_DECIMALS);
      if (coins <= 0n || coins > LIMITS.amountFenMax) {
        errors.push({
          row,
          field: "coins",
          code: "out_of_range",
          reason: "coins must be greater than 0 and within the amount limit",
        });
      } else rows.push({ member, coins });
    } catch (error) {
      const code = error instanceof DecimalError ? error.code : "not_a_decimal";
      errors.push({ row, field: "coins", code, reason: (error as Error).message });
    }
  });
  if (rows.length + errors.length > LIMITS.csvRowsMax) {
    errors.unshift({
      row: 0,
      field: "csv",
      code: "out_of_range",
      reason: `at most ${LIMITS.csvRowsMax} rows per import`,
    });
  }
  if (rows.length === 0 && errors.length === 0) {
    errors.push({ row: 0, field: "csv", code: "invalid_field", reason: "no rows to import" });
  }
  return { rows, errors };
}

/** Every member id, read page by page from the engine's view (creation order). */
function allMemberIds(engine: EngineView): string[] {
  const ids: string[] = [];
  for (let page = engine.members({ limit: PAGE_LIMIT_MAX }); page.length > 0;) {
    for (const member of page) ids.push(member.id);
    page = engine.members({ after: page[page.length - 1]!.index, limit: PAGE_LIMIT_MAX });
  }
  return ids;
}

export function operatorRoutes(app: FastifyInstance, services: Services): void {
  const audit = (
    session: { tenant: string; username: string; role: string },
    action: string,
    target: string | null,
    detail?: Record<string, unknown>,
  ) =>
    services.audit.recordBy(session, {
      action,
      target,
      detail: detail ?? null,
    });

  route(app, services, {
    method: "GET",
    url: "/api/operator/overview",
    summary: "Pool, supply, price, every cash account and counts",
    tags: ["operators"],
    roles: ["operator"],
    handler: async ({ session }) => {
      const view = await services.read(session.tenant, (engine) => ({
        ...marketView(engine),
        accounts: accountsView(engine),
        coins: { imported: formatMoney(engine.coins.imported), redeemed: formatMoney(engine.coins.redeemed) },
        counts: {
          members: engine.memberCount,
          merchants: engine.merchantCount,
          positions: engine.positionCount,
          withdrawalsPending: engine.withdrawalCount("pending"),
        },
      }));
      return { ...view, paused: await services.isPaused(session.tenant) };
    },
  });

  route(app, services, {
    method: "GET",
    url: "/api/operator/members",
    summary: "Members with wallet, coins, health value and counts",
    tags: ["operators"],
    roles: ["operator"],
    query: pageQuery,
    handler: async ({ session, query }) => {
      const after = decodeCursor(query.cursor) ?? "";
      return services.read(session.tenant, (engine) => {
        const ids = allMemberIds(engine)
          .filter((id) => id > after)
          .sort()
          .slice(0, query.limit + 1);
        return toPage(
          ids,
          query.limit,
          (id) => id,
          (id) => {
            const m = engine.member(id)!;
            return {
              id,
              inviter: m.inviter,
              wallet: formatMoney(m.wallet),
              coins: formatMoney(m.coins),
              health: formatMoney(m.health),
              orders: m.orders,
              positions: m.positions,
            };
          },
        );
      });
    },
  });

  route(app, services, {
    method: "POST",
    url: "/api/operator/financing",
    summary: "A financing round: cash into the pool and/or the subsidy budget",
    tags: ["operators"],
    roles: ["operator"],
    body: z
      .strictObject({
        toPool: moneyField.optional(),
        toSubsidy: moneyField.optional(),
        label: z.string().max(64).optional(),
      })
      .refine((b) => b.toPool !== undefined || b.toSubsidy !== undefined, {
        message: "give toPool, toSubsidy or both",
        path: ["toPool"],
      }),
    handler: async ({ session, body, request }) => {
      const command = {
        type: "financing" as const,
        toPool: formatMoney(body.toPool ?? 0n),
        toSubsidy: formatMoney(body.toSubsidy ?? 0n),
        ...(body.label === undefined ? {} : { label: body.label }),
      };
      const outcome = await services.submit(
        session.tenant,
        ledgerKey(request, session, "financing"),
        command,
      );
      audit(session, "financing", body.label ?? null, {
        toPool: command.toPool,
        toSubsidy: command.toSubsidy,
      });
      return { ok: true, exits: outcome.exits ?? [] };
    },
  });

  route(app, services, {
    method: "POST",
    url: "/api/operator/listing",
    summary: "Listing (terminal): every point converts to shares; the pool moves to equity",
    tags: ["operators"],
    roles: ["operator"],
    body: z.strictObject({ sharesPerPoint: ratioField }),
    handler: async ({ session, body, request }) => {
      const text = formatRatio(body.sharesPerPoint);
      await services.submit(session.tenant, ledgerKey(request, session, "listing"), {
        type: "listing",
        sharesPerPoint: text,
      });
      audit(session, "listing", null, { sharesPerPoint: text });
      return { ok: true };
    },
  });

  route(app, services, {
    method: "POST",
    url: "/api/operator/coins/import",
    summary: "Import legacy coin balances from CSV (member,coins); any bad row and nothing is imported",
    tags: ["operators"],
    roles: ["operator"],
    bodyLimit: LIMITS.csvBodyBytesMax,
    body: z.strictObject({ csv: z.string().max(LIMITS.csvBodyBytesMax) }),
    handler: async ({ session, body, request }) => {
      const base = ledgerKey(request, session, "coins");
      const tenant = session.tenant;
      const answer = await once(services, request, { tenant, session, scope: "coins" }, async () => {
        const { rows, errors } = await services.read(tenant, (engine) => {
          if (engine.listed)
            throw new ApiError(409, "listed", "the scheme has listed; no event is accepted afterwards");
          return parseCoinCsv(body.csv, (id) => engine.hasMember(id));
        });
        if (errors.length > 0) {
          throw new ApiError(
            400,
            "invalid_rows",
            `${errors.length} row(s) are invalid; nothing was imported`,
            undefined,
            { rows: errors.slice(0, 1000) },
          );
        }
        // Every row passed the checks the engine makes for coinImport, so each submission is accepted; the
        // per-row keys make a retry after a crash finish the import without importing a row twice.
        let total = 0n;
        for (const [i, row] of rows.entries()) {
          await services.submit(tenant, `${base}|row${i}`, {
            type: "coinImport",
            member: row.member,
            coins: formatMoney(row.coins),
          });
          total += row.coins;
        }
        audit(session, "coins.import", null, { rows: rows.length, total: formatMoney(total) });
        return { status: 200, body: { imported: rows.length, total: formatMoney(total) } };
      });
      return answer.body;
    },
  });

  route(app, services, {
    method: "POST",
    url: "/api/operator/tips/buy",
    summary: "A merchant's cash buys points into its account at the current price (cash into the pool)",
    tags: ["operators"],
    roles: ["operator"],
    body: z.strictObject({ merchant: idField, amount: moneyField }),
    handler: async ({ session, body, request }) => {
      await findMerchant(services, session.tenant, body.merchant);
      const outcome = await services.submit(session.tenant, ledgerKey(request, session, "tipBuy"), {
        type: "tipBuy",
        merchant: body.merchant,
        amount: formatMoney(body.amount),
      });
      audit(session, "tipBuy", body.merchant, { amount: formatMoney(body.amount) });
      return { ok: true, points: outcome.points ?? null };
    },
  });

  route(app, services, {
    method: "POST",
    url: "/api/operator/tips",
    summary: "Tip a merchant's points to a member (operator, or the merchant itself)",
    tags: ["operators"],
    roles: ["operator", "merchant"],
    body: z.strictObject({ merchant: idField, member: idField, points: pointsField }),
    handler: async ({ session, body, request }) => {
      if (session.role === "merchant" && session.merchantId !== body.merchant)
        throw forbidden("a merchant tips only its own points");
      await findMerchant(services, session.tenant, body.merchant);
      const outcome = await services.submit(session.tenant, ledgerKey(request, session, "tip"), {
        type: "tip",
        merchant: body.merchant,
        member: body.member,
        points: formatPoints(body.points),
      });
      audit(session, "tip", body.member, { merchant: body.merchant, points: formatPoints(body.points) });
      return { ok: true, position: outcome.position ?? null };
    },
  });

  route(app, services, {
    method: "GET",
    url: "/api/operator/withdrawals",
    summary: "The withdrawal queue (newest first)",
    tags: ["operators"],
    roles: ["operator"],
    query: pageQuery.extend({ status: z.enum(["pending", "approved", "rejected"]).optional() }),
    handler: async ({ session, query }) => {
      const cursor = Number(decodeCursor(query.cursor) ?? Number.MAX_SAFE_INTEGER);
      return services.read(session.tenant, (engine) => {
        const request = { after: cursor, limit: query.limit + 1, newestFirst: true };
        const items = engine
          .withdrawals(query.status === undefined ? request : { ...request, status: query.status })
          .map((w) => withdrawalView(engine, w.id)!);
        const more = items.length > query.limit;
        const page = more ? items.slice(0, query.limit) : items;
        return { items: page, nextCursor: more ? encodeCursor(page[page.length - 1]!.id) : null };
      });
    },
  });

  for (const decision of ["approve", "reject"] as const) {
    route(app, services, {
      method: "POST",
      url: `/api/operator/withdrawals/:id/${decision}`,
      summary:
        decision === "approve"
          ? "Approve a pending withdrawal"
          : "Reject a pending withdrawal (cash back to the wallet)",
      tags: ["operators"],
      roles: ["operator"],
      handler: async ({ session, params, request }) => {
        const id = intParam(params.id, "withdrawal");
        await services.submit(session.tenant, ledgerKey(request, session, `withdrawal-${decision}:${id}`), {
          type: decision === "approve" ? "withdrawApprove" : "withdrawReject",
          withdrawal: id,
        });
        audit(session, `withdrawal.${decision}`, `withdrawal ${id}`);
        return services.read(session.tenant, (engine) => withdrawalView(engine, id));
      },
    });
  }

  route(app, services, {
    method: "POST",
    url: "/api/operator/pause",
    summary: "The pause switch: while paused, new orders, sales, sells and payments with points are refused",
    tags: ["operators"],
    roles: ["operator"],
    body: z.strictObject({ paused: z.boolean() }),
    handler: async ({ session, body, request }) => {
      idempotencyHeader(request);
      await services.setPaused(session.tenant, body.paused);
      audit(session, body.paused ? "pause" : "resume", null);
      return { paused: body.paused };
    },
  });

  route(app, services, {
    method: "POST",
    url: "/api/operator/close-day",
    summary: "Close the day: the engine advances, then paid orders past their refund window settle",
    tags: ["operators"],
    roles: ["operator"],
    body: z.strictObject({ days: z.number().int().min(1).max(LIMITS.closeDaysMax).optional() }),
    handler: async ({ session, body, request }) => {
      const tenant = session.tenant;
      await services.submit(tenant, ledgerKey(request, session, "close-day"), {
        type: "advance",
        days: body.days ?? 1,
      });
      const settledOrders = await settleDueOrders(services, tenant);
      await samplePrice(services, tenant, true);
      audit(session, "close-day", null, { days: body.days ?? 1, settledOrders });
      return { day: await services.read(tenant, (engine) => engine.day), settledOrders };
    },
  });

  route(app, services, {
    method: "POST",
    url: "/api/operator/reconciliation",
    summary: "Compare the bank or escrow balance with pool + wallets + pending withdrawals",
    tags: ["operators"],
    roles: ["operator"],
    body: z.strictObject({ balance: z.string().max(40) }),
    handler: async ({ session, body, request }) => {
      idempotencyHeader(request);
      let balance: bigint;
      try {
        balance = parseDecimal(body.balance.trim(), MONEY_DECIMALS);
      } catch (error) {
        throw new ApiError(
          400,
          error instanceof DecimalError ? error.code : "not_a_decimal",
          (error as Error).message,
          "balance",
        );
      }
      if (balance < 0n || balance > LIMITS.amountFenMax * 1000n)
        throw new ApiError(400, "out_of_range", "the balance is out of range", "balance");
      const a = await services.read(session.tenant, (engine) => ({ ...engine.accounts }));
      const expected = a.pool + a.wallets + a.withdrawalsPending;
      audit(session, "reconciliation", null, {
        balance: formatMoney(balance),
        difference: formatMoney(balance - expected),
      });
      return {
        balance: formatMoney(balance),
        pool: formatMoney(a.pool),
        wallets: formatMoney(a.wallets),
        withdrawalsPending: formatMoney(a.withdrawalsPending),
        expected: formatMoney(expected),
        difference: formatMoney(balance - expected),
      };
    },
  });

  route(app, services, {
    method: "GET",
    url: "/api/operator/audit",
    summary: "The audit log, newest first",
    tags: ["operators"],
    roles: ["operator"],
    query: pageQuery,
    handler: async ({ session, query }) => {
      await services.audit.flush();
      const cursor = decodeCursor(query.cursor);
      const { rows } = await services.sql.query<{
        seq: string;
        at: string | Date;
        actor: string;
        role: string;
        action: string;
        target: string | null;
        detail: unknown;
      }>(
        `SELECT seq::text AS seq, at, actor, role, action, target, detail FROM app_audit
          WHERE tenant_id = $1 AND ($2::bigint IS NULL OR seq < $2) ORDER BY app_audit.seq DESC LIMIT $3`,
        [session.tenant, cursor !== undefined && /^\d+$/.test(cursor) ? cursor : null, query.limit + 1],
      );
      return toPage(
        rows,
        query.limit,
        (r) => r.seq,
        (r) => ({
          seq: Number(r.seq),
          at: new Date(r.at).toISOString(),
          actor: r.actor,
          role: r.role,
          action: r.action,
          target: r.target,
          detail: r.detail,
        }),
      );
    },
  });
}

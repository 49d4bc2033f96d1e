/**
 * Member administration for operators (issue 13 item 4): the member list and its search by part of
 * a username or phone, one member's page (balances, statement summary, positions, referrals,
 * health), a member's phone, and freezing: a frozen member cannot order, be sold to, sell, pay with
 * points or withdraw. Freezing is a rule of who may act, not of the economics: the engine does not
 * know it; the ledger gateway refuses a frozen member's commands (Services.refuseWhenFrozen).
 */
import {
  PAGE_LIMIT_MAX,
  formatHealth,
  formatMoney,
  formatPoints,
  formatRatio,
  type EngineView,
} from "@zengzhi/engine";
import { searchMemberIds, selectPhones, updatePhone } from "../db/members.js";
import type { Session } from "./auth.js";
import { notFound } from "./errors.js";
import { once, type RequestKey } from "./idempotency.js";
import { decodeCursor, encodeCursor } from "./paging.js";
import type { Services } from "./services.js";

/** The positions a member's page lists, newest first. */
const POSITIONS_SHOWN_MAX = 100;
/** The referrals a member's page names (all are counted). */
const REFERRALS_SHOWN_MAX = 100;

/** A member as the operator's list shows it, from the engine and the app tables. */
async function operatorMembers(services: Services, tenant: string, ids: string[]) {
  const [phones, members] = await Promise.all([
    selectPhones(services.sql, tenant, ids),
    services.gateway.read(tenant, (engine) => ids.map((id) => engine.member(id))),
  ]);
  const rows = [];
  for (const member of members) {
    if (member === undefined) continue;
    rows.push({
      id: member.id,
      inviter: member.inviter,
      wallet: formatMoney(member.wallet),
      coins: formatMoney(member.coins),
      health: formatHealth(member.health),
      orders: member.orders,
      positions: member.positions,
      phone: phones.get(member.id) ?? null,
      frozen: await services.isFrozen(tenant, member.id),
    });
  }
  return rows;
}

/** Members in joining order (the engine's index as cursor), or those matching `q` (by id). */
export async function listMembers(
  services: Services,
  session: Session,
  query: { cursor?: string | undefined; limit: number; q?: string | undefined },
) {
  const tenant = session.tenant;
  const cursor = decodeCursor(query.cursor);
  let ids: string[];
  let next: (last: string) => string;
  if (query.q !== undefined) {
    ids = await searchMemberIds(services.sql, {
      tenant,
      words: query.q,
      after: cursor ?? null,
      limit: query.limit + 1,
    });
    next = (last) => encodeCursor(last);
  } else {
    const after = Number(cursor);
    const page = await services.gateway.read(tenant, (engine) =>
      engine.members({
        ...(Number.isSafeInteger(after) && after >= 0 ? { after } : {}),
        limit: query.limit + 1,
      }),
    );
    ids = page.map((member) => member.id);
    const indexOf = new Map(page.map((member) => [member.id, member.index]));
    next = (last) => encodeCursor(indexOf.get(last)!);
  }
  const more = ids.length > query.limit;
  const shown = ids.slice(0, query.limit);
  return {
    items: await operatorMembers(services, tenant, shown),
    nextCursor: more ? next(shown.at(-1)!) : null,
  };
}

/** Members `inviter` invited: the first REFERRALS_SHOWN_MAX and how many (one pass over the members). */
function referralsOf(engine: EngineView, inviter: string) {
  const named: string[] = [];
  let count = 0;
  let after: number | undefined;
  for (;;) {
    const page = engine.members({ ...(after === undefined ? {} : { after }), limit: PAGE_LIMIT_MAX });
    for (const member of page) {
      if (member.inviter !== inviter) continue;
      count++;
      if (named.length < REFERRALS_SHOWN_MAX) named.push(member.id);
    }
    if (page.length < PAGE_LIMIT_MAX) return { named, count };
    after = page.at(-1)!.index;
  }
}

function memberFigures(engine: EngineView, id: string) {
  const positionIds = engine.memberPositions(id);
  let spent = 0n;
  let soldGross = 0n;
  let pointsHeld = 0n;
  let valueHeld = 0n;
  for (const positionId of positionIds) {
    const position = engine.position(positionId)!;
    spent += position.spend;
    soldGross += position.soldGross;
    if (position.status === "open") {
      pointsHeld += position.points;
      valueHeld += engine.positionValue(positionId)!;
    }
  }
  let withdrawn = 0n;
  let pending = 0n;
  let after: number | undefined;
  for (;;) {
    const page = engine.withdrawals({
      member: id,
      limit: PAGE_LIMIT_MAX,
      ...(after === undefined ? {} : { after }),
    });
    for (const w of page) {
      if (w.status === "approved" || w.status === "paid") withdrawn += w.amount;
      if (w.status === "pending") pending += w.amount;
    }
    if (page.length < PAGE_LIMIT_MAX) break;
    after = page.at(-1)!.id;
  }
  const shown = positionIds.slice(-POSITIONS_SHOWN_MAX).reverse();
  return {
    statement: {
      spent: formatMoney(spent),
      soldGross: formatMoney(soldGross),
      withdrawn: formatMoney(withdrawn),
      withdrawalsPending: formatMoney(pending),
      pointsHeld: formatPoints(pointsHeld),
      valueHeld: formatMoney(valueHeld),
    },
    positions: shown.map((positionId) => {
      const position = engine.position(positionId)!;
      return {
        id: position.id,
        status: position.status,
        spend: formatMoney(position.spend),
        points: formatPoints(position.points),
        value: formatMoney(engine.positionValue(positionId)!),
      };
    }),
    positionCount: positionIds.length,
  };
}

/** One member's page for the operator. */
export async function readMember(services: Services, session: Session, id: string) {
  const tenant = session.tenant;
  const [member] = await operatorMembers(services, tenant, [id]);
  if (member === undefined) throw notFound(`member ${id}`);
  return services.gateway.read(tenant, (engine) => {
    const rate = engine.rules.release === null ? null : engine.releaseRate(id);
    const referrals = referralsOf(engine, id);
    return {
      member,
      ...memberFigures(engine, id),
      release: {
        health: member.health,
        releaseRate: rate === null || rate === undefined ? null : formatRatio(rate),
      },
      referrals: referrals.named,
      referralCount: referrals.count,
    };
  });
}

/** Sets a member's phone and/or freezes or unfreezes it, once per request key; audited. */
export async function updateMember(
  services: Services,
  request: { session: Session; key: RequestKey },
  input: { id: string; phone?: string | null | undefined; frozen?: boolean | undefined },
) {
  const { session } = request;
  const tenant = session.tenant;
  const exists = await services.gateway.read(tenant, (engine) => engine.hasMember(input.id));
  if (!exists) throw notFound(`member ${input.id}`);
  const answer = await once(services.sql, { tenant, key: request.key }, async () => {
    if (input.phone !== undefined) {
      if (!(await updatePhone(services.sql, { tenant, member: input.id, phone: input.phone })))
        throw notFound(`member ${input.id}`);
      await services.audit.recordBy(session, {
        action: "member.update",
        target: `member ${input.id}`,
        detail: { phone: input.phone },
      });
    }
    if (input.frozen !== undefined) {
      await services.setFrozen({ tenant, member: input.id, frozen: input.frozen, by: session.username });
      await services.audit.recordBy(session, {
        action: input.frozen ? "member.freeze" : "member.unfreeze",
        target: `member ${input.id}`,
      });
    }
    const [member] = await operatorMembers(services, tenant, [input.id]);
    return { status: 200, body: member };
  });
  return answer;
}

/**
 * Previews of the operator's actions from the live state: the engine forks the tenant's state,
 * applies the action's commands to the copy and answers what they would do (view.previewCommands);
 * nothing is written. The answer's stateHash goes back with the real action, which the engine then
 * refuses with preview_stale if the state has moved since.
 */
import {
  type ActionPreview,
  type CommandJson,
  type PreviewFigures,
  PRICE_DECIMALS,
  formatDecimal,
  formatMoney,
  formatPoints,
  formatRatio,
  parseCommand,
} from "@zengzhi/engine";
import { validateRules } from "./accounts.js";
import type { Session } from "./auth.js";
import type { Services } from "./services.js";

/** The commands of a withdrawal batch, approvals first: the same order the batch submits them in. */
export function withdrawalDecisionCommands(input: {
  approve?: readonly number[] | undefined;
  reject?: readonly number[] | undefined;
}): Extract<CommandJson, { type: "withdrawApprove" | "withdrawReject" }>[] {
  return [
    ...(input.approve ?? []).map((withdrawal) => ({ type: "withdrawApprove" as const, withdrawal })),
    ...(input.reject ?? []).map((withdrawal) => ({ type: "withdrawReject" as const, withdrawal })),
  ];
}

function figuresJson(f: PreviewFigures) {
  return {
    day: f.day,
    price: formatDecimal(f.price, PRICE_DECIMALS),
    pool: formatMoney(f.pool),
    supply: formatPoints(f.supply),
    wallets: formatMoney(f.wallets),
    subsidyBudget: formatMoney(f.subsidyBudget),
    openPositions: f.openPositions,
    listed: f.listed,
  };
}

export function previewJson(preview: ActionPreview) {
  const refused = preview.refused;
  return {
    stateHash: preview.stateHash,
    refused:
      refused === null
        ? null
        : { index: refused.index, code: refused.rejection.code, message: refused.rejection.message },
    before: figuresJson(preview.before),
    after: figuresJson(preview.after),
    exits: {
      count: preview.exits.count,
      owners: preview.exits.owners,
      positions: preview.exits.positions.map((p) => ({
        position: p.position,
        member: p.member,
        spend: formatMoney(p.spend),
        proceeds: formatMoney(p.proceeds),
      })),
    },
    closed: preview.closed,
    credits: {
      members: preview.credits.members,
      cash: formatMoney(preview.credits.cash),
      top: preview.credits.top.map((c) => ({ member: c.member, cash: formatMoney(c.cash) })),
    },
    subsidyUsed: formatMoney(preview.subsidyUsed),
    settledOrders: preview.settledOrders,
    periodReset: preview.periodReset,
  };
}

/** What the commands (JSON form, checked by the caller) would do if the operator confirmed now. */
export async function previewAction(services: Services, session: Session, commands: readonly CommandJson[]) {
  const parsed = commands.map((command) => parseCommand(command));
  return previewJson(await services.gateway.read(session.tenant, (view) => view.previewCommands(parsed)));
}

/** The `expect` field of a previewed command: the preview's stateHash when the caller sent one. */
export const expecting = (stateHash: string | undefined): { expect?: string } =>
  stateHash === undefined ? {} : { expect: stateHash };

/** The commands of each previewable action, from the same inputs the action itself takes. */
export const previewCommandsOf = {
  financing: (input: { toPool?: bigint | undefined; toSubsidy?: bigint | undefined }): CommandJson[] => [
    {
      type: "financing",
      toPool: formatMoney(input.toPool ?? 0n),
      toSubsidy: formatMoney(input.toSubsidy ?? 0n),
    },
  ],
  listing: (input: { sharesPerPoint: bigint }): CommandJson[] => [
    { type: "listing", sharesPerPoint: formatRatio(input.sharesPerPoint) },
  ],
  closeDay: (input: { days?: number | undefined }): CommandJson[] => [
    { type: "advance", days: input.days ?? 1 },
  ],
  rules: (input: { rules: unknown }): CommandJson[] => [{ type: "rules", rules: validateRules(input.rules) }],
  withdrawals: withdrawalDecisionCommands,
};

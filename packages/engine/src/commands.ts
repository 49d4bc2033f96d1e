/**
 * The JSON form of commands (decimal strings) and its exact conversion to and from the engine's form.
 * This is the one parser every entry point uses: the replay CLI, the ledger's journal, the service.
 */
import { z } from "zod";
import {
  DecimalError,
  MONEY_DECIMALS,
  POINT_DECIMALS,
  RATIO_DECIMALS,
  formatMoney,
  formatPoints,
  formatRatio,
  parseDecimal,
} from "./decimal.js";
import { COIN_IMPORT_ROWS_MAX, DECIMAL_LENGTH_MAX, ID_LENGTH_MAX, LABEL_LENGTH_MAX } from "./limits.js";
import { RuleSetError, loadRuleSet, parseSplit, ruleSetToJson, splitSchema } from "./rules.js";
import type { Command, PreviewableCommand } from "./types.js";

const id = z.string().min(1).max(ID_LENGTH_MAX);
const decimal = z.string({ error: 'must be a decimal string such as "12.50"' }).max(DECIMAL_LENGTH_MAX);
const positionId = z.number().int().min(1);
/** The state digest a previewed command expects (state-digest.ts). */
const expect = z
  .string()
  .regex(/^[0-9a-f]{64}$/, "must be the stateHash of a preview (64 hex digits)")
  .optional();

export const commandJsonSchema = z.discriminatedUnion("type", [
  z.strictObject({ type: z.literal("join"), member: id, inviter: id.optional() }),
  z.strictObject({
    type: z.literal("order"),
    member: id,
    amount: decimal,
    merchant: id.optional(),
    split: splitSchema.optional(),
    payWith: z.enum(["cash", "coins"]).optional(),
  }),
  z.strictObject({
    type: z.literal("orderPaid"),
    order: positionId,
    member: id,
    amount: decimal,
    merchant: id.optional(),
    split: splitSchema.optional(),
  }),
  z.strictObject({ type: z.literal("orderRefund"), order: positionId }),
  z.strictObject({ type: z.literal("sell"), member: id, position: positionId, points: decimal }),
  z.strictObject({
    type: z.literal("financing"),
    toPool: decimal.optional(),
    toSubsidy: decimal.optional(),
    label: z.string().max(LABEL_LENGTH_MAX).optional(),
    expect,
  }),
  z.strictObject({ type: z.literal("advance"), days: z.number().int(), expect }),
  z.strictObject({ type: z.literal("listing"), sharesPerPoint: decimal, expect }),
  z.strictObject({
    type: z.literal("tipBuy"),
    merchant: id,
    amount: decimal,
    funding: z.literal("prepaid").optional(),
  }),
  z.strictObject({ type: z.literal("tip"), merchant: id, member: id, points: decimal }),
  z.strictObject({
    type: z.literal("payWithPoints"),
    member: id,
    position: positionId,
    amount: decimal,
    merchant: id.optional(),
  }),
  // `rows` (all or nothing), or the single-member form of older journals: `member` and `coins`.
  z.strictObject({
    type: z.literal("coinImport"),
    rows: z
      .array(z.strictObject({ member: id, coins: decimal }))
      .min(1)
      .max(COIN_IMPORT_ROWS_MAX)
      .optional(),
    member: id.optional(),
    coins: decimal.optional(),
  }),
  z.strictObject({ type: z.literal("withdraw"), member: id, amount: decimal }),
  z.strictObject({ type: z.literal("withdrawApprove"), withdrawal: positionId, expect }),
  z.strictObject({ type: z.literal("withdrawReject"), withdrawal: positionId, expect }),
  z.strictObject({ type: z.literal("withdrawPaid"), withdrawal: positionId }),
  z.strictObject({ type: z.literal("withdrawReturn"), withdrawal: positionId }),
  z.strictObject({ type: z.literal("rules"), rules: z.unknown(), expect }),
  z.strictObject({ type: z.literal("prepaidCredit"), merchant: id, amount: decimal }),
  z.strictObject({
    type: z.literal("splitBounds"),
    merchant: id,
    maxPoolContribution: decimal,
    minPlatformProfit: decimal,
  }),
  z.strictObject({
    type: z.literal("tillSale"),
    member: id,
    amount: decimal,
    merchant: id,
    split: splitSchema.optional(),
  }),
  z.strictObject({ type: z.literal("tillSaleVoid"), merchant: id, position: positionId }),
]);

export type CommandJson = z.infer<typeof commandJsonSchema>;

export const COMMAND_TYPES = commandJsonSchema.options.map((o) => o.shape.type.value);

/** A command that cannot be read: names the field and the reason. */
export class CommandError extends Error {
  constructor(
    readonly code: "invalid_command" | "not_a_decimal" | "too_precise" | "invalid_rules",
    readonly path: string,
    readonly reason: string,
  ) {
    super(`${path}: ${reason}`);
    this.name = "CommandError";
  }
}

function describeZodIssue(issue: z.core.$ZodIssue): { path: string; reason: string } {
  const path = issue.path.map(String).join(".");
  if (issue.code === "unrecognized_keys") {
    return { path: path === "" ? issue.keys[0]! : `${path}.${issue.keys[0]}`, reason: "unknown field" };
  }
  if (issue.code === "invalid_union" && issue.path.length === 0) {
    return { path: "type", reason: `must be one of ${COMMAND_TYPES.join(", ")}` };
  }
  return { path, reason: issue.message };
}

function dec(path: string, text: string, decimals: number): bigint {
  try {
    return parseDecimal(text, decimals);
  } catch (error) {
    if (error instanceof DecimalError) throw new CommandError(error.code, path, error.message);
    throw error;
  }
}

const ORDER_FIELDS = new Set(["type", "member", "amount", "merchant"]);
const isId = (value: unknown): value is string =>
  typeof value === "string" && value.length >= 1 && value.length <= ID_LENGTH_MAX;

/**
 * The commonest command, a plain order (`type`, `member`, `amount`, optionally `merchant`), checked
 * by hand: exactly what the schema checks for that shape, without the schema's allocations (the
 * service parses one per request). Anything else, valid or not, returns undefined and goes through
 * the schema, which also words the errors. A property test holds the two to the same answers.
 */
export function plainOrderJson(raw: unknown): Extract<CommandJson, { type: "order" }> | undefined {
  if (typeof raw !== "object" || raw === null || Object.getPrototypeOf(raw) !== Object.prototype) {
    return undefined;
  }
  const json = raw as Record<string, unknown>;
  for (const key in json) if (!ORDER_FIELDS.has(key)) return undefined;
  const { type, member, amount, merchant } = json;
  if (type !== "order" || !isId(member)) return undefined;
  if (typeof amount !== "string" || amount.length > DECIMAL_LENGTH_MAX) return undefined;
  if (merchant !== undefined && !isId(merchant)) return undefined;
  return "merchant" in json ? { type, member, amount, merchant } : { type, member, amount };
}

/** A coinImport in either JSON form: `rows`, or (older journals) exactly `member` and `coins`. */
function coinImportCommand(
  c: Extract<CommandJson, { type: "coinImport" }>,
  money: (field: string, text: string) => bigint,
): Command {
  if (c.rows !== undefined && c.member === undefined && c.coins === undefined) {
    return {
      type: "coinImport",
      rows: c.rows.map((r, i) => ({ member: r.member, coins: money(`rows.${i}.coins`, r.coins) })),
    };
  }
  if (c.rows === undefined && c.member !== undefined && c.coins !== undefined) {
    return { type: "coinImportLegacy", member: c.member, coins: money("coins", c.coins) };
  }
  throw new CommandError("invalid_command", "rows", "give rows, or member and coins (older single-row form)");
}

/** Reads one command from its JSON form; `where` prefixes error paths (e.g. "events[3]"). */
export function parseCommand(raw: unknown, where = ""): Command {
  const command = parseCommandBody(raw, where);
  const expected = typeof raw === "object" && raw !== null ? (raw as { expect?: unknown }).expect : undefined;
  // The schema has checked `expect` on exactly the previewable commands.
  if (typeof expected === "string") (command as PreviewableCommand).expect = expected;
  return command;
}

function parseCommandBody(raw: unknown, where: string): Command {
  const prefix = where === "" ? "" : `${where}.`;
  let c = plainOrderJson(raw) as CommandJson | undefined;
  if (c === undefined) {
    const parsed = commandJsonSchema.safeParse(raw);
    if (!parsed.success) {
      const { path, reason } = describeZodIssue(parsed.error.issues[0]!);
      throw new CommandError("invalid_command", `${prefix}${path}`, reason);
    }
    c = parsed.data;
  }
  const money = (field: string, text: string) => dec(`${prefix}${field}`, text, MONEY_DECIMALS);
  const pts = (field: string, text: string) => dec(`${prefix}${field}`, text, POINT_DECIMALS);
  try {
    switch (c.type) {
      case "join":
        return c.inviter === undefined
          ? { type: "join", member: c.member }
          : { type: "join", member: c.member, inviter: c.inviter };
      case "order": {
        const command: Command = { type: "order", member: c.member, amount: money("amount", c.amount) };
        if (c.merchant !== undefined) command.merchant = c.merchant;
        if (c.split !== undefined) command.split = parseSplit(c.split, `${prefix}split`);
        if (c.payWith !== undefined) command.payWith = c.payWith;
        return command;
      }
      case "orderPaid": {
        const command: Command = {
          type: "orderPaid",
          order: c.order,
          member: c.member,
          amount: money("amount", c.amount),
        };
        if (c.merchant !== undefined) command.merchant = c.merchant;
        if (c.split !== undefined) command.split = parseSplit(c.split, `${prefix}split`);
        return command;
      }
      case "orderRefund":
        return { type: "orderRefund", order: c.order };
      case "sell":
        return { type: "sell", member: c.member, position: c.position, points: pts("points", c.points) };
      case "financing": {
        const command: Command = {
          type: "financing",
          toPool: money("toPool", c.toPool ?? "0"),
          toSubsidy: money("toSubsidy", c.toSubsidy ?? "0"),
        };
        if (c.label !== undefined) command.label = c.label;
        return command;
      }
      case "advance":
        return { type: "advance", days: c.days };
      case "listing":
        return {
          type: "listing",
          sharesPerPoint: dec(`${prefix}sharesPerPoint`, c.sharesPerPoint, RATIO_DECIMALS),
        };
      case "tipBuy":
        return {
          type: "tipBuy",
          merchant: c.merchant,
          amount: money("amount", c.amount),
          ...(c.funding === undefined ? {} : { funding: c.funding }),
        };
      case "tip":
        return { type: "tip", merchant: c.merchant, member: c.member, points: pts("points", c.points) };
      case "payWithPoints": {
        const command: Command = {
          type: "payWithPoints",
          member: c.member,
          position: c.position,
          amount: money("amount", c.amount),
        };
        if (c.merchant !== undefined) command.merchant = c.merchant;
        return command;
      }
      case "coinImport":
        return coinImportCommand(c, money);
      case "withdraw":
        return { type: "withdraw", member: c.member, amount: money("amount", c.amount) };
      case "withdrawApprove":
        return { type: "withdrawApprove", withdrawal: c.withdrawal };
      case "withdrawReject":
        return { type: "withdrawReject", withdrawal: c.withdrawal };
      case "withdrawPaid":
      case "withdrawReturn":
        return { type: c.type, withdrawal: c.withdrawal };
      case "rules":
        return { type: "rules", rules: loadRuleSet(c.rules) };
      case "prepaidCredit":
        return { type: "prepaidCredit", merchant: c.merchant, amount: money("amount", c.amount) };
      case "splitBounds": {
        const ratio = (field: string, text: string) => dec(`${prefix}${field}`, text, RATIO_DECIMALS);
        return {
          type: "splitBounds",
          merchant: c.merchant,
          maxPoolContribution: ratio("maxPoolContribution", c.maxPoolContribution),
          minPlatformProfit: ratio("minPlatformProfit", c.minPlatformProfit),
        };
      }
      case "tillSale": {
        const command: Command = {
          type: "tillSale",
          member: c.member,
          amount: money("amount", c.amount),
          merchant: c.merchant,
        };
        if (c.split !== undefined) command.split = parseSplit(c.split, `${prefix}split`);
        return command;
      }
      case "tillSaleVoid":
        return { type: "tillSaleVoid", merchant: c.merchant, position: c.position };
    }
  } catch (error) {
    if (error instanceof RuleSetError) {
      if (c.type === "rules") {
        throw new CommandError(
          "invalid_rules",
          `${prefix}rules${error.path === "" ? "" : `.${error.path}`}`,
          error.reason,
        );
      }
      throw new CommandError("invalid_command", error.path, error.reason);
    }
    throw error;
  }
}

export const splitJson = (s: NonNullable<Extract<Command, { type: "order" }>["split"]>) => ({
  productCost: formatRatio(s.productCost),
  distributionCost: formatRatio(s.distributionCost),
  platformProfit: formatRatio(s.platformProfit),
  poolContribution: formatRatio(s.poolContribution),
});

/** The canonical JSON form of a command; parseCommand(commandToJson(c)) rebuilds c exactly. */
export function commandToJson(command: Command): CommandJson {
  const json = commandBodyToJson(command);
  if ("expect" in command && command.expect !== undefined)
    (json as { expect?: string }).expect = command.expect;
  return json;
}

function commandBodyToJson(command: Command): CommandJson {
  switch (command.type) {
    case "order": {
      const json: CommandJson = {
        type: "order",
        member: command.member,
        amount: formatMoney(command.amount),
      };
      if (command.merchant !== undefined) json.merchant = command.merchant;
      if (command.split !== undefined) json.split = splitJson(command.split);
      if (command.payWith !== undefined) json.payWith = command.payWith;
      return json;
    }
    case "orderPaid": {
      const json: CommandJson = {
        type: "orderPaid",
        order: command.order,
        member: command.member,
        amount: formatMoney(command.amount),
      };
      if (command.merchant !== undefined) json.merchant = command.merchant;
      if (command.split !== undefined) json.split = splitJson(command.split);
      return json;
    }
    case "sell":
      return {
        type: "sell",
        member: command.member,
        position: command.position,
        points: formatPoints(command.points),
      };
    case "financing": {
      const json: CommandJson = {
        type: "financing",
        toPool: formatMoney(command.toPool),
        toSubsidy: formatMoney(command.toSubsidy),
      };
      if (command.label !== undefined) json.label = command.label;
      return json;
    }
    case "listing":
      return { type: "listing", sharesPerPoint: formatRatio(command.sharesPerPoint) };
    case "tipBuy":
      return {
        type: "tipBuy",
        merchant: command.merchant,
        amount: formatMoney(command.amount),
        ...(command.funding === undefined ? {} : { funding: command.funding }),
      };
    case "tip":
      return {
        type: "tip",
        merchant: command.merchant,
        member: command.member,
        points: formatPoints(command.points),
      };
    case "payWithPoints": {
      const json: CommandJson = {
        type: "payWithPoints",
        member: command.member,
        position: command.position,
        amount: formatMoney(command.amount),
      };
      if (command.merchant !== undefined) json.merchant = command.merchant;
      return json;
    }
    case "coinImport":
      return {
        type: "coinImport",
        rows: command.rows.map((r) => ({ member: r.member, coins: formatMoney(r.coins) })),
      };
    case "coinImportLegacy":
      return { type: "coinImport", member: command.member, coins: formatMoney(command.coins) };
    case "withdraw":
      return { type: "withdraw", member: command.member, amount: formatMoney(command.amount) };
    case "rules":
      return { type: "rules", rules: ruleSetToJson(command.rules) };
    case "prepaidCredit":
      return { type: "prepaidCredit", merchant: command.merchant, amount: formatMoney(command.amount) };
    case "splitBounds":
      return {
        type: "splitBounds",
        merchant: command.merchant,
        maxPoolContribution: formatRatio(command.maxPoolContribution),
        minPlatformProfit: formatRatio(command.minPlatformProfit),
      };
    case "tillSale": {
      const json: CommandJson = {
        type: "tillSale",
        member: command.member,
        amount: formatMoney(command.amount),
        merchant: command.merchant,
      };
      if (command.split !== undefined) json.split = splitJson(command.split);
      return json;
    }
    case "tillSaleVoid":
    case "join":
    case "orderRefund":
    case "advance":
    case "withdrawApprove":
    case "withdrawReject":
    case "withdrawPaid":
    case "withdrawReturn":
      return { ...command };
  }
}

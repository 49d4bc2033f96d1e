/**
 * Rule sets are data: a JSON document of decimal strings, validated when loaded and turned into the
 * engine's exact bigint form. Every parameter of RULES.md is here with its default.
 */
import { z } from "zod";
import {
  DecimalError,
  HEALTH_DECIMALS,
  MONEY_DECIMALS,
  RATIO_DECIMALS,
  RATIO_SCALE,
  formatDecimal,
  formatHealth,
  formatMoney,
  formatRatio,
  parseDecimal,
} from "./decimal.js";

/** Prices (yuan per point) carry 8 decimals. */
export const PRICE_DECIMALS = 8;

export interface Split {
  productCost: bigint;
  distributionCost: bigint;
  platformProfit: bigint;
  poolContribution: bigint;
}

export interface ReleaseTier {
  /** Health value (scale 2) from which this tier applies. */
  minHealth: bigint;
  /** Share of locked points released per day (ratio scale). */
  rate: bigint;
}

export type ReleaseMode = "percentOfRemaining" | "percentOfOriginal";

/** The engine's exact form of a rule set. Ratios in RATIO_SCALE, money in fen, prices in 1e-8 yuan. */
export interface RuleSet {
  initialPrice: bigint;
  minPrice: bigint;
  priceCeiling: bigint | null;
  split: Split;
  issueRatio: bigint;
  sellFee: bigint;
  exitMultiple: bigint;
  exitFeeApplies: boolean;
  subsidyRate: bigint;
  release: { mode: ReleaseMode; tiers: ReleaseTier[] } | null;
  healthPerReferral: bigint;
  healthPerYuan: bigint;
  halvingPeriodDays: number | null;
  tipMinHealth: bigint;
  pointsOrdersEarn: boolean;
  refundWindowDays: number;
  withdrawalMaxPerRequest: bigint | null;
  withdrawalMaxPerDay: bigint | null;
}

export type RuleSetErrorCode =
  | "invalid_field"
  | "unknown_field"
  | "split_not_one"
  | "out_of_range"
  | "multi_level_reward"
  | "tiers_not_ascending";

export class RuleSetError extends Error {
  constructor(
    readonly code: RuleSetErrorCode,
    readonly path: string,
    readonly reason: string,
  ) {
    super(`rule set ${path === "" ? "" : `field ${path} `}refused (${code}): ${reason}`);
    this.name = "RuleSetError";
  }
}

const decimalString = z.string().regex(/^-?\d+(\.\d+)?$/, 'must be a decimal string such as "0.30"');

const splitInput = z.strictObject({
  productCost: decimalString,
  distributionCost: decimalString,
  platformProfit: decimalString,
  poolContribution: decimalString,
});

const tierInput = z.strictObject({ minHealth: decimalString, rate: decimalString });

/** The JSON form of a rule set; every field is optional and takes its default. */
export const ruleSetInputSchema = z.strictObject({
  initialPrice: decimalString.optional(),
  minPrice: decimalString.optional(),
  priceCeiling: decimalString.nullable().optional(),
  split: splitInput.optional(),
  issueRatio: decimalString.optional(),
  sellFee: decimalString.optional(),
  exitMultiple: decimalString.optional(),
  exitFeeApplies: z.boolean().optional(),
  subsidyRate: decimalString.optional(),
  release: z
    .strictObject({
      mode: z.enum(["percentOfRemaining", "percentOfOriginal"]).optional(),
      tiers: z.array(tierInput).min(1).max(32).optional(),
    })
    .nullable()
    .optional(),
  healthPerReferral: decimalString.optional(),
  healthPerYuan: decimalString.optional(),
  halvingPeriodDays: z.number().int().min(1).max(100_000).nullable().optional(),
  tipMinHealth: decimalString.optional(),
  pointsOrdersEarn: z.boolean().optional(),
  refundWindowDays: z.number().int().min(0).max(365).optional(),
  withdrawalMaxPerRequest: decimalString.nullable().optional(),
  withdrawalMaxPerDay: decimalString.nullable().optional(),
  // Referral rewards exist only so that a request for more than the direct inviter's health value is
  // refused by name rather than ignored.
  referralLevels: z.number().int().optional(),
  referralCashReward: decimalString.optional(),
  referralPointsReward: decimalString.optional(),
});

export type RuleSetInput = z.infer<typeof ruleSetInputSchema>;

export const DEFAULT_RULES_INPUT = {
  initialPrice: "1",
  minPrice: "0",
  priceCeiling: null,
  split: { productCost: "0.3", distributionCost: "0.3", platformProfit: "0.1", poolContribution: "0.3" },
  issueRatio: "0.7",
  sellFee: "0.2",
  exitMultiple: "3",
  exitFeeApplies: true,
  subsidyRate: "0",
  release: null,
  healthPerReferral: "10",
  healthPerYuan: "0",
  halvingPeriodDays: null,
  tipMinHealth: "0",
  pointsOrdersEarn: false,
  refundWindowDays: 0,
  withdrawalMaxPerRequest: null,
  withdrawalMaxPerDay: null,
} as const;

export const DEFAULT_RELEASE_TIERS = [
  { minHealth: "0", rate: "0.001" },
  { minHealth: "100", rate: "0.002" },
  { minHealth: "500", rate: "0.003" },
  { minHealth: "2000", rate: "0.005" },
] as const;

function parseField(path: string, text: string, decimals: number): bigint {
  try {
    return parseDecimal(text, decimals);
  } catch (error) {
    if (error instanceof DecimalError) throw new RuleSetError("invalid_field", path, error.message);
    throw error;
  }
}

function inRange(path: string, value: bigint, decimals: number, min: bigint, max: bigint, what: string) {
  if (value < min || value > max) {
    throw new RuleSetError(
      "out_of_range",
      path,
      `${formatDecimal(value, decimals)} is outside ${what} (${formatDecimal(min, decimals)} to ${formatDecimal(max, decimals)})`,
    );
  }
  return value;
}

const ratioField = (path: string, text: string, min: bigint, max: bigint, what: string) =>
  inRange(path, parseField(path, text, RATIO_DECIMALS), RATIO_DECIMALS, min, max, what);

/** Validates and converts a split given as four fractions of the amount that add up to exactly 1. */
export function parseSplit(input: z.infer<typeof splitInput>, path = "split"): Split {
  const split: Split = {
    productCost: ratioField(`${path}.productCost`, input.productCost, 0n, RATIO_SCALE, "a fraction"),
    distributionCost: ratioField(
      `${path}.distributionCost`,
      input.distributionCost,
      0n,
      RATIO_SCALE,
      "a fraction",
    ),
    platformProfit: ratioField(`${path}.platformProfit`, input.platformProfit, 0n, RATIO_SCALE, "a fraction"),
    poolContribution: ratioField(
      `${path}.poolContribution`,
      input.poolContribution,
      0n,
      RATIO_SCALE,
      "a fraction",
    ),
  };
  const sum = split.productCost + split.distributionCost + split.platformProfit + split.poolContribution;
  if (sum !== RATIO_SCALE) {
    throw new RuleSetError("split_not_one", path, `the four parts add up to ${formatRatio(sum)}, not 1`);
  }
  return split;
}

export const splitSchema = splitInput;

function zodToRuleSetError(error: z.ZodError): RuleSetError {
  const issue = error.issues[0]!;
  const path = issue.path.join(".");
  if (issue.code === "unrecognized_keys") {
    const key = issue.keys[0] ?? "";
    const full = path === "" ? key : `${path}.${key}`;
    return new RuleSetError("unknown_field", full, `"${full}" is not a rule of RULES.md`);
  }
  return new RuleSetError("invalid_field", path, issue.message);
}

/** Loads a rule set from its JSON form: fills defaults, validates every field, refuses with a reason. */
export function loadRuleSet(raw: unknown): RuleSet {
  const parsed = ruleSetInputSchema.safeParse(raw ?? {});
  if (!parsed.success) throw zodToRuleSetError(parsed.error);
  const input = parsed.data;
  const d = DEFAULT_RULES_INPUT;

  if (input.referralLevels !== undefined && input.referralLevels !== 1) {
    throw new RuleSetError(
      "multi_level_reward",
      "referralLevels",
      "only the direct inviter may gain (one level); rewards beyond it are multi-level distribution (多级分销)",
    );
  }
  for (const field of ["referralCashReward", "referralPointsReward"] as const) {
    const value = input[field];
    if (value !== undefined && parseField(field, value, RATIO_DECIMALS) !== 0n) {
      throw new RuleSetError(
        "multi_level_reward",
        field,
        "a referral may earn the direct inviter health value only: no cash, no points",
      );
    }
  }

  const price = (path: string, text: string) => parseField(path, text, PRICE_DECIMALS);
  const initialPrice = price("initialPrice", input.initialPrice ?? d.initialPrice);
  if (initialPrice <= 0n) throw new RuleSetError("out_of_range", "initialPrice", "must be greater than 0");
  const minPrice = price("minPrice", input.minPrice ?? d.minPrice);
  if (minPrice < 0n) throw new RuleSetError("out_of_range", "minPrice", "must not be negative");
  const ceilingText = input.priceCeiling === undefined ? d.priceCeiling : input.priceCeiling;
  const priceCeiling = ceilingText === null ? null : price("priceCeiling", ceilingText);
  if (priceCeiling !== null && priceCeiling <= initialPrice) {
    throw new RuleSetError("out_of_range", "priceCeiling", "must be above initialPrice");
  }

  const split = parseSplit(input.split ?? d.split);
  const issueRatio = ratioField("issueRatio", input.issueRatio ?? d.issueRatio, 1n, RATIO_SCALE, "(0, 1]");
  const sellFee = ratioField("sellFee", input.sellFee ?? d.sellFee, 0n, RATIO_SCALE - 1n, "[0, 1)");
  const exitMultiple = ratioField(
    "exitMultiple",
    input.exitMultiple ?? d.exitMultiple,
    (RATIO_SCALE * 3n) / 2n,
    RATIO_SCALE * 10n,
    "the allowed exit multiples",
  );
  const subsidyRate = ratioField(
    "subsidyRate",
    input.subsidyRate ?? d.subsidyRate,
    0n,
    RATIO_SCALE,
    "[0, 1]",
  );

  let release: RuleSet["release"] = null;
  const releaseInput = input.release === undefined ? d.release : input.release;
  if (releaseInput !== null) {
    const tiers = (releaseInput.tiers ?? DEFAULT_RELEASE_TIERS).map((tier, i) => ({
      minHealth: parseField(`release.tiers.${i}.minHealth`, tier.minHealth, HEALTH_DECIMALS),
      rate: ratioField(`release.tiers.${i}.rate`, tier.rate, 1n, RATIO_SCALE, "(0, 1]"),
    }));
    if (tiers[0]!.minHealth !== 0n) {
      throw new RuleSetError(
        "tiers_not_ascending",
        "release.tiers.0.minHealth",
        "the first tier must start at 0",
      );
    }
    for (let i = 1; i < tiers.length; i++) {
      if (tiers[i]!.minHealth <= tiers[i - 1]!.minHealth) {
        throw new RuleSetError(
          "tiers_not_ascending",
          `release.tiers.${i}.minHealth`,
          "tier thresholds must strictly increase",
        );
      }
    }
    release = { mode: releaseInput.mode ?? "percentOfRemaining", tiers };
  }

  const health = (path: string, text: string) => {
    const value = parseField(path, text, HEALTH_DECIMALS);
    if (value < 0n) throw new RuleSetError("out_of_range", path, "must not be negative");
    return value;
  };
  const limit = (path: string, text: string | null | undefined) => {
    if (text === null || text === undefined) return null;
    const value = parseField(path, text, MONEY_DECIMALS);
    if (value <= 0n)
      throw new RuleSetError("out_of_range", path, "must be greater than 0 (null means no limit)");
    return value;
  };
  const healthPerYuan = parseField("healthPerYuan", input.healthPerYuan ?? d.healthPerYuan, RATIO_DECIMALS);
  if (healthPerYuan < 0n) throw new RuleSetError("out_of_range", "healthPerYuan", "must not be negative");

  return {
    initialPrice,
    minPrice,
    priceCeiling,
    split,
    issueRatio,
    sellFee,
    exitMultiple,
    exitFeeApplies: input.exitFeeApplies ?? d.exitFeeApplies,
    subsidyRate,
    release,
    healthPerReferral: health("healthPerReferral", input.healthPerReferral ?? d.healthPerReferral),
    healthPerYuan,
    halvingPeriodDays: input.halvingPeriodDays === undefined ? d.halvingPeriodDays : input.halvingPeriodDays,
    tipMinHealth: health("tipMinHealth", input.tipMinHealth ?? d.tipMinHealth),
    pointsOrdersEarn: input.pointsOrdersEarn ?? d.pointsOrdersEarn,
    refundWindowDays: input.refundWindowDays ?? d.refundWindowDays,
    withdrawalMaxPerRequest: limit("withdrawalMaxPerRequest", input.withdrawalMaxPerRequest),
    withdrawalMaxPerDay: limit("withdrawalMaxPerDay", input.withdrawalMaxPerDay),
  };
}

const fmtPrice = (v: bigint) => formatDecimal(v, PRICE_DECIMALS);

/** The canonical JSON form of a rule set (every field present), the inverse of loadRuleSet. */
export function ruleSetToJson(rules: RuleSet) {
  const split = (s: Split) => ({
    productCost: formatRatio(s.productCost),
    distributionCost: formatRatio(s.distributionCost),
    platformProfit: formatRatio(s.platformProfit),
    poolContribution: formatRatio(s.poolContribution),
  });
  return {
    initialPrice: fmtPrice(rules.initialPrice),
    minPrice: fmtPrice(rules.minPrice),
    priceCeiling: rules.priceCeiling === null ? null : fmtPrice(rules.priceCeiling),
    split: split(rules.split),
    issueRatio: formatRatio(rules.issueRatio),
    sellFee: formatRatio(rules.sellFee),
    exitMultiple: formatRatio(rules.exitMultiple),
    exitFeeApplies: rules.exitFeeApplies,
    subsidyRate: formatRatio(rules.subsidyRate),
    release:
      rules.release === null
        ? null
        : {
            mode: rules.release.mode,
            tiers: rules.release.tiers.map((t) => ({
              minHealth: formatHealth(t.minHealth),
              rate: formatRatio(t.rate),
            })),
          },
    healthPerReferral: formatHealth(rules.healthPerReferral),
    healthPerYuan: formatRatio(rules.healthPerYuan),
    halvingPeriodDays: rules.halvingPeriodDays,
    tipMinHealth: formatHealth(rules.tipMinHealth),
    pointsOrdersEarn: rules.pointsOrdersEarn,
    refundWindowDays: rules.refundWindowDays,
    withdrawalMaxPerRequest:
      rules.withdrawalMaxPerRequest === null ? null : formatMoney(rules.withdrawalMaxPerRequest),
    withdrawalMaxPerDay: rules.withdrawalMaxPerDay === null ? null : formatMoney(rules.withdrawalMaxPerDay),
  };
}

export type RuleSetJson = ReturnType<typeof ruleSetToJson>;

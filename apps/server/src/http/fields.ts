/**
 * Field schemas shared by the routes: decimal amounts read exactly with the engine's parser (never a
 * float), ids, pages. Each failure names the field and carries a code (not_a_decimal, too_precise,
 * out_of_range, invalid_field).
 */
import { DecimalError, MONEY_DECIMALS, POINT_DECIMALS, RATIO_DECIMALS, parseDecimal } from "@zengzhi/engine";
import { z } from "zod";
import { LIMITS } from "../limits.js";

function decimalField(decimals: number, max: bigint, what: string) {
  return z
    .string()
    .max(40)
    .transform((text, context) => {
      let units: bigint;
      try {
        units = parseDecimal(text.trim(), decimals);
      } catch (error) {
        const code = error instanceof DecimalError ? error.code : "not_a_decimal";
        context.addIssue({ code: "custom", message: (error as Error).message, params: { code } });
        return z.NEVER;
      }
      if (units <= 0n) {
        context.addIssue({
          code: "custom",
          message: `${what} must be greater than 0`,
          params: { code: "out_of_range" },
        });
        return z.NEVER;
      }
      if (units > max) {
        context.addIssue({
          code: "custom",
          message: `${what} is above the limit`,
          params: { code: "out_of_range" },
        });
        return z.NEVER;
      }
      return units;
    });
}

/** A positive amount of money in yuan, at most 2 decimals → fen. */
export const moneyField = decimalField(MONEY_DECIMALS, LIMITS.amountFenMax, "the amount");
/** A positive number of points, at most 8 decimals → 1e-8 points. */
export const pointsField = decimalField(POINT_DECIMALS, LIMITS.pointsUnitsMax, "the points");
/** A positive ratio, at most 9 decimals (shares per point). */
export const ratioField = decimalField(RATIO_DECIMALS, 10n ** 18n, "the ratio");

export const idField = z
  .string()
  .min(1)
  .max(LIMITS.idLengthMax)
  .regex(/^[A-Za-z0-9_.:-]+$/, "must use only letters, digits and _ . : -");
export const tenantField = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{1,31}$/, "must be 2–32 of a-z, 0-9 and -, starting with a letter or digit");
export const usernameField = z.string().regex(/^[a-z0-9_-]{3,32}$/, "must be 3–32 of a-z, 0-9, _ and -");
export const passwordField = z.string().min(8).max(128);
export const nameField = z.string().trim().min(1).max(LIMITS.nameLengthMax);
export const integerIdParam = z.coerce.number().int().min(1).max(Number.MAX_SAFE_INTEGER);

export const splitField = z.strictObject({
  productCost: z.string().max(20),
  distributionCost: z.string().max(20),
  platformProfit: z.string().max(20),
  poolContribution: z.string().max(20),
});

export const pageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(LIMITS.pageSizeMax).default(LIMITS.pageSizeDefault),
  cursor: z.string().max(200).optional(),
});

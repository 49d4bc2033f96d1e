/**
 * Payouts (issue 12, item 2): the member's payout account (WeChat by a linked sign-in, an Alipay
 * account, or a bank card paid by hand) and the operations that pay an approved withdrawal out,
 * merged into the operation table by operations.ts.
 */
import { z } from "zod";
import { operation } from "./operation.js";
import { integerIdParams } from "./requests.js";
import { CALLER_GROUPS } from "./roles.js";
import { textField } from "./fields.js";
import { withdrawalSchema } from "./views.js";

export const PAYOUT_ACCOUNT_KINDS = ["wechat", "alipay", "bank"] as const;
export type PayoutAccountKind = (typeof PAYOUT_ACCOUNT_KINDS)[number];

/** How a payout goes: through the tenant's provider, by hand (bank card), or the demo sandbox. */
export const PAYOUT_CHANNELS = ["wechat", "alipay", "bank", "sandbox"] as const;
export const PAYOUT_STATES = ["sending", "paid", "failed"] as const;

/** An Alipay logon id: an e-mail address or a mainland mobile number. */
const logonId = z
  .string()
  .max(100)
  .regex(
    /^(?:[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}|1\d{10})$/,
    "an e-mail address or mobile number",
  );
/** A person's name as the bank or Alipay knows it (Chinese names included). */
const personName = textField(40).regex(/^\S(?:.*\S)?$/, "a name without leading or trailing spaces");
/** A bank card number: 12 to 19 digits, spaces allowed between groups. */
const cardNumber = z
  .string()
  .max(40)
  .regex(/^\d[\d ]{10,30}\d$/, "12 to 19 digits")
  .refine((text) => text.replaceAll(" ", "").length >= 12 && text.replaceAll(" ", "").length <= 19, {
    message: "12 to 19 digits",
  });

/**
 * What the member sets. A WeChat account names nothing: the openid comes from the member's own
 * linked WeChat sign-in, never from the request.
 */
export const setPayoutAccountRequest = z
  .strictObject({
    kind: z.enum(PAYOUT_ACCOUNT_KINDS),
    logonId: logonId.optional(),
    realName: personName.optional(),
    bank: textField(60).min(2).optional(),
    cardNumber: cardNumber.optional(),
    holder: personName.optional(),
  })
  .superRefine((body, context) => {
    const need = (field: "logonId" | "realName" | "bank" | "cardNumber" | "holder") => {
      if (body[field] === undefined)
        context.addIssue({ code: "custom", message: `${body.kind} needs ${field}`, path: [field] });
    };
    const given = (["logonId", "realName", "bank", "cardNumber", "holder"] as const).filter(
      (field) => body[field] !== undefined,
    );
    const wanted =
      body.kind === "alipay"
        ? ["logonId", "realName"]
        : body.kind === "bank"
          ? ["bank", "cardNumber", "holder"]
          : [];
    for (const field of wanted) need(field as "logonId");
    for (const field of given)
      if (!wanted.includes(field))
        context.addIssue({ code: "custom", message: `${body.kind} takes no ${field}`, path: [field] });
  })
  .meta({ id: "SetPayoutAccountRequest" });
export type SetPayoutAccountRequest = z.input<typeof setPayoutAccountRequest>;

export const payoutAccountSchema = z
  .strictObject({
    kind: z.enum(PAYOUT_ACCOUNT_KINDS),
    /** Masked for display: `j***@example.com`, `**** 1234`, `微信（已绑定）`. */
    destination: z.string(),
    holder: z.string().nullable(),
    bank: z.string().nullable(),
    updatedAt: z.iso.datetime(),
  })
  .meta({ id: "PayoutAccount" });

export const payoutAccountAnswerSchema = z
  .strictObject({
    account: payoutAccountSchema.nullable(),
    /** Whether the member has signed in with WeChat (so a WeChat account can be chosen). */
    wechatLinked: z.boolean(),
  })
  .meta({ id: "PayoutAccountAnswer" });

export type PayoutAccountAnswer = z.output<typeof payoutAccountAnswerSchema>;
export type Payout = NonNullable<z.output<typeof withdrawalSchema>["payout"]>;

export const markPayoutPaidRequest = z
  .strictObject({ reference: textField(64).min(1) })
  .meta({ id: "MarkPayoutPaidRequest" });
export const markPayoutFailedRequest = z
  .strictObject({ reason: textField(200).min(1) })
  .meta({ id: "MarkPayoutFailedRequest" });

export const payoutOperations = {
  getPayoutAccount: operation({
    operationId: "getPayoutAccount",
    method: "GET",
    path: "/api/me/payout-account",
    tags: ["members"],
    summary: "The member's payout account, masked, and whether WeChat is linked",
    callers: ["member"],
    idempotent: false,
    status: 200,
    response: payoutAccountAnswerSchema,
    errors: [],
  }),
  setPayoutAccount: operation({
    operationId: "setPayoutAccount",
    method: "PUT",
    path: "/api/me/payout-account",
    tags: ["members"],
    summary: "Set where the member's approved withdrawals are paid (replaces the previous account)",
    callers: ["member"],
    idempotent: true,
    body: setPayoutAccountRequest,
    status: 200,
    response: payoutAccountAnswerSchema,
    errors: ["wechat_not_linked"],
  }),
  reconcilePayout: operation({
    operationId: "reconcilePayout",
    method: "POST",
    path: "/api/operator/withdrawals/:id/payout/query",
    tags: ["operators"],
    summary: "Ask the provider how a payout in flight ended (after a timeout); never sends it again",
    callers: CALLER_GROUPS.finance,
    idempotent: true,
    params: integerIdParams,
    status: 200,
    response: withdrawalSchema,
    errors: ["not_found", "payout_not_sending", "payment_method_unavailable"],
  }),
  markPayoutPaid: operation({
    operationId: "markPayoutPaid",
    method: "POST",
    path: "/api/operator/withdrawals/:id/payout/paid",
    tags: ["operators"],
    summary: "Record a manual (bank card) payout as paid, with the bank's reference",
    callers: CALLER_GROUPS.finance,
    idempotent: true,
    params: integerIdParams,
    body: markPayoutPaidRequest,
    status: 200,
    response: withdrawalSchema,
    errors: ["not_found", "payout_not_sending"],
  }),
  markPayoutFailed: operation({
    operationId: "markPayoutFailed",
    method: "POST",
    path: "/api/operator/withdrawals/:id/payout/failed",
    tags: ["operators"],
    summary: "Record a manual (bank card) payout as failed: the amount goes back to the wallet, once",
    callers: CALLER_GROUPS.finance,
    idempotent: true,
    params: integerIdParams,
    body: markPayoutFailedRequest,
    status: 200,
    response: withdrawalSchema,
    errors: ["not_found", "payout_not_sending"],
  }),
};

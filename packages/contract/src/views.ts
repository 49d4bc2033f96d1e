/**
 * Response bodies: the JSON the service answers, written from what its handlers and views return.
 * Objects are strict, so a field the server adds or drops fails the response check in tests until the
 * contract says so. Every schema that clients name has an id (its OpenAPI component name).
 */
import { type RuleSetJson, STATEMENT_KINDS } from "@zengzhi/engine";
import { z } from "zod";
import { ROLES } from "./roles.js";
import { healthOut, moneyOut, pointsOut, priceOut, ratioOut, timeOut } from "./fields.js";

export const roleSchema = z.enum(ROLES).meta({ id: "Role" });

export const userSchema = z
  .strictObject({
    id: z.string(),
    tenant: z.string(),
    username: z.string(),
    role: roleSchema,
    memberId: z.string().nullable(),
    merchantId: z.string().nullable(),
  })
  .meta({ id: "User" });

export const sessionSchema = z.strictObject({ token: z.string(), user: userSchema }).meta({ id: "Session" });
export const whoAmISchema = z
  .strictObject({
    user: userSchema,
    timeZone: z
      .string()
      .optional()
      .meta({ description: "the tenant's IANA time zone: dates and times are shown in it" }),
  })
  .meta({ id: "WhoAmI" });

/** One of the caller's live sessions: where and when it was opened, last used, when it ends. */
export const sessionInfoSchema = z
  .strictObject({
    id: z.string(),
    current: z.boolean().meta({ description: "the session making this request" }),
    createdAt: timeOut,
    lastSeenAt: timeOut.meta({ description: "last activity, to within a minute" }),
    expiresAt: timeOut.meta({ description: "when it ends if unused (idle timeout or absolute end)" }),
    address: z.string(),
    userAgent: z.string(),
  })
  .meta({ id: "SessionInfo" });
export const sessionListSchema = z
  .strictObject({ sessions: z.array(sessionInfoSchema) })
  .meta({ id: "SessionList" });
export const passwordChangedSchema = z
  .strictObject({ sessionsRevoked: z.int().min(0) })
  .meta({ id: "PasswordChanged" });
export const passwordResetIssuedSchema = z
  .strictObject({
    username: z.string(),
    code: z.string().meta({ description: "the one-time code: shown once, stored only as its SHA-256" }),
    expiresAt: timeOut,
    sessionsRevoked: z.int().min(0),
  })
  .meta({ id: "PasswordResetIssued" });
export const sessionsRevokedSchema = z
  .strictObject({ revoked: z.int().min(0) })
  .meta({ id: "SessionsRevoked" });

/** A page of a list, newest or lowest first as each operation says; nextCursor is opaque. */
const pageOf = <T extends z.ZodType>(item: T, id: string) =>
  z.strictObject({ items: z.array(item), nextCursor: z.string().nullable() }).meta({ id });

export const splitSchema = z
  .strictObject({
    productCost: ratioOut,
    distributionCost: ratioOut,
    platformProfit: ratioOut,
    poolContribution: ratioOut,
  })
  .meta({ id: "Split" });

export const tierSchema = z
  .strictObject({ minHealth: healthOut, rate: ratioOut })
  .meta({ id: "ReleaseTier" });
export const releaseModeSchema = z
  .enum(["percentOfRemaining", "percentOfOriginal"])
  .meta({ id: "ReleaseMode" });

/** A rule set in its JSON form, as the engine writes it (ruleSetToJson). */
export const ruleSetSchema = z
  .strictObject({
    initialPrice: priceOut,
    minPrice: priceOut,
    priceCeiling: priceOut.nullable(),
    split: splitSchema,
    issueRatio: ratioOut,
    sellFee: ratioOut,
    exitMultiple: ratioOut,
    exitFeeApplies: z.boolean(),
    subsidyRate: ratioOut,
    release: z.strictObject({ mode: releaseModeSchema, tiers: z.array(tierSchema) }).nullable(),
    healthPerReferral: healthOut,
    healthPerYuan: ratioOut,
    halvingPeriodDays: z.int().nullable(),
    tipMinHealth: healthOut,
    pointsOrdersEarn: z.boolean(),
    refundWindowDays: z.int(),
    withdrawalMaxPerRequest: moneyOut.nullable(),
    withdrawalMaxPerDay: moneyOut.nullable(),
  })
  .meta({ id: "RuleSet" });

export const productSchema = z
  .strictObject({
    id: z.string(),
    merchant: z.string(),
    name: z.string(),
    price: moneyOut,
    split: splitSchema.nullable(),
    active: z.boolean(),
  })
  .meta({ id: "Product" });

export const ORDER_STATUSES = ["created", "paid", "settled", "refunded", "cancelled"] as const;
export const orderStatusSchema = z.enum(ORDER_STATUSES).meta({ id: "OrderStatus" });

export const orderSchema = z
  .strictObject({
    id: z.int(),
    member: z.string(),
    merchant: z.string(),
    productId: z.string(),
    productName: z.string(),
    quantity: z.int(),
    amount: moneyOut,
    status: orderStatusSchema,
    paidDay: z.int().nullable(),
    settleDay: z.int().nullable(),
    position: z.int().nullable(),
    points: pointsOut.nullable(),
    createdAt: timeOut,
    payment: z.strictObject({ provider: z.string(), paymentId: z.string() }),
  })
  .meta({ id: "Order" });

export const paymentCallbackAnswerSchema = z
  .strictObject({ ok: z.literal(true), order: orderSchema })
  .meta({ id: "PaymentCallbackAnswer" });

/** Positions force-exited (or cashed out by a period reset) by a command, in order. */
const exits = z.array(z.int()).meta({ description: "ids of positions exited as a consequence" });

export const saleOutcomeSchema = z
  .strictObject({
    ok: z.literal(true),
    position: z.int().nullable(),
    points: pointsOut.nullable(),
    exits,
    /** The receipt: who bought, what the merchant's prepaid balance paid, what is left of it. */
    member: z.string(),
    amount: moneyOut,
    prepaidDebited: moneyOut,
    prepaidBalance: moneyOut,
  })
  .meta({ id: "SaleOutcome" });

export const saleVoidOutcomeSchema = z
  .strictObject({ ok: z.literal(true), position: z.int(), prepaidBalance: moneyOut })
  .meta({ id: "SaleVoidOutcome" });

/** A member's one-use payment code for a till sale, and when it stops working. */
export const paymentCodeSchema = z
  .strictObject({ code: z.string(), expiresAt: timeOut })
  .meta({ id: "PaymentCode" });

/** A merchant's prepaid balance and the operator's bounds on its splits. */
export const merchantPrepaidSchema = z
  .strictObject({
    merchant: z.string(),
    balance: moneyOut,
    bounds: z.strictObject({ maxPoolContribution: ratioOut, minPlatformProfit: ratioOut }),
  })
  .meta({ id: "MerchantPrepaid" });

/** A top-up started: the sandbox payment the merchant completes. */
export const prepaidTopUpSchema = z.strictObject({ balance: moneyOut }).meta({ id: "PrepaidTopUp" });

export const POSITION_STATUSES = ["open", "exited", "closed"] as const;
export const CLOSE_REASONS = ["sold", "exit", "reset", "listing", "void"] as const;

export const positionSchema = z
  .strictObject({
    id: z.int(),
    member: z.string(),
    spend: moneyOut,
    points: pointsOut,
    locked: pointsOut,
    unlocked: pointsOut,
    soldGross: moneyOut,
    day: z.int(),
    status: z.enum(POSITION_STATUSES),
    closeReason: z.enum(CLOSE_REASONS).nullable(),
    tipped: z.boolean(),
    exitThreshold: priceOut.nullable(),
    value: moneyOut,
  })
  .meta({ id: "Position" });

export const memberSummarySchema = z
  .strictObject({
    member: z.string(),
    inviter: z.string().nullable(),
    wallet: moneyOut,
    coins: moneyOut,
    health: healthOut,
    shares: pointsOut,
    orders: z.int(),
    positions: z.int(),
    releaseRate: ratioOut.nullable(),
    tiers: z.array(tierSchema).nullable(),
    price: priceOut,
  })
  .meta({ id: "MemberSummary" });

export const sellOutcomeSchema = z
  .strictObject({
    ok: z.literal(true),
    points: pointsOut,
    net: moneyOut.nullable(),
    fee: moneyOut.nullable(),
    exits,
  })
  .meta({ id: "SellOutcome" });

export const sellPreviewSchema = z
  .strictObject({ points: pointsOut, gross: moneyOut, fee: moneyOut, net: moneyOut, exits })
  .meta({ id: "SellPreview" });

export const payWithPointsOutcomeSchema = z
  .strictObject({ ok: z.literal(true), points: pointsOut.nullable(), position: z.int().nullable(), exits })
  .meta({ id: "PayWithPointsOutcome" });

export const releaseSchema = z
  .strictObject({
    health: healthOut,
    mode: releaseModeSchema.nullable(),
    releaseRate: ratioOut.nullable(),
    tiers: z.array(tierSchema).nullable(),
    positions: z.array(z.strictObject({ id: z.int(), locked: pointsOut, unlocked: pointsOut })),
    projection: z.array(z.strictObject({ day: z.int(), locked: pointsOut })),
  })
  .meta({ id: "Release" });

export const WITHDRAWAL_STATUSES = ["pending", "approved", "rejected", "paid", "returned"] as const;
/** An approved withdrawal's payout (issue 12): where it goes (masked), its state, the provider's reference. */
export const payoutSchema = z
  .strictObject({
    channel: z.enum(["wechat", "alipay", "bank", "sandbox"]),
    destination: z.string(),
    state: z.enum(["sending", "paid", "failed"]),
    reference: z.string().meta({ description: "our out_biz_no / out_bill_no, derived from the withdrawal" }),
    providerReference: z.string().nullable(),
    failureReason: z.string().nullable(),
    updatedAt: z.iso.datetime(),
  })
  .meta({ id: "Payout" });
export const withdrawalSchema = z
  .strictObject({
    id: z.int(),
    member: z.string(),
    amount: moneyOut,
    day: z.int(),
    date: z.iso.date().meta({ description: "the tenant's local date of the day it was requested" }),
    status: z.enum(WITHDRAWAL_STATUSES),
    payout: payoutSchema.nullable().optional(),
  })
  .meta({ id: "Withdrawal" });

export const merchantSummarySchema = z
  .strictObject({ id: z.string(), name: z.string() })
  .meta({ id: "Merchant" });
export const createdMerchantSchema = z
  .strictObject({ id: z.string(), name: z.string(), user: userSchema })
  .meta({ id: "CreatedMerchant" });

const orderTotals = z.strictObject({ count: z.int(), total: moneyOut });
export const merchantSettlementSchema = z
  .strictObject({
    merchant: z.string(),
    name: z.string(),
    settlement: moneyOut,
    points: pointsOut,
    shares: pointsOut,
    onlineOrders: z.strictObject({
      created: orderTotals,
      paid: orderTotals,
      settled: orderTotals,
      refunded: orderTotals,
      cancelled: orderTotals,
    }),
  })
  .meta({ id: "MerchantSettlement" });

const marketFields = {
  day: z.int(),
  period: z.int(),
  listed: z.boolean(),
  pool: moneyOut,
  supply: pointsOut,
  price: priceOut,
  /** Members' points at the market price (supply × price, floored): 0 once no points are left. */
  supplyValue: moneyOut,
};

/** Every cash account of a tenant (the engine's Accounts), in yuan. */
export const accountsSchema = z
  .strictObject({
    paidByMembers: moneyOut,
    financingIn: moneyOut,
    debtSettlement: moneyOut,
    paidByMerchants: moneyOut,
    pool: moneyOut,
    wallets: moneyOut,
    withdrawalsPending: moneyOut,
    withdrawn: moneyOut,
    merchantSettlements: moneyOut,
    distribution: moneyOut,
    platformRevenue: moneyOut,
    subsidyBudget: moneyOut,
    equity: moneyOut,
    ordersAwaitingSettlement: moneyOut,
    ordersRefunded: moneyOut,
    /** Absent until a merchant's prepaid balance was first credited. */
    prepaidIn: moneyOut.optional(),
    prepaidHeld: moneyOut.optional(),
  })
  .meta({ id: "Accounts" });

export const overviewSchema = z
  .strictObject({
    ...marketFields,
    accounts: accountsSchema,
    coins: z.strictObject({ imported: moneyOut, redeemed: moneyOut }),
    counts: z.strictObject({
      members: z.int(),
      merchants: z.int(),
      positions: z.int(),
      withdrawalsPending: z.int(),
    }),
    paused: z.boolean(),
  })
  .meta({ id: "Overview" });

export const operatorMemberSchema = z
  .strictObject({
    id: z.string(),
    inviter: z.string().nullable(),
    wallet: moneyOut,
    coins: moneyOut,
    health: healthOut,
    orders: z.int(),
    positions: z.int(),
    phone: z.string().nullable(),
    frozen: z.boolean(),
  })
  .meta({ id: "OperatorMember" });

/** One member as the operator's member page shows it: balances, positions, referrals, health, flags. */
export const memberDetailSchema = z
  .strictObject({
    member: operatorMemberSchema,
    statement: z.strictObject({
      spent: moneyOut.meta({ description: "cash spent on the member's positions (open and closed)" }),
      soldGross: moneyOut.meta({ description: "cash its sells and exits took from the pool, fees included" }),
      withdrawn: moneyOut.meta({ description: "withdrawals approved" }),
      withdrawalsPending: moneyOut,
      pointsHeld: pointsOut,
      valueHeld: moneyOut.meta({ description: "points held × price, floored to the fen" }),
    }),
    release: z.strictObject({
      health: healthOut,
      releaseRate: ratioOut
        .nullable()
        .meta({ description: "the daily release rate of its tier (null: no release rule)" }),
    }),
    positions: z
      .array(
        z.strictObject({
          id: z.int(),
          status: z.string(),
          spend: moneyOut,
          points: pointsOut,
          value: moneyOut,
        }),
      )
      .meta({ description: "the member's positions, newest first (at most 100)" }),
    positionCount: z.int(),
    referrals: z.array(z.string()).meta({ description: "members this member invited (first 100)" }),
    referralCount: z.int(),
  })
  .meta({ id: "MemberDetail" });

export const financingOutcomeSchema = z
  .strictObject({ ok: z.literal(true), exits })
  .meta({ id: "FinancingOutcome" });
export const okSchema = z.strictObject({ ok: z.literal(true) }).meta({ id: "Ok" });
export const coinImportSchema = z
  .strictObject({ imported: z.int(), total: moneyOut })
  .meta({ id: "CoinImport" });
export const tipBuyOutcomeSchema = z
  .strictObject({ ok: z.literal(true), points: pointsOut.nullable() })
  .meta({ id: "TipBuyOutcome" });
export const tipOutcomeSchema = z
  .strictObject({ ok: z.literal(true), position: z.int().nullable() })
  .meta({ id: "TipOutcome" });
export const pauseStateSchema = z.strictObject({ paused: z.boolean() }).meta({ id: "PauseState" });
/** What the operator sees of the payment credentials: never a secret, only a hint and a date. */
export const paymentSettingsSchema = z
  .strictObject({
    secretsKeyConfigured: z.boolean(),
    providers: z.array(
      z.strictObject({
        provider: z.enum(["wechat", "alipay"]),
        configured: z.boolean(),
        accountHint: z.string().nullable(),
        updatedAt: z.string().nullable(),
      }),
    ),
  })
  .meta({ id: "PaymentSettings" });
const previewFigures = z.strictObject({
  day: z.int(),
  price: priceOut,
  pool: moneyOut,
  supply: pointsOut,
  wallets: moneyOut,
  subsidyBudget: moneyOut,
  openPositions: z.int(),
  listed: z.boolean(),
});

/** What an operator action would do, computed by the engine on a fork of the live state. */
export const actionPreviewSchema = z
  .strictObject({
    stateHash: z
      .string()
      .meta({ description: "send it with the action: refused with preview_stale once the state moved" }),
    refused: z
      .strictObject({ index: z.int(), code: z.string(), message: z.string() })
      .nullable()
      .meta({ description: "the first command of the action the engine would refuse (null: none)" }),
    before: previewFigures,
    after: previewFigures,
    exits: z.strictObject({
      count: z.int(),
      owners: z.int(),
      positions: z
        .array(z.strictObject({ position: z.int(), member: z.string(), spend: moneyOut, proceeds: moneyOut }))
        .meta({ description: "the first 100 positions force-exited (count has them all)" }),
    }),
    closed: z.int().meta({ description: "positions closed without an exit (listing)" }),
    credits: z.strictObject({
      members: z.int(),
      cash: moneyOut,
      top: z
        .array(z.strictObject({ member: z.string(), cash: moneyOut }))
        .meta({ description: "the 100 members credited most, most first" }),
    }),
    subsidyUsed: moneyOut,
    settledOrders: z.int(),
    periodReset: z.boolean(),
  })
  .meta({ id: "ActionPreview" });

export const withdrawalDecisionsOutcomeSchema = z
  .strictObject({ approved: z.array(z.int()), rejected: z.array(z.int()) })
  .meta({ id: "WithdrawalDecisionsOutcome" });

export const closeDayOutcomeSchema = z
  .strictObject({
    day: z.int(),
    date: z.iso.date().meta({ description: "the local date the scheme's current day stands for" }),
    settledOrders: z.int(),
  })
  .meta({ id: "CloseDayOutcome" });

/** A time in the tenant's zone, ISO 8601 with its offset ("2026-12-04T00:00:05+08:00"). */
const zonedTime = z.iso.datetime({ offset: true });

export const calendarSchema = z
  .strictObject({
    timeZone: z.string(),
    today: z.iso.date().meta({ description: "today's date in the tenant's zone" }),
    day: z.int().meta({ description: "the engine's day counter" }),
    date: z.iso.date().meta({ description: "the local date the current day stands for (not closed yet)" }),
    nextCloseAt: zonedTime.meta({ description: "when that date ends and closes by itself" }),
    manualClose: z
      .boolean()
      .meta({ description: "whether the operator may close days by hand (tests, demos)" }),
  })
  .meta({ id: "Calendar" });

export const statementEntrySchema = z
  .strictObject({
    seq: z.int().meta({ description: "the journal command the line comes from" }),
    line: z.int(),
    at: zonedTime.meta({ description: "when the command was committed, in the tenant's zone" }),
    date: z.iso.date().meta({ description: "the scheme's date the command belongs to" }),
    kind: z.enum(STATEMENT_KINDS),
    amount: z.string().meta({ description: "change of the balance: yuan for cash, points for points" }),
    balance: z.string().meta({ description: "the balance after this line" }),
    detail: z.string().nullable().meta({
      description:
        "the figure a line that moves no balance concerns (order price, withdrawal, released points)",
    }),
  })
  .meta({ id: "StatementEntry" });
export const reconciliationSchema = z
  .strictObject({
    balance: moneyOut,
    pool: moneyOut,
    wallets: moneyOut,
    withdrawalsPending: moneyOut,
    ordersAwaitingSettlement: moneyOut,
    expected: moneyOut,
    difference: moneyOut,
  })
  .meta({ id: "Reconciliation" });

export const auditEntrySchema = z
  .strictObject({
    seq: z.int(),
    at: timeOut,
    actor: z.string(),
    role: z.string(),
    action: z.string(),
    target: z.string().nullable(),
    detail: z.unknown(),
  })
  .meta({ id: "AuditEntry" });

export const pricePointSchema = z
  .strictObject({ at: timeOut, day: z.int(), pool: moneyOut, supply: pointsOut, price: priceOut })
  .meta({ id: "PricePoint" });

const hashHex = z
  .string()
  .regex(/^[0-9a-f]{64}$/)
  .meta({ description: "a SHA-256 hash, 64 lowercase hex digits" });
const integerText = z
  .string()
  .regex(/^[0-9]+$/)
  .meta({ description: "a non-negative integer in minor units (fen, or 1e-8 points)" });

/** The exit queue from the live ledger: facts, not a forecast (see docs/TRANSPARENCY.md). */
export const queueMeterSchema = z
  .strictObject({
    pool: moneyOut,
    cashToExit: moneyOut.meta({
      description: "Σ over open positions in the queue of exit target − cash received − current value",
    }),
    inflow: z
      .strictObject({ amount: moneyOut, days: z.int() })
      .meta({ description: "cash that flowed into the pool over the last closed days (at most 30)" }),
    daysAtInflow: integerText.nullable().meta({
      description: "days that inflow would take to bring cashToExit (rounded up); null without inflow",
    }),
    positions: z.int(),
    exited: z.int(),
    open: z.int(),
    queued: z.int(),
    waitingOver: z.array(z.strictObject({ days: z.int(), positions: z.int() })),
  })
  .meta({ id: "QueueMeter" });

/** One day's close: the root of the Merkle-sum tree over every member's liabilities and its totals. */
export const liabilityRootSchema = z
  .strictObject({
    day: z.int(),
    closedAt: timeOut,
    root: hashHex,
    cash: moneyOut,
    points: pointsOut,
    members: z.int(),
  })
  .meta({ id: "LiabilityRoot" });

/** A bank or escrow statement the operator attached: the assets against the liabilities. */
export const custodyStatementSchema = z
  .strictObject({
    amount: moneyOut,
    date: z.iso.date(),
    reference: z.string(),
    attachedAt: timeOut,
  })
  .meta({ id: "CustodyStatement" });

/** A member's inclusion proof: what `verifyInclusion` and `zengzhi verify-inclusion` check. */
export const liabilityProofSchema = z
  .strictObject({
    format: z.literal("zengzhi-liabilities-v1"),
    tenant: z.string(),
    day: z.int(),
    member: z.string(),
    salt: hashHex,
    cash: integerText,
    points: integerText,
    path: z.array(
      z.strictObject({
        side: z.enum(["left", "right"]),
        hash: hashHex,
        cash: integerText,
        points: integerText,
      }),
    ),
    root: z.strictObject({ hash: hashHex, cash: integerText, points: integerText }),
  })
  .meta({ id: "LiabilityProof" });

export const publicViewSchema = z
  .strictObject({
    tenant: z.string(),
    ...marketFields,
    paused: z.boolean(),
    totals: z.strictObject({
      paidIn: z.strictObject({
        members: moneyOut,
        financing: moneyOut,
        merchants: moneyOut,
        debtSettlement: moneyOut,
        merchantsPrepaid: moneyOut,
      }),
      paidOut: z.strictObject({
        withdrawn: moneyOut,
        withdrawalsPending: moneyOut,
        merchantSettlements: moneyOut,
        distribution: moneyOut,
        platformRevenue: moneyOut,
        ordersRefunded: moneyOut,
      }),
      held: z.strictObject({
        pool: moneyOut,
        wallets: moneyOut,
        subsidyBudget: moneyOut,
        equity: moneyOut,
        ordersAwaitingSettlement: moneyOut,
        merchantsPrepaid: moneyOut,
      }),
    }),
    counts: z.strictObject({ members: z.int(), positions: z.int() }),
    rules: z.strictObject({ version: z.int(), rules: ruleSetSchema }),
    priceHistory: z.array(pricePointSchema),
    queue: queueMeterSchema,
    liabilities: z.strictObject({
      roots: z.array(liabilityRootSchema).meta({ description: "the latest closes, newest first" }),
      custody: custodyStatementSchema.nullable(),
    }),
  })
  .meta({ id: "PublicView" });

export const ruleVersionSchema = z
  .strictObject({
    version: z.int(),
    rules: ruleSetSchema,
    seq: z.int().nullable(),
    createdAt: timeOut,
    createdBy: z.string(),
  })
  .meta({ id: "RuleVersion" });

export const rulesHistorySchema = z
  .strictObject({
    current: z.strictObject({
      version: z.int(),
      rules: ruleSetSchema,
      seq: z.int().nullable(),
      createdAt: timeOut.nullable(),
      createdBy: z.string().nullable(),
    }),
    versions: z.array(ruleVersionSchema),
  })
  .meta({ id: "RulesHistory" });

export const createdTenantSchema = z
  .strictObject({ tenant: z.string(), rules: ruleSetSchema })
  .meta({ id: "CreatedTenant" });

/** This node's writer leases (issue #15): which tenants it writes, under which fencing epoch. */
export const nodeStatusSchema = z
  .strictObject({
    id: z.string(),
    role: z.enum(["writer", "standby"]),
    ready: z.boolean(),
    databaseReachable: z.boolean(),
    leaseTtlMs: z.number().int(),
    leases: z.array(
      z.strictObject({
        tenant: z.string(),
        epoch: z.number().int(),
        writable: z.boolean(),
        renewedMsAgo: z.number().int(),
      }),
    ),
    elsewhere: z.array(
      z.strictObject({ tenant: z.string(), node: z.string(), address: z.string(), epoch: z.number().int() }),
    ),
  })
  .meta({ id: "NodeStatus" });

export const healthSchema = z
  .strictObject({ ok: z.literal(true), store: z.enum(["pglite", "postgres"]), node: nodeStatusSchema })
  .meta({ id: "Health" });

/** The answer of a command forwarded to the node holding its tenant: the ledger's SubmitResult. */
export const forwardedResultSchema = z
  .strictObject({
    ok: z.boolean(),
    rejection: z.string().optional(),
    message: z.string().optional(),
    outcome: z.record(z.string(), z.unknown()).optional(),
    rows: z.array(z.unknown()).optional(),
    seq: z.number().int().optional(),
  })
  .meta({ id: "ForwardedResult" });

export const merchantPageSchema = pageOf(merchantSummarySchema, "MerchantPage");
export const productPageSchema = pageOf(productSchema, "ProductPage");
export const orderPageSchema = pageOf(orderSchema, "OrderPage");
export const positionPageSchema = pageOf(positionSchema, "PositionPage");
export const withdrawalPageSchema = pageOf(withdrawalSchema, "WithdrawalPage");
export const operatorMemberPageSchema = pageOf(operatorMemberSchema, "OperatorMemberPage");
/** One bucket of a report: what happened in the tenant between its first and last local day. */
export const reportRowSchema = z
  .strictObject({
    period: z.iso
      .date()
      .meta({ description: "the bucket's first local day (a Monday for weeks, the 1st for months)" }),
    orders: z.int().meta({ description: "orders accepted (till sales, online orders paid)" }),
    orderAmount: moneyOut,
    refunds: z.int(),
    revenuePool: moneyOut.meta({
      description:
        "the orders' cash split to the pool (till orders when accepted, online orders when they settle); the three other parts likewise",
    }),
    revenueMerchants: moneyOut,
    revenueDistribution: moneyOut,
    revenuePlatform: moneyOut,
    poolIn: moneyOut.meta({
      description: "cash into the pool: orders' pool parts, financing toPool, merchants' tip purchases",
    }),
    poolOut: moneyOut.meta({
      description:
        "cash out of the pool (sells, exits, period resets, listing): pool in less the pool's change",
    }),
    poolEnd: moneyOut.nullable(),
    priceEnd: priceOut.nullable(),
    pointsIssued: pointsOut,
    pointsBurned: pointsOut,
    exits: z.int(),
    withdrawals: z.int(),
    withdrawalAmount: moneyOut,
    withdrawalsApproved: z.int(),
    newMembers: z.int(),
  })
  .meta({ id: "ReportRow" });

export const reportSchema = z
  .strictObject({
    timeZone: z.string(),
    unit: z.enum(["day", "week", "month"]),
    from: z.iso.date(),
    to: z.iso.date(),
    rows: z.array(reportRowSchema),
  })
  .meta({ id: "Report" });

export const saleSchema = z
  .strictObject({
    id: z.int().meta({ description: "the sale's audit number (newest first)" }),
    at: timeOut,
    member: z.string().nullable(),
    amount: moneyOut.nullable(),
    productId: z.string().nullable(),
    productName: z.string().nullable(),
    points: pointsOut.nullable().meta({ description: "points the order issued" }),
    cashier: z.string().meta({ description: "the account that recorded the sale" }),
  })
  .meta({ id: "Sale" });
export const salePageSchema = pageOf(saleSchema, "SalePage");

export const auditPageSchema = pageOf(auditEntrySchema, "AuditPage");
export const statementPageSchema = pageOf(statementEntrySchema, "StatementPage");

export const metricsSchema = z.string().meta({ id: "Metrics", description: "Prometheus text format" });

/** The contract's rule set is the engine's JSON form, field for field (checked at compile time). */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const ruleSetMatchesEngine: Same<z.infer<typeof ruleSetSchema>, RuleSetJson> = true;
void ruleSetMatchesEngine;

/** What the client does next to pay: open a URL, show a QR code, or call the WeChat JSAPI cashier. */
export const orderPaymentSchema = z
  .strictObject({
    order: orderSchema,
    action: z.strictObject({
      kind: z.enum(["redirect", "qr", "jsapi", "sandbox"]),
      url: z.string().optional(),
      codeUrl: z.string().optional(),
      jsapi: z
        .strictObject({
          appId: z.string(),
          timeStamp: z.string(),
          nonceStr: z.string(),
          package: z.string(),
          signType: z.literal("RSA"),
          paySign: z.string(),
        })
        .optional(),
    }),
  })
  .meta({ id: "OrderPayment" });

/** Alipay stops re-sending only on the exact text `success`. */
export const alipayNotificationAnswerSchema = z
  .enum(["success", "fail"])
  .meta({ id: "AlipayNotificationAnswer" });

export const orderPaymentStateSchema = z
  .strictObject({
    order: orderSchema,
    /** True once the order no longer waits for its payment (paid, settled or refunded). */
    paid: z.boolean(),
    attempt: z.strictObject({ provider: z.enum(["wechat", "alipay"]), method: z.string() }).nullable(),
    refund: z
      .strictObject({
        provider: z.enum(["wechat", "alipay"]),
        state: z.enum(["pending", "succeeded", "failed"]),
      })
      .nullable(),
  })
  .meta({ id: "OrderPaymentState" });

export const notificationAnswerSchema = z
  .strictObject({ ok: z.literal(true) })
  .meta({ id: "NotificationAnswer" });
/** A figure across Monte Carlo runs (null when no run had it). */
const quantilesOut = z.strictObject({
  p10: z.number().nullable(),
  p50: z.number().nullable(),
  p90: z.number().nullable(),
});
/** A daily series across runs: index = day of the preview (0 = today's close plus one day). */
const bandOut = z.strictObject({
  p10: z.array(z.number()),
  p50: z.array(z.number()),
  p90: z.array(z.number()),
});

/** Members whose first order fell in one month (30 days) of the preview, across runs. */
export const previewCohortSchema = z
  .strictObject({
    startDay: z.int(),
    endDay: z.int(),
    members: z.number(),
    exitedShare: quantilesOut.meta({ description: "share whose first position reached its forced exit" }),
    daysToExitMedian: z.number().nullable(),
    waiting180Share: quantilesOut
      .nullable()
      .meta({ description: "share still waiting 180 days after joining" }),
    waiting365Share: quantilesOut
      .nullable()
      .meta({ description: "share still waiting 365 days after joining" }),
    cashPaid: quantilesOut.meta({ description: "yuan the cohort paid" }),
    cashReceived: quantilesOut.meta({ description: "yuan the engine paid the cohort" }),
  })
  .meta({ id: "PreviewCohort" });

/** One side of a rule-change preview: the same demand under one rule set. */
export const previewSideSchema = z
  .strictObject({
    rules: ruleSetSchema,
    bands: z.strictObject({
      price: bandOut,
      pool: bandOut,
      members: bandOut,
      backToMembers: bandOut,
      exits: bandOut,
    }),
    cohorts: z.array(previewCohortSchema),
    startExited: quantilesOut.meta({ description: "today's open positions force-exited within the horizon" }),
    lossShare: quantilesOut.meta({ description: "share of new members paid back less cash than they paid" }),
    orders: quantilesOut,
    invariantsBroken: z.int().meta({ description: "runs whose end state broke an engine invariant (0)" }),
  })
  .meta({ id: "PreviewSide" });

/** The demand a preview runs under, fitted from the tenant's own last days. */
export const fittedDemandSchema = z
  .strictObject({
    windowDays: z.int(),
    ordersPerDay: z.number(),
    trendPerDay: z
      .number()
      .meta({ description: "relative change of orders per day, per day (least squares on log)" }),
    newMembersPerDay: z.number(),
    activeMembers: z.int().meta({ description: "members who ordered in the window; they order again" }),
    meanDaysBetweenOrders: z.number().nullable(),
    amountMedian: moneyOut,
    amountSigma: z.number(),
    amountMin: moneyOut,
    amountMax: moneyOut,
    sellerShare: z.number(),
    sellRatePerDay: z.number(),
  })
  .meta({ id: "FittedDemand" });

export const RULE_PREVIEW_STATUSES = ["running", "done", "failed"] as const;

/** A rule-change preview: a job polled until done; both sides side by side. */
export const ruleChangePreviewSchema = z
  .strictObject({
    id: z.string(),
    status: z.enum(RULE_PREVIEW_STATUSES),
    progress: z.number().min(0).max(1),
    horizonDays: z.int(),
    runs: z.int(),
    seed: z.int(),
    createdAt: timeOut,
    demand: fittedDemandSchema,
    start: z.strictObject({
      day: z.int(),
      price: priceOut,
      pool: moneyOut,
      supply: pointsOut,
      openPositions: z.int(),
    }),
    current: previewSideSchema.nullable(),
    proposed: previewSideSchema.nullable(),
    seconds: z.number().nullable().meta({ description: "wall-clock seconds the runs took (when done)" }),
  })
  .meta({ id: "RuleChangePreview" });

// ---------------------------------------------------------------- task L: top-ups, tips, reconciliation

export const prepaidTopUpItemSchema = z
  .strictObject({
    reference: z.string(),
    method: z.enum(["wechat_native", "alipay_page"]),
    amount: moneyOut,
    status: z.enum(["pending", "credited"]),
    createdAt: timeOut,
  })
  .meta({ id: "PrepaidTopUpItem" });

export const prepaidTopUpPaymentSchema = z
  .strictObject({
    topUp: prepaidTopUpItemSchema,
    action: z.strictObject({
      kind: z.enum(["qr", "redirect"]),
      codeUrl: z.string().optional(),
      url: z.string().optional(),
    }),
  })
  .meta({ id: "PrepaidTopUpPayment" });

export const prepaidTopUpListSchema = z
  .strictObject({ items: z.array(prepaidTopUpItemSchema) })
  .meta({ id: "PrepaidTopUpList" });

export const merchantTipBuyOutcomeSchema = z
  .strictObject({
    ok: z.literal(true),
    points: pointsOut.nullable(),
    tipPoints: pointsOut,
    prepaid: moneyOut,
  })
  .meta({ id: "MerchantTipBuyOutcome" });

export const MISMATCH_KINDS = [
  "missing_in_ledger",
  "missing_at_provider",
  "amount_differs",
  "status_differs",
] as const;

export const providerReconciliationListSchema = z
  .strictObject({
    items: z.array(
      z.strictObject({
        date: z.iso.date(),
        provider: z.enum(["wechat", "alipay"]),
        status: z.enum(["matched", "mismatched", "unavailable"]),
        providerLines: z.int(),
        ledgerLines: z.int(),
        detail: z.string(),
        ranAt: timeOut,
        mismatches: z.array(
          z.strictObject({
            kind: z.enum(MISMATCH_KINDS),
            source: z.string(),
            lineKind: z.enum(["payment", "refund", "payout"]),
            reference: z.string(),
            ledgerAmount: moneyOut.nullable(),
            providerAmount: moneyOut.nullable(),
            ledgerState: z.string().nullable(),
            providerState: z.string().nullable(),
          }),
        ),
      }),
    ),
  })
  .meta({ id: "ProviderReconciliationList" });

// Sign-in without a typed tenant, WeChat sign-in and phone binding (issue 12 item 5, issue 13 item 6).
export const signInOptionsSchema = z
  .strictObject({
    tenant: z
      .string()
      .nullable()
      .meta({ description: "the tenant of this address, or null (then it is asked for)" }),
    wechat: z.boolean().meta({ description: "the tenant has set up WeChat sign-in for the H5" }),
  })
  .meta({ id: "SignInOptions" });

const wechatAppView = z.strictObject({ appid: z.string(), updatedAt: timeOut }).nullable();
export const signInSettingsSchema = z
  .strictObject({
    secretsKeyConfigured: z.boolean(),
    domain: z.string().nullable(),
    official: wechatAppView,
    mini: wechatAppView,
  })
  .meta({ id: "SignInSettings" });

export const wechatAuthorizationSchema = z
  .strictObject({
    url: z.string().meta({ description: "WeChat's authorize page: send the browser there" }),
    expiresInSeconds: z.int(),
  })
  .meta({ id: "WechatAuthorization" });

export const wechatSessionSchema = z
  .strictObject({
    token: z.string(),
    user: userSchema,
    created: z.boolean().meta({ description: "a member account was made for a WeChat user seen first" }),
  })
  .meta({ id: "WechatSession" });

export const accountSecuritySchema = z
  .strictObject({
    hasPassword: z.boolean(),
    wechat: z
      .strictObject({ app: z.enum(["official", "mini"]), nickname: z.string().nullable(), linkedAt: timeOut })
      .nullable(),
    phone: z.strictObject({ masked: z.string(), boundAt: timeOut }).nullable(),
  })
  .meta({ id: "AccountSecurity" });

export const phoneCodeSentSchema = z.strictObject({ expiresAt: timeOut }).meta({ id: "PhoneCodeSent" });

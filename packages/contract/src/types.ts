/**
 * TypeScript types of every request and response body, inferred from the schemas: the web client
 * imports these instead of writing its own. Requests are what a client sends (`z.input`), responses
 * what it receives (`z.output`).
 */
import type { z } from "zod";
import type * as request from "./requests.js";
import type * as view from "./views.js";

export type Role = z.output<typeof view.roleSchema>;
export type User = z.output<typeof view.userSchema>;
export type Session = z.output<typeof view.sessionSchema>;
export type WhoAmI = z.output<typeof view.whoAmISchema>;
export type SessionInfo = z.output<typeof view.sessionInfoSchema>;
export type SessionList = z.output<typeof view.sessionListSchema>;
export type PasswordChanged = z.output<typeof view.passwordChangedSchema>;
export type SessionsRevoked = z.output<typeof view.sessionsRevokedSchema>;
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}
export type Split = z.output<typeof view.splitSchema>;
export type Tier = z.output<typeof view.tierSchema>;
export type ReleaseMode = z.output<typeof view.releaseModeSchema>;
export type RuleSet = z.output<typeof view.ruleSetSchema>;
export type RuleVersion = z.output<typeof view.ruleVersionSchema>;
export type RulesHistory = z.output<typeof view.rulesHistorySchema>;
export type CreatedTenant = z.output<typeof view.createdTenantSchema>;
export type Product = z.output<typeof view.productSchema>;
export type OrderStatus = z.output<typeof view.orderStatusSchema>;
export type Order = z.output<typeof view.orderSchema>;
export type PaymentCallbackAnswer = z.output<typeof view.paymentCallbackAnswerSchema>;
export type SaleOutcome = z.output<typeof view.saleOutcomeSchema>;
export type SaleVoidOutcome = z.output<typeof view.saleVoidOutcomeSchema>;
export type PaymentCode = z.output<typeof view.paymentCodeSchema>;
export type MerchantPrepaid = z.output<typeof view.merchantPrepaidSchema>;
export type PrepaidTopUp = z.output<typeof view.prepaidTopUpSchema>;
export type Position = z.output<typeof view.positionSchema>;
export type PositionStatus = Position["status"];
export type MemberSummary = z.output<typeof view.memberSummarySchema>;
export type SellOutcome = z.output<typeof view.sellOutcomeSchema>;
export type SellPreview = z.output<typeof view.sellPreviewSchema>;
export type PayWithPointsOutcome = z.output<typeof view.payWithPointsOutcomeSchema>;
export type Release = z.output<typeof view.releaseSchema>;
export type Withdrawal = z.output<typeof view.withdrawalSchema>;
export type WithdrawalStatus = Withdrawal["status"];
export type MerchantSummary = z.output<typeof view.merchantSummarySchema>;
export type CreatedMerchant = z.output<typeof view.createdMerchantSchema>;
export type MerchantSettlement = z.output<typeof view.merchantSettlementSchema>;
export type Accounts = z.output<typeof view.accountsSchema>;
export type Overview = z.output<typeof view.overviewSchema>;
export type OperatorMember = z.output<typeof view.operatorMemberSchema>;
export type FinancingOutcome = z.output<typeof view.financingOutcomeSchema>;
export type Ok = z.output<typeof view.okSchema>;
export type CoinImport = z.output<typeof view.coinImportSchema>;
export type TipBuyOutcome = z.output<typeof view.tipBuyOutcomeSchema>;
export type TipOutcome = z.output<typeof view.tipOutcomeSchema>;
export type PauseState = z.output<typeof view.pauseStateSchema>;
export type CloseDayOutcome = z.output<typeof view.closeDayOutcomeSchema>;
export type ActionPreview = z.output<typeof view.actionPreviewSchema>;
export type WithdrawalDecisionsOutcome = z.output<typeof view.withdrawalDecisionsOutcomeSchema>;
export type Calendar = z.output<typeof view.calendarSchema>;
export type StatementEntry = z.output<typeof view.statementEntrySchema>;
export type StatementAccountName = (typeof request.STATEMENT_ACCOUNTS)[number];
export type Reconciliation = z.output<typeof view.reconciliationSchema>;
export type AuditEntry = z.output<typeof view.auditEntrySchema>;
export type MemberDetail = z.output<typeof view.memberDetailSchema>;
export type UpdateMemberRequest = z.input<typeof request.updateMemberRequest>;
export type PasswordResetIssued = z.output<typeof view.passwordResetIssuedSchema>;
export type Sale = z.output<typeof view.saleSchema>;
export type Report = z.output<typeof view.reportSchema>;
export type ReportRow = z.output<typeof view.reportRowSchema>;
export type ReportUnit = z.output<typeof view.reportSchema>["unit"];
export type PricePoint = z.output<typeof view.pricePointSchema>;
export type PublicView = z.output<typeof view.publicViewSchema>;
export type QueueMeterView = z.output<typeof view.queueMeterSchema>;
export type LiabilityRoot = z.output<typeof view.liabilityRootSchema>;
export type LiabilityProof = z.output<typeof view.liabilityProofSchema>;
export type CustodyStatement = z.output<typeof view.custodyStatementSchema>;
export type CustodyStatementRequest = z.input<typeof request.custodyStatementRequest>;
export type WithdrawalDecisionsRequest = z.input<typeof request.withdrawalDecisionsRequest>;
export type Health = z.output<typeof view.healthSchema>;
export type NodeStatus = z.output<typeof view.nodeStatusSchema>;

export type LoginRequest = z.input<typeof request.loginRequest>;
export type RegisterRequest = z.input<typeof request.registerRequest>;
export type ChangePasswordRequest = z.input<typeof request.changePasswordRequest>;
export type CreateTenantRequest = z.input<typeof request.createTenantRequest>;
export type PublishRulesRequest = z.input<typeof request.publishRulesRequest>;
export type CreateMerchantRequest = z.input<typeof request.createMerchantRequest>;
export type CreateProductRequest = z.input<typeof request.createProductRequest>;
export type UpdateProductRequest = z.input<typeof request.updateProductRequest>;
export type CreateOrderRequest = z.input<typeof request.createOrderRequest>;
export type PaymentCallback = z.input<typeof request.paymentCallbackRequest>;
export type SaleRequest = z.input<typeof request.saleRequest>;
export type PrepaidCreditRequest = z.input<typeof request.prepaidCreditRequest>;
export type SplitBoundsRequest = z.input<typeof request.splitBoundsRequest>;
export type SellRequest = z.input<typeof request.sellRequest>;
export type PayWithPointsRequest = z.input<typeof request.payWithPointsRequest>;
export type WithdrawalRequest = z.input<typeof request.withdrawalRequest>;
export type FinancingRequest = z.input<typeof request.financingRequest>;
export type ListingRequest = z.input<typeof request.listingRequest>;
export type CoinImportRequest = z.input<typeof request.coinImportRequest>;
export type TipBuyRequest = z.input<typeof request.tipBuyRequest>;
export type TipRequest = z.input<typeof request.tipRequest>;
export type PauseRequest = z.input<typeof request.pauseRequest>;
export type CloseDayRequest = z.input<typeof request.closeDayRequest>;
export type ReconciliationRequest = z.input<typeof request.reconciliationRequest>;
export type FittedDemand = z.output<typeof view.fittedDemandSchema>;
export type PreviewSide = z.output<typeof view.previewSideSchema>;
export type PreviewCohort = z.output<typeof view.previewCohortSchema>;
export type RuleChangePreview = z.output<typeof view.ruleChangePreviewSchema>;
export type PreviewRuleChangeRequest = z.input<typeof request.previewRuleChangeRequest>;

// Paying through WeChat Pay / Alipay (issue 12): the checkout, the waiting page, the operator's settings.
export type RequestOrderPaymentRequest = z.input<typeof request.requestOrderPaymentRequest>;
export type ProviderPaymentMethod = RequestOrderPaymentRequest["method"];
export type OrderPayment = z.output<typeof view.orderPaymentSchema>;
export type OrderPaymentState = z.output<typeof view.orderPaymentStateSchema>;
export type PaymentSettings = z.output<typeof view.paymentSettingsSchema>;
export type SetWechatPaySettingsRequest = z.input<typeof request.setWechatPaySettingsRequest>;
export type SetAlipaySettingsRequest = z.input<typeof request.setAlipaySettingsRequest>;

// Merchant top-ups, funded tip buys and provider reconciliation (issue 12, issue 13).
export type PrepaidTopUpItem = z.output<typeof view.prepaidTopUpItemSchema>;
export type PrepaidTopUpPayment = z.output<typeof view.prepaidTopUpPaymentSchema>;
export type PrepaidTopUpList = z.output<typeof view.prepaidTopUpListSchema>;
export type MerchantTipBuyOutcome = z.output<typeof view.merchantTipBuyOutcomeSchema>;
export type ProviderReconciliationList = z.output<typeof view.providerReconciliationListSchema>;

// Sign-in without a typed tenant, WeChat sign-in and phone binding (issue 12 item 5, issue 13 item 6).
export type SignInOptions = z.output<typeof view.signInOptionsSchema>;
export type SignInSettings = z.output<typeof view.signInSettingsSchema>;
export type WechatAuthorization = z.output<typeof view.wechatAuthorizationSchema>;
export type WechatSession = z.output<typeof view.wechatSessionSchema>;
export type AccountSecurityView = z.output<typeof view.accountSecuritySchema>;
export type PhoneCodeSent = z.output<typeof view.phoneCodeSentSchema>;

export * from "./decimal.js";
export * from "./rules.js";
export * from "./types.js";
export * from "./engine.js";
export * from "./limits.js";
export * from "./commands.js";
export * from "./state.js";
export * from "./invariants.js";
export * from "./replay.js";
export * from "./result-json.js";
export * from "./snapshot.js";
export * from "./sha256.js";
export * from "./merkle-sum.js";
export {
  PREVIEW_LIST_MAX,
  type ActionPreview,
  type PreviewCredit,
  type PreviewExit,
  type PreviewFigures,
} from "./preview.js";
export { STATE_DIGEST_PATTERN } from "./state-digest.js";
export { DEFAULT_SPLIT_BOUNDS, type SplitBounds, splitOutsideBounds } from "./prepaid.js";
export { QUEUE_AGE_DAYS, type QueueMeter, daysAtInflow, poolInflow } from "./queue-meter.js";
export type {
  Custody,
  MemberLiability,
  EngineView,
  MemberPage,
  MemberView,
  OnlineOrderView,
  TillSaleView,
  WithdrawalPage,
  WithdrawalStatus,
  WithdrawalView,
} from "./view.js";
export * from "./statement.js";

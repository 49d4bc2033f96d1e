/**
 * @zengzhi/server: the HTTP service. `buildApp` for in-process use (tests, bench), `startServer`
 * for `zengzhi start` (opens the ledger, applies migrations, seeds the demo tenant, listens).
 */
export { buildApp, type App, type AppOptions } from "./http/app.js";
export { startServer, type StartOptions, type RunningServer } from "./server.js";
export { type HardeningOptions, hardeningFromEnv } from "./http/hardening.js";
export { seedDemo, DEMO_LOGINS } from "./seed.js";
export { SandboxProvider, type PaymentProvider, type PaymentCallback } from "./domain/payments.js";
export { LIMITS } from "./limits.js";
export {
  DEFAULT_SECURITY,
  SECURITY_ENV,
  SettingError,
  securityFromEnv,
  type SecuritySettings,
  type TrustProxy,
} from "./settings.js";
export {
  loadPaymentProvider,
  resealPaymentSettings,
  PRODUCTION_ENDPOINTS,
} from "./domain/payment-settings.js";
export { parseKeyRing, type KeyRing, type KeyRingProblem } from "./domain/secrets.js";
export { resealWechatApps } from "./domain/sign-in-settings.js";
export { wechatOpenidOf } from "./domain/wechat-sign-in.js";

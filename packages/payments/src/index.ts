// @zengzhi/payments: payment providers behind one interface (see provider.ts).
export * from "./provider.js";
export * from "./amount.js";
export * from "./settlement.js";
export { WechatPayProvider, type WechatPayOptions } from "./wechat/provider.js";
export { WechatPayClient, type WechatPayCredentials } from "./wechat/client.js";
export { parseTradeBill, TRADE_BILL_HEADER } from "./wechat/bill.js";
export * as wechatCrypto from "./wechat/crypto.js";
export { AlipayProvider, type AlipayCredentials } from "./alipay/provider.js";
export { epochOfBeijingTime } from "./alipay/notification.js";
export { SandboxProvider } from "./sandbox/provider.js";
export {
  WECHAT_SIGN_IN_ENDPOINTS,
  codeToSession,
  exchangeOAuthCode,
  fetchUserInfo,
  wechatAuthorizeUrl,
  type WechatAnswer,
  type WechatAppCredentials,
  type WechatScope,
  type WechatSignInEndpoints,
} from "./wechat/sign-in.js";

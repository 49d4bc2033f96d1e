// @zengzhi/payments/testing: local fakes of WeChat Pay and Alipay, real HTTP on 127.0.0.1.
export { WechatPayFake, type WechatFakeOptions } from "./wechat-fake.js";
export { AlipayFake, alipaySignContent, beijingTimeOf } from "./alipay-fake.js";
export { serve, deliver, type FakeRequest, type FakeAnswer, type RunningServer } from "./http.js";
export { MemoryMerchant, type ReceivedNotification } from "./receiver.js";
export { WechatSignInFake, WECHAT_ERRORS, type FakeWechatUser } from "./wechat-sign-in-fake.js";

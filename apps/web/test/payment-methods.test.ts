// Which payment methods the checkout offers where: WeChat's browser, a phone elsewhere, a desktop.
import { describe, expect, it } from "vitest";
import { paymentMethodsFor, paymentPlaceOf } from "../src/lib/payment-methods.js";

const WECHAT_IOS =
  "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.49(0x18003137) NetType/WIFI Language/zh_CN";
const WECHAT_WINDOWS =
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/81.0.4044.138 Safari/537.36 NetType/WIFI MicroMessenger/7.0.20.1781(0x6700143B) WindowsWechat(0x63090a13)";
const ANDROID_CHROME =
  "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36";
const DESKTOP_CHROME =
  "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36";

describe("the checkout's payment methods", () => {
  it.each([
    [WECHAT_IOS, 390, "wechat", ["wechat_jsapi"]],
    [WECHAT_WINDOWS, 1280, "wechat", ["wechat_jsapi"]],
    [ANDROID_CHROME, 412, "phone", ["alipay_wap", "wechat_h5"]],
    [DESKTOP_CHROME, 375, "phone", ["alipay_wap", "wechat_h5"]],
    [DESKTOP_CHROME, 767, "phone", ["alipay_wap", "wechat_h5"]],
    [DESKTOP_CHROME, 768, "desktop", ["wechat_native", "alipay_qr"]],
  ] as const)("%#: %s at %i px is %s", (agent, width, place, methods) => {
    expect(paymentPlaceOf(agent, width)).toBe(place);
    expect(paymentMethodsFor(place)).toEqual(methods);
  });
});

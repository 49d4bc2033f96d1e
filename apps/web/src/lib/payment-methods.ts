/**
 * Which payment methods the checkout offers where (issue 12): inside WeChat (its browser says
 * MicroMessenger) WeChat Pay JSAPI; on a phone elsewhere Alipay's wap cashier or WeChat Pay H5;
 * on a desktop a QR code to scan with the phone (WeChat Pay Native, Alipay precreate).
 */
import type { ProviderPaymentMethod } from "./api.js";

export type PaymentPlace = "wechat" | "phone" | "desktop";

/** Where the page runs, from the browser's user agent and its width in CSS pixels. */
export function paymentPlaceOf(userAgent: string, width: number): PaymentPlace {
  if (/MicroMessenger/i.test(userAgent)) return "wechat";
  if (/Android|iPhone|iPad|iPod|Mobile|HarmonyOS/i.test(userAgent) || width < 768) return "phone";
  return "desktop";
}

const METHODS: Record<PaymentPlace, readonly ProviderPaymentMethod[]> = {
  wechat: ["wechat_jsapi"],
  phone: ["alipay_wap", "wechat_h5"],
  desktop: ["wechat_native", "alipay_qr"],
};

export const paymentMethodsFor = (place: PaymentPlace): readonly ProviderPaymentMethod[] => METHODS[place];

export function currentPaymentPlace(): PaymentPlace {
  return paymentPlaceOf(navigator.userAgent, window.innerWidth);
}

/**
 * The tenant's configured WeChat Pay or Alipay client (credentials opened from the sealed settings,
 * the endpoint overridden in tests), or a 409 payment_method_unavailable when it is not set up.
 */
import type { PaymentProvider } from "@zengzhi/payments";
import { ApiError } from "./errors.js";
import { loadPaymentProvider, type ProviderName } from "./payment-settings.js";
import type { Services } from "./services.js";

export const unavailable = () =>
  new ApiError(
    409,
    "payment_method_unavailable",
    "this payment method is not set up for this scheme",
    "method",
  );

export async function providerFor(
  services: Services,
  tenant: string,
  name: ProviderName,
): Promise<PaymentProvider> {
  const endpoint = services.paymentEndpoints[name];
  const provider = await loadPaymentProvider(services, tenant, {
    provider: name,
    ...(endpoint ? { endpoint } : {}),
  });
  if (provider === undefined) throw unavailable();
  return provider;
}

/** Where a provider posts its notifications for this tenant (payments and WeChat refunds alike). */
export const notifyUrlOf = (services: Services, tenant: string, name: ProviderName) =>
  `${services.publicUrl}/api/payments/${name}/${tenant}/notify`;

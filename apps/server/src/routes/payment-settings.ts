/** The operator's payment settings: read (hints only) and store sealed credentials per provider. */
import { OPERATIONS } from "@zengzhi/contract";
import type { FastifyInstance } from "fastify";
import { getPaymentSettings, setAlipaySettings, setWechatPaySettings } from "../domain/payment-settings.js";
import type { Services } from "../domain/services.js";
import { route } from "../http/route.js";

export function paymentSettingsRoutes(app: FastifyInstance, services: Services): void {
  route(app, OPERATIONS.getPaymentSettings, ({ session }) => getPaymentSettings(services, session));
  route(app, OPERATIONS.setWechatPaySettings, ({ session, body }) =>
    setWechatPaySettings(services, session, body),
  );
  route(app, OPERATIONS.setAlipaySettings, ({ session, body }) => setAlipaySettings(services, session, body));
}

/** The member's payout account (/api/me/payout-account): read masked, or replace. */
import { OPERATIONS } from "@zengzhi/contract";
import type { FastifyInstance } from "fastify";
import { getPayoutAccount, setPayoutAccount } from "../domain/payout-accounts.js";
import type { Services } from "../domain/services.js";
import { route } from "../http/route.js";

export function payoutAccountRoutes(app: FastifyInstance, services: Services): void {
  route(app, OPERATIONS.getPayoutAccount, ({ session }) => getPayoutAccount(services, session));
  route(app, OPERATIONS.setPayoutAccount, ({ session, body }) => setPayoutAccount(services, session, body));
}

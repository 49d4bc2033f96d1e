/** Provider reconciliation: the operator runs a date's match on demand and reads the results. */
import { OPERATIONS } from "@zengzhi/contract";
import type { FastifyInstance } from "fastify";
import { listProviderReconciliations, reconcileProvidersNow } from "../domain/provider-reconciliation.js";
import type { Services } from "../domain/services.js";
import { route } from "../http/route.js";

export function providerReconciliationRoutes(app: FastifyInstance, services: Services): void {
  route(app, OPERATIONS.reconcileProviders, ({ session, body }) =>
    reconcileProvidersNow(services, session, { date: body.date }),
  );
  route(app, OPERATIONS.listProviderReconciliations, ({ session }) =>
    listProviderReconciliations(services, session.tenant),
  );
}

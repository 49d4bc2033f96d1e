/** The operator's withdrawal queue and its decisions. */
import { OPERATIONS } from "@zengzhi/contract";
import type { FastifyInstance } from "fastify";
import type { Services } from "../domain/services.js";
import {
  decideWithdrawal,
  decideWithdrawals,
  listWithdrawals,
  withdrawalWithPayout,
} from "../domain/withdrawals.js";
import { markManualPayout, reconcilePayout } from "../domain/payouts.js";
import { requestKey } from "../http/request-key.js";
import { intParam, route } from "../http/route.js";

export function withdrawalRoutes(app: FastifyInstance, services: Services): void {
  route(app, OPERATIONS.listWithdrawals, ({ session, query }) => listWithdrawals(services, session, query));

  route(app, OPERATIONS.recordWithdrawalDecisions, ({ session, body, request }) =>
    decideWithdrawals(
      services,
      { session, keyOf: (index) => requestKey(request, session, `withdrawal-decisions:${index}`) },
      body,
    ),
  );

  for (const decision of ["approve", "reject"] as const) {
    const operation = decision === "approve" ? OPERATIONS.approveWithdrawal : OPERATIONS.rejectWithdrawal;
    route(app, operation, ({ session, params, request }) => {
      const withdrawal = intParam(params.id, "withdrawal");
      const key = requestKey(request, session, `withdrawal-${decision}:${withdrawal}`);
      return decideWithdrawal(services, { session, key, withdrawal }, decision);
    });
  }

  route(app, OPERATIONS.reconcilePayout, async ({ session, params }) => {
    const withdrawal = intParam(params.id, "withdrawal");
    await reconcilePayout(services, session.tenant, withdrawal);
    return withdrawalWithPayout(services, session.tenant, withdrawal);
  });

  route(app, OPERATIONS.markPayoutPaid, async ({ session, params, body }) => {
    const withdrawal = intParam(params.id, "withdrawal");
    await markManualPayout(
      services,
      { actor: session, withdrawal },
      { paid: true, reference: body.reference },
    );
    return withdrawalWithPayout(services, session.tenant, withdrawal);
  });

  route(app, OPERATIONS.markPayoutFailed, async ({ session, params, body }) => {
    const withdrawal = intParam(params.id, "withdrawal");
    await markManualPayout(services, { actor: session, withdrawal }, { paid: false, reason: body.reason });
    return withdrawalWithPayout(services, session.tenant, withdrawal);
  });
}

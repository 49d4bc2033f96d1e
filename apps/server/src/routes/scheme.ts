/** Running the scheme: the pause switch, closing the day, reconciliation. */
import { OPERATIONS } from "@zengzhi/contract";
import type { FastifyInstance } from "fastify";
import { recordCustodyStatement } from "../domain/liabilities.js";
import { readCalendar, setTimeZone } from "../domain/day-close.js";
import { closeDay, reconcile, setPause } from "../domain/scheme.js";
import type { Services } from "../domain/services.js";
import { requestKey } from "../http/request-key.js";
import { route } from "../http/route.js";

export function schemeRoutes(app: FastifyInstance, services: Services): void {
  // Setting the switch to a value is safe to repeat; the key is still required, as on every POST.
  route(app, OPERATIONS.setPause, ({ session, body }) => setPause(services, session, body.paused));

  route(app, OPERATIONS.closeDay, ({ session, body, request }) =>
    closeDay(services, { session, key: requestKey(request, session, "close-day") }, body),
  );

  route(app, OPERATIONS.getCalendar, ({ session }) => readCalendar(services, session.tenant));

  // Setting the zone to a value is safe to repeat.
  route(app, OPERATIONS.setTimeZone, ({ session, body }) => setTimeZone(services, session, body.timeZone));

  route(app, OPERATIONS.recordCustodyStatement, async ({ session, body, request, reply }) => {
    const answer = await recordCustodyStatement(
      services,
      { session, key: requestKey(request, session, "custody-statements") },
      body,
    );
    return reply.code(answer.status).send(answer.body);
  });

  route(app, OPERATIONS.reconcile, ({ session, body }) => reconcile(services, session, body));
}

/**
 * Webhooks and in-app messages end to end, on both stores: a real HTTP receiver on 127.0.0.1 that
 * fails the first attempts, signed deliveries retried with backoff until delivered, the delivery log,
 * redelivery, a bounded number of attempts, the outbox derived once from the journal, SSRF refusals,
 * and a member's inbox with its unread count.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { Ledger } from "@zengzhi/store";
import { deliverDue, relayAll } from "../domain/notifications.js";
import type { Services } from "../domain/services.js";
import { verifySignature } from "../domain/webhook-signature.js";
import { login, newKey, openTestApp, requests, STORES, type TestApp } from "../testing/helpers.js";

interface Received {
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  answered: number;
}

/** A receiver that answers 500 to the first `failures` attempts of each delivery, then 200. */
async function openReceiver(
  failures: number,
): Promise<{ server: Server; url: string; received: Received[] }> {
  const received: Received[] = [];
  const seen = new Map<string, number>();
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk: Buffer) => (body += chunk.toString()));
    req.on("end", () => {
      const path = req.url ?? "";
      const delivery = `${path} ${String(req.headers["zengzhi-delivery"])}`;
      const n = (seen.get(delivery) ?? 0) + 1;
      seen.set(delivery, n);
      const answered = path.startsWith("/always-fail") || n <= failures ? 500 : 200;
      received.push({ path, headers: req.headers, body, answered });
      res.writeHead(answered).end();
    });
  });
  await new Promise<void>((resolve) =>
    server.listen(41401 + Math.floor(Math.random() * 90), "127.0.0.1", resolve),
  );
  const { port } = server.address() as AddressInfo;
  return { server, url: `http://127.0.0.1:${port}`, received };
}

/** Runs the sender until nothing is pending (retries are due within the test's short backoff). */
async function deliverAll(t: TestApp): Promise<void> {
  for (let round = 0; round < 100; round++) {
    await deliverDue(t.services);
    const { rows } = await t.ledger.sql.query<{ n: string }>(
      "SELECT count(*) AS n FROM app_webhook_deliveries WHERE status = 'pending'",
    );
    if (Number(rows[0]!.n) === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error("deliveries still pending");
}

for (const store of STORES) {
  describe.runIf(store.available)(`webhooks and messages on ${store.kind}`, () => {
    let t: TestApp;
    let receiver: Awaited<ReturnType<typeof openReceiver>>;
    let operator: string;
    const { get, post } = requests(
      () => t.app,
      () => t.ledger,
    );
    beforeAll(async () => {
      vi.stubEnv("ZENGZHI_WEBHOOK_ALLOW_PRIVATE", "1");
      receiver = await openReceiver(2);
      t = await openTestApp(store.kind, { webhooks: { retryBaseMs: 10, retryCapMs: 40, attemptsMax: 4 } });
      operator = await login(t.app, "operator");
      // The seeded history is derived before any endpoint exists: it reaches members' inboxes only.
      await relayAll(t.services);
    });
    afterAll(async () => {
      vi.unstubAllEnvs();
      await t?.close();
      receiver?.server.close();
    });

    it("refuses URLs that are not http(s) or carry credentials, whatever the environment allows", async () => {
      for (const url of [
        "ftp://example.com/x",
        "file:///etc/passwd",
        "http://user:pw@example.com/",
        "not a url",
      ]) {
        const r = await post("/api/operator/webhooks", operator, { url, events: ["order.paid"] });
        expect([url, r.status, r.body.error.code]).toEqual([url, 422, "webhook_url_refused"]);
      }
    });

    it("signs, retries with backoff until delivered, logs every attempt and redelivers on request", async () => {
      const created = await post("/api/operator/webhooks", operator, {
        url: `${receiver.url}/hook`,
        events: ["order.paid", "points.issued", "scheme.paused", "withdrawal.paid", "withdrawal.approved"],
      });
      expect(created.status).toBe(201);
      const secret = created.body.secret as string;
      expect(secret).toMatch(/^whsec_/);
      expect((await get("/api/operator/webhooks", operator)).body.items[0]).not.toHaveProperty("secret");

      const teahouse = await login(t.app, "teahouse");
      expect((await post("/api/sales", teahouse, { member: "alice", amount: "12.50" })).status).toBe(201);
      expect((await post("/api/operator/pause", operator, { paused: true })).status).toBe(200);
      expect((await post("/api/operator/pause", operator, { paused: false })).status).toBe(200);
      await relayAll(t.services);
      await relayAll(t.services); // derived once: a second pass queues nothing
      await deliverAll(t);

      const delivered = receiver.received.filter((r) => r.answered === 200);
      const types = delivered.map((r) => (JSON.parse(r.body) as { type: string }).type).sort();
      expect(types).toEqual(["order.paid", "points.issued", "scheme.paused", "scheme.paused"]);
      // Every delivery failed twice before it got through.
      expect(receiver.received.filter((r) => r.answered === 500)).toHaveLength(8);
      for (const r of receiver.received) {
        const header = r.headers["zengzhi-signature"] as string;
        expect(
          verifySignature({ secret, header, body: r.body, nowSeconds: Math.floor(Date.now() / 1000) }),
        ).toBe(true);
        expect(
          verifySignature({
            secret: "whsec_other",
            header,
            body: r.body,
            nowSeconds: Math.floor(Date.now() / 1000),
          }),
        ).toBe(false);
        expect(
          verifySignature({ secret, header, body: r.body + " ", nowSeconds: Math.floor(Date.now() / 1000) }),
        ).toBe(false);
      }

      const log = (await get("/api/operator/webhook-deliveries", operator)).body.items as Record<
        string,
        unknown
      >[];
      expect(log).toHaveLength(4);
      expect(log.every((d) => d.status === "delivered" && d.lastStatusCode === 200)).toBe(true);
      expect(log.map((d) => d.attempts)).toEqual([3, 3, 3, 3]);

      const first = log[0]!;
      const again = await post(`/api/operator/webhook-deliveries/${first.id as string}/redeliver`, operator);
      expect([again.status, again.body.status, again.body.attempts]).toEqual([200, "pending", 0]);
      const before = receiver.received.length;
      await deliverAll(t);
      expect(receiver.received.length).toBe(before + 1);
      expect(receiver.received.at(-1)!.headers["zengzhi-delivery"]).toBe(first.eventId);
    });

    it("gives up after attemptsMax and shows the failure in the log", async () => {
      const created = await post("/api/operator/webhooks", operator, {
        url: `${receiver.url}/always-fail`,
        events: ["rules.changed"],
      });
      expect(created.status).toBe(201);
      expect((await post("/api/rules", operator, { rules: {} })).status).toBe(201);
      await relayAll(t.services);
      await deliverAll(t);
      const log = (await get("/api/operator/webhook-deliveries", operator)).body.items as Record<
        string,
        unknown
      >[];
      const failed = log.find((d) => d.event === "rules.changed")!;
      expect(failed).toMatchObject({
        status: "failed",
        attempts: 4,
        lastStatusCode: 500,
        nextAttemptAt: null,
      });
      expect(receiver.received.filter((r) => r.path === "/always-fail")).toHaveLength(4);
    });

    it("tells the member of a paid withdrawal in the inbox, with an unread count", async () => {
      const alice = await login(t.app, "alice");
      const inbox0 = await get("/api/me/messages", alice);
      // The seed approved one withdrawal of alice's: its message came from the history.
      expect(inbox0.body.items.map((m: { kind: string }) => m.kind)).toContain("withdrawal_paid");
      const asked = await post("/api/me/withdrawals", alice, { amount: "1.00" });
      expect(asked.status).toBe(201);
      expect(
        (await post(`/api/operator/withdrawals/${asked.body.id as number}/approve`, operator)).status,
      ).toBe(200);
      await relayAll(t.services);
      const inbox = await get("/api/me/messages", alice);
      expect(inbox.body.unread).toBe(inbox0.body.unread + 1);
      expect(inbox.body.items[0]).toMatchObject({
        kind: "withdrawal_paid",
        data: { withdrawal: String(asked.body.id), amount: "1.00" },
        read: false,
      });
      const read = await post("/api/me/messages/read", alice, { upTo: inbox.body.items[0].id }, newKey());
      expect(read.body.unread).toBe(0);
      // Another member sees none of alice's messages.
      const bob = await login(t.app, "bob");
      const bobs = (await get("/api/me/messages", bob)).body.items as { data: Record<string, string> }[];
      expect(bobs.some((m) => m.data.withdrawal === String(asked.body.id))).toBe(false);
    });

    it("relays only the tenants whose lease this node holds or nobody holds", async () => {
      const cursor = async () =>
        Number(
          (
            await t.ledger.sql.query<{ seq: string }>(
              "SELECT journal_seq::text AS seq FROM app_notify_cursor WHERE tenant_id = 'demo'",
            )
          ).rows[0]?.seq ?? 0,
        );
      await relayAll(t.services);
      const before = await cursor();
      expect((await t.ledger.submit("demo", newKey(), { type: "join", member: "relay-ivy" })).ok).toBe(true);
      // This node as another node holding demo's lease sees it.
      const held = { tenantId: "demo", nodeId: "other", address: "http://127.0.0.1:1", epoch: 9 };
      const ledger = {
        listTenants: () => t.ledger.listTenants(),
        status: () => ({ ...t.ledger.status(), leases: [], elsewhere: [held] }),
      } as unknown as Ledger;
      const elsewhere = Object.create(t.services) as Services;
      Object.defineProperty(elsewhere, "ledger", { value: ledger });
      await relayAll(elsewhere);
      expect(await cursor()).toBe(before);
      // The node that holds it (or any node, while nobody does) relays it.
      expect(t.ledger.status().elsewhere.some((lease) => lease.tenantId === "demo")).toBe(false);
      await relayAll(t.services);
      expect(await cursor()).toBe(before + 1);
    });
  });
}

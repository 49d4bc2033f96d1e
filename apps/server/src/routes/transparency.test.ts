/**
 * The public queue meter and the proof of liabilities end to end (issue 14): the figures of
 * /api/public against the engine, a close's root against the members' liabilities, a member's
 * inclusion proof verified (and a tampered one refused), custody statements, on both stores.
 */
import { verifyInclusion } from "@zengzhi/engine";
import { describe, expect, it } from "vitest";
import { newMember, STORES, useDemoSuite } from "../testing/helpers.js";

const yuan = (fen: bigint) => `${fen / 100n}.${String(fen % 100n).padStart(2, "0")}`;

for (const store of STORES) {
  describe.runIf(store.available)(`transparency on ${store.kind}`, () => {
    const { t, get, post, engine } = useDemoSuite(store.kind);

    it("publishes the queue meter the engine computes, next to the pool", async () => {
      const { status, body } = await get("/api/public");
      expect(status).toBe(200);
      const meter = await engine((e) => ({ ...e.queueMeter(), pool: e.pool }));
      expect(body.queue).toMatchObject({
        pool: yuan(meter.pool),
        cashToExit: yuan(meter.cashToExit),
        positions: meter.positions,
        exited: meter.exited,
        open: meter.open,
        queued: meter.queued,
      });
      expect(body.queue.waitingOver.map((w: { days: number }) => w.days)).toEqual([30, 90, 180, 365]);
      expect(meter.cashToExit).toBeGreaterThan(0n);
    });

    it("counts a close's pool inflow from the journal and divides the cash to exit by it", async () => {
      const before = await get("/api/public");
      // The demo's rule set sends 0.3 of an order to the pool (the default split).
      expect((await post("/api/sales", t.teahouse, { member: "bob", amount: "200.00" })).status).toBe(201);
      expect((await post("/api/operator/close-day", t.operator, { days: 1 })).status).toBe(200);
      const after = await get("/api/public");
      expect(after.status, JSON.stringify(after.body)).toBe(200);
      const added = Number(after.body.queue.inflow.amount) - Number(before.body.queue.inflow.amount);
      expect(added.toFixed(2)).toBe("60.00");
      const { inflow, cashToExit, daysAtInflow } = after.body.queue;
      const fen = (s: string) => BigInt(s.replace(".", ""));
      const expected = (fen(cashToExit) * BigInt(inflow.days) + fen(inflow.amount) - 1n) / fen(inflow.amount);
      expect(daysAtInflow).toBe(String(expected));
    });

    it("publishes each close's root and totals, equal to the members' liabilities", async () => {
      const { body } = await get("/api/public");
      const latest = body.liabilities.roots[0];
      const state = await engine((e) => ({ day: e.day, liabilities: e.liabilities() }));
      expect(latest.day).toBe(state.day);
      expect(latest.root).toMatch(/^[0-9a-f]{64}$/);
      expect(latest.members).toBe(state.liabilities.length);
      expect(latest.cash).toBe(yuan(state.liabilities.reduce((a, l) => a + l.cash, 0n)));
      // The seed closed a day too: history keeps both, newest first.
      expect(body.liabilities.roots.length).toBeGreaterThanOrEqual(2);
      expect(body.liabilities.roots[1].day).toBeLessThan(latest.day);
      expect(JSON.stringify(body.liabilities)).not.toContain("alice");
    });

    it("hands a member an inclusion proof that verifies against the published root", async () => {
      const root = (await get("/api/public")).body.liabilities.roots[0].root as string;
      const { status, body: proof } = await get("/api/me/liability-proof", t.alice);
      expect(status).toBe(200);
      const alice = await engine((e) => e.liabilities().find((l) => l.member === proof.member)!);
      expect(proof).toMatchObject({ cash: String(alice.cash), points: String(alice.points), tenant: "demo" });
      expect(verifyInclusion(proof, root)).toMatchObject({ ok: true, root });
      const tampered = { ...proof, cash: String(BigInt(proof.cash) + 100n) };
      expect(verifyInclusion(tampered, root)).toMatchObject({ ok: false, code: "proof_root_mismatch" });
      // Bob's proof leads to the same root; the salts differ.
      const bob = (await get("/api/me/liability-proof", t.bob)).body;
      expect(verifyInclusion(bob, root).ok).toBe(true);
      expect(bob.salt).not.toBe(proof.salt);
    });

    it("answers liabilities_not_published to a member who joined after the last close; operators get 403", async () => {
      const token = await newMember(t.app, `late${store.kind}`);
      const late = await get("/api/me/liability-proof", token);
      expect(late).toMatchObject({ status: 404, body: { error: { code: "liabilities_not_published" } } });
      expect((await get("/api/me/liability-proof", t.operator)).status).toBe(403);
    });

    it("lets the operator attach a custody statement the public page shows", async () => {
      const statement = { amount: "12345.67", date: "2026-12-02", reference: "ICBC escrow 0042" };
      expect((await post("/api/operator/custody-statements", t.alice, statement)).status).toBe(403);
      const bad = await post("/api/operator/custody-statements", t.operator, {
        ...statement,
        amount: "1.234",
      });
      expect(bad).toMatchObject({ status: 400, body: { error: { code: "too_precise" } } });
      const created = await post("/api/operator/custody-statements", t.operator, statement);
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject(statement);
      const { body } = await get("/api/public");
      expect(body.liabilities.custody).toMatchObject(statement);
    });
  });
}

/**
 * Payouts end to end on both stores, against the local Alipay fake (real RSA2 signatures): a member
 * sets a payout account, an approval pays it out once (a retried approval sends nothing), a failed
 * transfer returns the money once however often the failure is reported, a lost answer is settled by
 * a query without a second transfer, and a bank card is paid by hand. `zengzhi verify` passes after.
 * Then WeChat Pay's fake: the payee confirms (or the transfer fails) and WeChat's notification is
 * settled by a query, once however often it comes.
 */
import { randomBytes } from "node:crypto";
import { AlipayFake, WechatPayFake } from "@zengzhi/payments/testing";
import { verifyDatabase } from "@zengzhi/store";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { relayAll } from "../domain/notifications.js";
import { insertIdentity } from "../db/sign-in.js";
import { applyPayoutStatus, payoutReference } from "../domain/payouts.js";
import { call, login, newKey, openTestApp, requests, STORES, type TestApp } from "../testing/helpers.js";

for (const store of STORES) {
  describe.runIf(store.available)(`payouts through Alipay on ${store.kind}`, () => {
    let t: TestApp;
    let fake: AlipayFake;
    let operator: string;
    let alice: string;
    const { get, post, engine } = requests(
      () => t.app,
      () => t.ledger,
    );
    const put = async (url: string, token: string, body: unknown) => {
      const r = await call(t.app, "PUT", url, { token, body });
      return { status: r.statusCode, body: r.json() as Record<string, unknown> };
    };
    const walletOf = async (member: string) => engine((e) => e.member(member)!.wallet);
    const withdraw = async (amount: string) => {
      const asked = await post("/api/me/withdrawals", alice, { amount });
      expect(asked.status, JSON.stringify(asked.body)).toBe(201);
      return asked.body.id as number;
    };

    beforeAll(async () => {
      fake = await new AlipayFake().start();
      t = await openTestApp(store.kind, {
        secretsKey: `k1:${randomBytes(32).toString("base64")}`,
        paymentEndpoints: { alipay: `${fake.baseUrl}/gateway.do` },
      });
      [operator, alice] = [await login(t.app, "operator"), await login(t.app, "alice")];
      const c = fake.credentials();
      const stored = await post("/api/operator/payment-settings/alipay", operator, {
        appId: c.appId,
        appPrivateKey: c.appPrivateKey,
        alipayPublicKey: c.alipayPublicKey,
        sellerId: c.sellerId,
      });
      expect(stored.status).toBe(200);
    });
    afterAll(async () => {
      await t?.close();
      await fake?.stop();
    });

    it("refuses an approval while the member has no payout account, and writes nothing", async () => {
      const id = await withdraw("0.01");
      const before = await engine((e) => e.accounts);
      const refused = await post(`/api/operator/withdrawals/${id}/approve`, operator);
      expect(refused).toMatchObject({ status: 409, body: { error: { code: "payout_account_missing" } } });
      expect(await engine((e) => e.accounts)).toEqual(before);
      expect((await engine((e) => e.withdrawal(id)))?.status).toBe("pending");
      expect(fake.transferRequests).toEqual([]);
      expect((await post(`/api/operator/withdrawals/${id}/reject`, operator)).status).toBe(200);
    });

    it("validates the account with the contract and shows it masked", async () => {
      const bad = await put("/api/me/payout-account", alice, { kind: "alipay", logonId: "not an id" });
      expect(bad.status).toBe(400);
      const extra = await put("/api/me/payout-account", alice, {
        kind: "alipay",
        logonId: "alice@example.com",
        realName: "张丽",
        cardNumber: "6225880112345678",
      });
      expect(extra.status).toBe(400);
      // No WeChat sign-in linked: a WeChat account cannot be chosen.
      const wechat = await put("/api/me/payout-account", alice, { kind: "wechat" });
      expect(wechat).toMatchObject({ status: 409, body: { error: { code: "wechat_not_linked" } } });
      const set = await put("/api/me/payout-account", alice, {
        kind: "alipay",
        logonId: "alice@example.com",
        realName: "张丽",
      });
      expect(set).toMatchObject({
        status: 200,
        body: {
          account: { kind: "alipay", destination: "al***@example.com", holder: "张丽" },
          wechatLinked: false,
        },
      });
      expect(JSON.stringify((await get("/api/me/payout-account", alice)).body)).not.toContain("alice@");
    });

    it("pays an approved withdrawal once: approved → paid with Alipay's reference; a retry sends nothing", async () => {
      const wallet = await walletOf("alice");
      const id = await withdraw("0.25");
      const key = newKey();
      const approved = await post(`/api/operator/withdrawals/${id}/approve`, operator, undefined, key);
      const reference = payoutReference("demo", id);
      expect(approved).toMatchObject({
        status: 200,
        body: {
          status: "paid",
          payout: { channel: "alipay", state: "paid", destination: "al***@example.com", reference },
        },
      });
      expect(approved.body.payout.providerReference).toBe(fake.transfers.get(reference)?.order_id);
      expect(fake.transfers.get(reference)).toMatchObject({ trans_amount: "0.25", status: "SUCCESS" });
      const again = await post(`/api/operator/withdrawals/${id}/approve`, operator, undefined, key);
      expect(again.body).toEqual(approved.body);
      expect(fake.transferRequests.filter((r) => r === reference)).toHaveLength(1);
      expect(await walletOf("alice")).toBe(wallet - 25n);
      // The queue shows destination, state and the provider's reference.
      const queue = await get("/api/operator/withdrawals?status=paid", operator);
      expect(queue.body.items[0]).toMatchObject({ id, payout: approved.body.payout });
      // The member hears of it when the money arrived.
      await relayAll(t.services);
      const inbox = await get("/api/me/messages", alice);
      expect(inbox.body.items[0]).toMatchObject({
        kind: "withdrawal_paid",
        data: { withdrawal: String(id) },
      });
    });

    it("returns a failed payout's money to the wallet once, however often the failure is reported", async () => {
      await put("/api/me/payout-account", alice, {
        kind: "alipay",
        logonId: fake.failingPayee,
        realName: "张丽",
      });
      const wallet = await walletOf("alice");
      const id = await withdraw("0.30");
      expect(await walletOf("alice")).toBe(wallet - 30n);
      const approved = await post(`/api/operator/withdrawals/${id}/approve`, operator);
      expect(approved).toMatchObject({
        status: 200,
        body: { status: "returned", payout: { state: "failed" } },
      });
      expect(await walletOf("alice")).toBe(wallet);
      const accounts = await engine((e) => e.accounts);
      // The same failure reported again (a re-sent notification, a second query) changes nothing.
      for (let i = 0; i < 2; i++)
        await applyPayoutStatus(t.services, "demo", { withdrawal: id, state: "failed" });
      const queried = await post(`/api/operator/withdrawals/${id}/payout/query`, operator);
      expect(queried).toMatchObject({ status: 409, body: { error: { code: "payout_not_sending" } } });
      expect(await engine((e) => e.accounts)).toEqual(accounts);
      expect(await walletOf("alice")).toBe(wallet);
      await relayAll(t.services);
      const inbox = await get("/api/me/messages", alice);
      const returned = (inbox.body.items as { kind: string; data: { withdrawal: string } }[]).filter(
        (m) => m.data.withdrawal === String(id),
      );
      expect(returned.map((m) => m.kind)).toEqual(["withdrawal_rejected"]);
    });

    it("settles a transfer whose answer was lost by a query, without a second transfer", async () => {
      await put("/api/me/payout-account", alice, {
        kind: "alipay",
        logonId: "13812345678",
        realName: "张丽",
      });
      const wallet = await walletOf("alice");
      const id = await withdraw("0.40");
      fake.loseTransferAnswers = 1;
      const approved = await post(`/api/operator/withdrawals/${id}/approve`, operator);
      expect(approved).toMatchObject({
        status: 200,
        body: { status: "approved", payout: { state: "sending", destination: "138****5678" } },
      });
      const reference = payoutReference("demo", id);
      expect(fake.transfers.get(reference)?.status).toBe("SUCCESS");
      const queried = await post(`/api/operator/withdrawals/${id}/payout/query`, operator);
      expect(queried).toMatchObject({ status: 200, body: { status: "paid", payout: { state: "paid" } } });
      expect(fake.transferRequests.filter((r) => r === reference)).toHaveLength(1);
      expect(await walletOf("alice")).toBe(wallet - 40n);
    });

    it("pays a bank card by hand: the operator marks it paid, or failed with the money back once", async () => {
      const set = await put("/api/me/payout-account", alice, {
        kind: "bank",
        bank: "招商银行",
        cardNumber: "6225 8801 1234 5678",
        holder: "张丽",
      });
      expect(set.body).toMatchObject({
        account: { kind: "bank", destination: "招商银行 **** 5678", holder: "张丽" },
      });
      const wallet = await walletOf("alice");
      const [paid, failed] = [await withdraw("0.05"), await withdraw("0.06")];
      for (const id of [paid, failed]) {
        const approved = await post(`/api/operator/withdrawals/${id}/approve`, operator);
        expect(approved.body).toMatchObject({
          status: "approved",
          payout: { channel: "bank", state: "sending" },
        });
      }
      const marked = await post(`/api/operator/withdrawals/${paid}/payout/paid`, operator, {
        reference: "CMB-0001",
      });
      expect(marked.body).toMatchObject({
        status: "paid",
        payout: { state: "paid", providerReference: "CMB-0001" },
      });
      const twice = await post(`/api/operator/withdrawals/${paid}/payout/failed`, operator, {
        reason: "late",
      });
      expect(twice).toMatchObject({ status: 409, body: { error: { code: "payout_not_sending" } } });
      const back = await post(`/api/operator/withdrawals/${failed}/payout/failed`, operator, {
        reason: "户名不符",
      });
      expect(back.body).toMatchObject({
        status: "returned",
        payout: { state: "failed", failureReason: "户名不符" },
      });
      expect(await walletOf("alice")).toBe(wallet - 5n);
      expect(
        (await post(`/api/operator/withdrawals/${failed}/payout/failed`, operator, { reason: "x" })).status,
      ).toBe(409);
      expect(await walletOf("alice")).toBe(wallet - 5n);
    });

    it("leaves a ledger that `zengzhi verify` accepts", async () => {
      const report = await verifyDatabase(t.ledger.sql, t.ledger.kind);
      expect(report.tenants.flatMap((tenant) => tenant.problems)).toEqual([]);
      expect(report.ok).toBe(true);
    });
  });
}

const WECHAT_PORTS = { pglite: 41810, postgres: 41811 } as const;

for (const store of STORES) {
  describe.runIf(store.available)(`payouts through WeChat Pay on ${store.kind}`, () => {
    let t: TestApp;
    let fake: WechatPayFake;
    let operator: string;
    let alice: string;
    const { post, engine } = requests(
      () => t.app,
      () => t.ledger,
    );
    const publicUrl = `http://127.0.0.1:${WECHAT_PORTS[store.kind]}`;
    const walletOf = async () => engine((e) => e.member("alice")!.wallet);

    beforeAll(async () => {
      fake = await new WechatPayFake().start();
      t = await openTestApp(store.kind, {
        secretsKey: `k1:${randomBytes(32).toString("base64")}`,
        publicUrl,
        paymentEndpoints: { wechat: fake.baseUrl },
      });
      await t.app.listen({ port: WECHAT_PORTS[store.kind], host: "127.0.0.1" });
      [operator, alice] = [await login(t.app, "operator"), await login(t.app, "alice")];
      const c = fake.credentials();
      const [platformKeyId, platformPublicKey] = Object.entries(c.platformKeys)[0] ?? ["", ""];
      const stored = await post("/api/operator/payment-settings/wechat", operator, {
        mchid: c.mchid,
        appid: c.appid,
        merchantSerial: c.merchantSerial,
        merchantPrivateKey: c.merchantPrivateKey,
        apiV3Key: c.apiV3Key,
        platformKeyId,
        platformPublicKey,
      });
      expect(stored.status).toBe(200);
      // WeChat sign-in links the member's openid; the member never types it.
      const { rows } = await t.services.sql.query<{ user_id: string }>(
        "SELECT user_id FROM app_users WHERE tenant_id = 'demo' AND member_id = 'alice'",
      );
      await insertIdentity(t.services.sql, {
        tenant: "demo",
        user_id: rows[0]!.user_id,
        app: "official",
        appid: c.appid,
        openid: "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o",
        nickname: null,
      });
      const set = await call(t.app, "PUT", "/api/me/payout-account", {
        token: alice,
        body: { kind: "wechat" },
      });
      expect(set.json()).toMatchObject({
        account: { kind: "wechat", destination: "oUpF8***S6o" },
        wechatLinked: true,
      });
    });
    afterAll(async () => {
      await t?.close();
      await fake?.stop();
    });

    async function approveOne(amount: string) {
      const asked = await post("/api/me/withdrawals", alice, { amount });
      expect(asked.status).toBe(201);
      const id = asked.body.id as number;
      const approved = await post(`/api/operator/withdrawals/${id}/approve`, operator);
      // WeChat waits for the payee to confirm: the payout is sending, with WeChat's bill number.
      expect(approved.body).toMatchObject({
        status: "approved",
        payout: { channel: "wechat", state: "sending" },
      });
      const reference = payoutReference("demo", id);
      expect(fake.transfers.get(reference)).toMatchObject({
        openid: "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o",
        notify_url: `${publicUrl}/api/payments/wechat/demo/notify`,
      });
      return { id, reference };
    }

    it("pays when the payee confirms: the transfer notification is settled by a query", async () => {
      const wallet = await walletOf();
      const { id, reference } = await approveOne("0.20");
      expect(await fake.finishTransfer(reference, "SUCCESS")).toBe(200);
      const paid = await engine((e) => e.withdrawal(id));
      expect(paid?.status).toBe("paid");
      expect(await walletOf()).toBe(wallet - 20n);
      // The same notification again (WeChat re-sends): nothing changes.
      const accounts = await engine((e) => e.accounts);
      expect(await fake.finishTransfer(reference, "SUCCESS")).toBe(200);
      expect(await engine((e) => e.accounts)).toEqual(accounts);
    });

    it("returns a failed transfer's money once, however often WeChat reports it", async () => {
      const wallet = await walletOf();
      const { id, reference } = await approveOne("0.15");
      expect(await walletOf()).toBe(wallet - 15n);
      for (let i = 0; i < 3; i++) expect(await fake.finishTransfer(reference, "FAIL")).toBe(200);
      expect((await engine((e) => e.withdrawal(id)))?.status).toBe("returned");
      expect(await walletOf()).toBe(wallet);
      const report = await verifyDatabase(t.ledger.sql, t.ledger.kind);
      expect(report.ok).toBe(true);
    });
  });
}

/**
 * Usernames in any script (issue 13): a Chinese name registers, logs in, is sold to and invites; a
 * capital, a zero-width or direction character, a decomposed (non-NFC) form or one character is
 * refused with invalid_field on the username, nothing created.
 */
import { describe, expect, it } from "vitest";
import { login, STORES, useDemoSuite } from "../testing/helpers.js";

for (const store of STORES) {
  describe.runIf(store.available)(`usernames on ${store.kind}`, () => {
    const { t, post, engine } = useDemoSuite(store.kind);
    const register = (username: string, inviteCode?: string) =>
      post("/api/auth/register", null, {
        tenant: "demo",
        username,
        password: "member-demo",
        ...(inviteCode === undefined ? {} : { inviteCode }),
      });

    it("accepts a Chinese name: register, log in, be sold to, invite", async () => {
      expect((await register("张三")).status).toBe(201);
      await login(t.app, "张三");
      expect((await post("/api/sales", t.teahouse, { member: "张三", amount: "20.00" })).status).toBe(201);
      expect(await engine((e) => e.member("张三")?.orders)).toBe(1);
      expect((await register("李四-2", "张三")).status).toBe(201);
      expect(await engine((e) => e.member("李四-2")?.inviter)).toBe("张三");
    });

    it.each([
      ["a capital", "Zhang"],
      ["a zero-width joiner", "张\u200d三"],
      ["a direction mark", "\u202e张三"],
      ["a space", "张 三"],
      ["a decomposed accent (not NFC)", "jose\u0301"],
      ["one character", "张"],
      ["33 characters", "张".repeat(33)],
    ])("refuses %s", async (_, username) => {
      const members = await engine((e) => e.memberCount);
      const refused = await register(username);
      expect(refused.status).toBe(400);
      expect(refused.body.error.field).toBe("username");
      expect(await engine((e) => e.memberCount)).toBe(members);
    });

    it("accepts the composed form of the refused decomposed name", async () => {
      expect((await register("jose\u0301".normalize("NFC"))).status).toBe(201);
    });
  });
}

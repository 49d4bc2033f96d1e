/** The caller's sign-in methods: link or unlink WeChat, bind or unbind a phone; the operator's sign-in settings. */
import { OPERATIONS } from "@zengzhi/contract";
import type { FastifyInstance } from "fastify";
import { requestPhoneCode, revokePhone, setPhone } from "../domain/phone-binding.js";
import type { Services } from "../domain/services.js";
import { getSignInSettings, setSignInSettings } from "../domain/sign-in-settings.js";
import {
  accountSecurity,
  createWechatLink,
  requestWechatAuthorization,
  revokeWechatLink,
  WECHAT_STATE_TTL_MS,
} from "../domain/wechat-sign-in.js";
import { requestKey } from "../http/request-key.js";
import { route } from "../http/route.js";
import { browserTokenOf, setBrowserTokenCookie } from "../http/session-cookie.js";

export function accountSecurityRoutes(app: FastifyInstance, services: Services): void {
  route(app, OPERATIONS.getAccountSecurity, ({ session }) => accountSecurity(services, session));
  route(app, OPERATIONS.createWechatLink, ({ session, body, request }) =>
    createWechatLink(services, { session, browserToken: browserTokenOf(request) }, body),
  );
  // Linking asks for the profile (snsapi_userinfo), so the page can show which WeChat is linked.
  route(app, OPERATIONS.requestWechatLinkAuthorization, async ({ session, request, reply }) => {
    const started = await requestWechatAuthorization(services, {
      tenant: session.tenant,
      intent: "link",
      userId: session.id,
      scope: "snsapi_userinfo",
      redirectPath: `/t/${session.tenant}/wechat?link=1`,
    });
    setBrowserTokenCookie(request, reply, started.browserToken, WECHAT_STATE_TTL_MS);
    return { url: started.url, expiresInSeconds: started.expiresInSeconds };
  });
  route(app, OPERATIONS.revokeWechatLink, ({ session, request }) =>
    revokeWechatLink(services, { session, key: requestKey(request, session, "wechat-unlink") }),
  );
  route(app, OPERATIONS.requestPhoneCode, ({ session, body, request }) =>
    requestPhoneCode(services, { session, key: requestKey(request, session, "phone-code") }, body),
  );
  route(app, OPERATIONS.setPhone, ({ session, body }) => setPhone(services, session, body));
  route(app, OPERATIONS.revokePhone, ({ session, request }) =>
    revokePhone(services, { session, key: requestKey(request, session, "phone-unbind") }),
  );
  route(app, OPERATIONS.getSignInSettings, ({ session }) => getSignInSettings(services, session.tenant));
  route(app, OPERATIONS.setSignInSettings, ({ session, body }) => setSignInSettings(services, session, body));
}

/**
 * Where a member's approved withdrawals are paid (issue 12, item 2): WeChat (the openid of the
 * member's own linked WeChat sign-in, never typed), an Alipay account (logon id and real name), or
 * a bank card the operator pays by hand. Shown masked everywhere.
 */
import type { SetPayoutAccountRequest } from "@zengzhi/contract";
import { selectPayoutAccount, upsertPayoutAccount, type PayoutAccountRow } from "../db/payouts.js";
import { selectOpenidOfMember } from "../db/sign-in.js";
import type { Session } from "./auth.js";
import { ApiError } from "./errors.js";
import type { Services } from "./services.js";

/** `jo***@example.com`, `138****5678`: enough to recognise, not enough to reuse. */
export function maskLogonId(logonId: string): string {
  const at = logonId.indexOf("@");
  if (at > 0) return `${logonId.slice(0, Math.min(2, at))}***${logonId.slice(at)}`;
  return `${logonId.slice(0, 3)}****${logonId.slice(-4)}`;
}

/** `**** 1234`: the last four digits only. */
export function maskCardNumber(cardNumber: string): string {
  return `**** ${cardNumber.replaceAll(" ", "").slice(-4)}`;
}

/** `oUpF8***M69`: an openid is not secret, but nobody needs to read it whole. */
export function maskOpenid(openid: string): string {
  return `${openid.slice(0, 5)}***${openid.slice(-3)}`;
}

/** The account's masked destination, the same text in the wallet and in the operator's queue. */
export function destinationOf(account: PayoutAccountRow, openid: string | undefined): string {
  switch (account.kind) {
    case "alipay":
      return maskLogonId(account.logon_id ?? "");
    case "bank":
      return `${account.bank ?? ""} ${maskCardNumber(account.card_number ?? "")}`;
    case "wechat":
      return openid === undefined ? "—" : maskOpenid(openid);
  }
}

async function answerOf(services: Services, tenant: string, member: string) {
  const [account, link] = await Promise.all([
    selectPayoutAccount(services.sql, tenant, member),
    selectOpenidOfMember(services.sql, tenant, member),
  ]);
  return {
    account:
      account === undefined
        ? null
        : {
            kind: account.kind,
            destination: destinationOf(account, link?.openid),
            holder: account.kind === "bank" ? account.holder : account.real_name,
            bank: account.bank,
            updatedAt: new Date(account.updated_at).toISOString(),
          },
    wechatLinked: link !== undefined,
  };
}

export async function getPayoutAccount(services: Services, session: Session) {
  return answerOf(services, session.tenant, session.memberId!);
}

export async function setPayoutAccount(services: Services, session: Session, input: SetPayoutAccountRequest) {
  const member = session.memberId!;
  if (
    input.kind === "wechat" &&
    (await selectOpenidOfMember(services.sql, session.tenant, member)) === undefined
  )
    throw new ApiError(409, "wechat_not_linked", "sign in with WeChat first", "kind");
  await upsertPayoutAccount(services.sql, session.tenant, member, {
    kind: input.kind,
    logon_id: input.logonId ?? null,
    real_name: input.realName ?? null,
    bank: input.bank ?? null,
    card_number: input.cardNumber?.replaceAll(" ", "") ?? null,
    holder: input.holder ?? null,
  });
  const answer = await answerOf(services, session.tenant, member);
  await services.audit.recordBy(session, {
    action: "payout-account.set",
    target: `member ${member}`,
    detail: { kind: input.kind, destination: answer.account?.destination ?? "" },
  });
  return answer;
}

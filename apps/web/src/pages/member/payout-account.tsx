/**
 * The member's payout account, in the wallet: where approved withdrawals are paid. Alipay (account
 * and real name), a bank card (paid by hand by the operator), or WeChat once signed in with WeChat.
 * The current account is shown masked, as the server answers it.
 */
import { useState } from "react";
import type { SetPayoutAccountRequest } from "@zengzhi/contract";
import { CommandForm } from "../../components/command-form.js";
import { Field, Loading, Tabs } from "../../components/ui.js";
import { useI18n } from "../../i18n/index.js";
import { api } from "../../lib/api.js";
import { useData } from "../../lib/use-data.js";

type Kind = SetPayoutAccountRequest["kind"];

export function PayoutAccountCard() {
  const { t } = useI18n();
  const current = useData(() => api.payoutAccount());
  const [kind, setKind] = useState<Kind>("alipay");
  const [fields, setFields] = useState({ logonId: "", realName: "", bank: "", cardNumber: "", holder: "" });
  const set = (name: keyof typeof fields) => (event: { target: { value: string } }) =>
    setFields((old) => ({ ...old, [name]: event.target.value }));
  const body: SetPayoutAccountRequest =
    kind === "alipay"
      ? { kind, logonId: fields.logonId.trim(), realName: fields.realName.trim() }
      : kind === "bank"
        ? {
            kind,
            bank: fields.bank.trim(),
            cardNumber: fields.cardNumber.trim(),
            holder: fields.holder.trim(),
          }
        : { kind };
  const submit = async (key: string) => {
    await api.setPayoutAccount(body, key);
    current.reload();
    return t("payout.saved");
  };
  const account = current.data?.account;
  return (
    <CommandForm
      title={t("payout.account")}
      hint={
        current.data === undefined ? (
          <Loading />
        ) : account === null || account === undefined ? (
          t("payout.none")
        ) : (
          <span data-testid="payout-account-current">
            {t("payout.current", {
              kind: t(`payout.kind.${account.kind}`),
              destination: account.destination,
              holder: account.holder ?? "",
            })}
          </span>
        )
      }
      input={body}
      submit={submit}
      submitLabel={t("payout.save")}
      testId="payout-account-save"
      doneTestId="payout-account-saved"
    >
      <Tabs<Kind>
        value={kind}
        onChange={setKind}
        options={[
          { value: "alipay", label: t("payout.kind.alipay") },
          { value: "bank", label: t("payout.kind.bank") },
          { value: "wechat", label: t("payout.kind.wechat") },
        ]}
      />
      {kind === "alipay" ? (
        <>
          <Field
            label={t("field.logonId")}
            name="payout-logon-id"
            value={fields.logonId}
            onChange={set("logonId")}
            autoComplete="off"
          />
          <Field
            label={t("field.realName")}
            name="payout-real-name"
            value={fields.realName}
            onChange={set("realName")}
            autoComplete="name"
          />
        </>
      ) : kind === "bank" ? (
        <>
          <Field label={t("field.bank")} name="payout-bank" value={fields.bank} onChange={set("bank")} />
          <Field
            label={t("field.cardNumber")}
            name="payout-card-number"
            inputMode="numeric"
            autoComplete="off"
            value={fields.cardNumber}
            onChange={set("cardNumber")}
          />
          <Field
            label={t("field.holder")}
            name="payout-holder"
            value={fields.holder}
            onChange={set("holder")}
            autoComplete="name"
          />
          <p className="muted">{t("payout.bankHint")}</p>
        </>
      ) : (
        <p className="muted">
          {current.data?.wechatLinked ? t("payout.wechatLinked") : t("payout.wechatNotLinked")}
        </p>
      )}
    </CommandForm>
  );
}

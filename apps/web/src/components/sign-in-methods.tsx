/**
 * The account's sign-in methods on the account security page: WeChat linked or not (linking goes
 * through WeChat's authorize page, so it works inside WeChat), and a phone number bound by an SMS
 * code (optional).
 */
import { useState } from "react";
import { useI18n } from "../i18n/index.js";
import { api, type AccountSecurityView } from "../lib/api.js";
import { insideWechat } from "../lib/session.js";
import { useData } from "../lib/use-data.js";
import { ActionButton, Card, ErrorBox, Field, Loading } from "./ui.js";

export function SignInMethods() {
  const security = useData(() => api.accountSecurity());
  const [view, setView] = useState<AccountSecurityView | null>(null);
  const current = view ?? security.data;
  if (security.error) return <ErrorBox error={security.error} />;
  if (current === undefined) return <Loading />;
  return (
    <>
      <WechatCard security={current} onChange={setView} />
      <PhoneCard security={current} onChange={setView} />
    </>
  );
}

function WechatCard(props: { security: AccountSecurityView; onChange: (view: AccountSecurityView) => void }) {
  const { t } = useI18n();
  const [error, setError] = useState<unknown>(null);
  const { wechat, hasPassword } = props.security;
  const link = async () => {
    setError(null);
    const { url } = await api.wechatLinkAuthorize();
    window.location.assign(url);
  };
  const unlink = async (key: string) => {
    setError(null);
    props.onChange(await api.unlinkWechat(key));
  };
  return (
    <Card title={t("account.wechat")} id="wechat">
      <p className="muted small">{t("account.wechatHint")}</p>
      <p data-testid="wechat-status">
        {wechat === null
          ? t("account.wechatNone")
          : t("account.wechatLinked", { name: wechat.nickname ?? "" })}
      </p>
      {hasPassword ? null : <p className="muted small">{t("account.noPassword")}</p>}
      <ErrorBox error={error} />
      {wechat !== null ? (
        <ActionButton
          className="btn btn-ghost"
          action={unlink}
          onError={setError}
          data-testid="wechat-unlink"
        >
          {t("account.wechatUnlink")}
        </ActionButton>
      ) : insideWechat() ? (
        <ActionButton className="btn btn-primary" action={link} onError={setError} data-testid="wechat-link">
          {t("account.wechatLink")}
        </ActionButton>
      ) : (
        <p className="muted small">{t("account.wechatOnlyInWechat")}</p>
      )}
    </Card>
  );
}

function PhoneCard(props: { security: AccountSecurityView; onChange: (view: AccountSecurityView) => void }) {
  const { t } = useI18n();
  const [phone, setPhone] = useState("");
  const [code, setCode] = useState("");
  const [sent, setSent] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const bound = props.security.phone;
  const send = async (key: string) => {
    setError(null);
    await api.sendPhoneCode(phone.trim(), key);
    setSent(true);
  };
  const bind = async () => {
    setError(null);
    props.onChange(await api.bindPhone(phone.trim(), code.trim()));
    setCode("");
    setSent(false);
  };
  const unbind = async (key: string) => {
    setError(null);
    props.onChange(await api.unbindPhone(key));
  };
  return (
    <Card title={t("account.phone")} id="phone">
      <p className="muted small">{t("account.phoneHint")}</p>
      {bound !== null ? (
        <>
          <p data-testid="phone-status">{t("account.phoneBound", { phone: bound.masked })}</p>
          <ErrorBox error={error} />
          <ActionButton
            className="btn btn-ghost"
            action={unbind}
            onError={setError}
            data-testid="phone-unbind"
          >
            {t("account.phoneUnbind")}
          </ActionButton>
        </>
      ) : (
        <div className="form">
          <Field
            label={t("account.phoneNumber")}
            name="phone"
            type="tel"
            inputMode="tel"
            autoComplete="tel"
            value={phone}
            onChange={(event) => setPhone(event.target.value)}
            data-testid="phone-number"
          />
          <ActionButton
            className="btn"
            action={send}
            onError={setError}
            disabled={!/^\+?[0-9]{5,20}$/.test(phone.trim())}
            data-testid="phone-send"
          >
            {t("account.phoneSend")}
          </ActionButton>
          {sent ? <p className="muted small">{t("account.phoneSent")}</p> : null}
          <Field
            label={t("account.phoneCode")}
            name="phone-code"
            inputMode="numeric"
            autoComplete="one-time-code"
            maxLength={6}
            value={code}
            onChange={(event) => setCode(event.target.value)}
            data-testid="phone-code"
          />
          <ErrorBox error={error} />
          <ActionButton
            className="btn btn-primary"
            action={bind}
            onError={setError}
            disabled={!sent || !/^[0-9]{6}$/.test(code.trim())}
            data-testid="phone-bind"
          >
            {t("account.phoneBind")}
          </ActionButton>
        </div>
      )}
    </Card>
  );
}

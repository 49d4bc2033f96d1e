/**
 * The operator's sign-in settings: the members' link (/t/<tenant>/) and the scheme's own domain, so
 * members never type the tenant, and the WeChat official account and mini program for WeChat
 * sign-in (each AppSecret sealed on the server, never shown again).
 */
import { useState } from "react";
import { CommandForm } from "../../components/command-form.js";
import { Card, ErrorBox, Field, Loading } from "../../components/ui.js";
import { useI18n } from "../../i18n/index.js";
import { api, type SignInSettings } from "../../lib/api.js";
import { useSession } from "../../lib/session.js";
import { useData } from "../../lib/use-data.js";

export function SignInSection({ manage }: { manage: boolean }) {
  const { t } = useI18n();
  const { user } = useSession();
  const settings = useData(() => api.signInSettings());
  const [saved, setSaved] = useState<SignInSettings | null>(null);
  const current = saved ?? settings.data;
  if (settings.error) return <ErrorBox error={settings.error} />;
  if (current === undefined) return <Loading />;
  const link = `${window.location.origin}/t/${encodeURIComponent(user?.tenant ?? "")}/`;
  const app = (value: SignInSettings["official"]) =>
    value === null ? t("signIn.notConfigured") : t("signIn.configured", { appid: value.appid });
  return (
    <>
      <Card title={t("signIn.title")}>
        <p className="muted small">{t("signIn.hint")}</p>
        <Fact label={t("signIn.shareLink")} testId="sign-in-link" className="invite-link">
          {link}
        </Fact>
        <Fact label={t("signIn.domain")} testId="sign-in-domain">
          {current.domain ?? t("signIn.notConfigured")}
        </Fact>
        <Fact label={t("field.official")}>{app(current.official)}</Fact>
        <Fact label={t("field.mini")}>{app(current.mini)}</Fact>
      </Card>
      {manage ? <SignInForm current={current} onSaved={setSaved} /> : null}
    </>
  );
}

/** One setting: its label above its value, so a long link wraps at phone width. */
function Fact(props: { label: string; children: string; testId?: string; className?: string }) {
  return (
    <div className="sign-in-fact">
      <div className="muted small">{props.label}</div>
      <div className={props.className} data-testid={props.testId}>
        {props.children}
      </div>
    </div>
  );
}

function SignInForm({ current, onSaved }: { current: SignInSettings; onSaved: (s: SignInSettings) => void }) {
  const { t } = useI18n();
  const [domain, setDomain] = useState(current.domain ?? "");
  const [officialAppid, setOfficialAppid] = useState(current.official?.appid ?? "");
  const [officialSecret, setOfficialSecret] = useState("");
  const [miniAppid, setMiniAppid] = useState(current.mini?.appid ?? "");
  const [miniSecret, setMiniSecret] = useState("");
  const body = {
    domain: domain.trim() === "" ? null : domain.trim(),
    ...(officialSecret === "" ? {} : { official: { appid: officialAppid.trim(), secret: officialSecret } }),
    ...(miniSecret === "" ? {} : { mini: { appid: miniAppid.trim(), secret: miniSecret } }),
  };
  const submit = async (key: string) => {
    onSaved(await api.setSignInSettings(body, key));
    setOfficialSecret("");
    setMiniSecret("");
    return t("signIn.saved");
  };
  return (
    <CommandForm
      title={t("signIn.title")}
      hint={t("signIn.secretHint")}
      input={body}
      submit={submit}
      submitLabel={t("common.save")}
      testId="sign-in-submit"
    >
      <Field
        label={t("signIn.domain")}
        hint={t("signIn.domainHint")}
        name="domain"
        value={domain}
        onChange={(event) => setDomain(event.target.value)}
      />
      <Field
        label={t("signIn.officialAppid")}
        name="official-appid"
        value={officialAppid}
        onChange={(event) => setOfficialAppid(event.target.value)}
      />
      <Field
        label={t("signIn.officialSecret")}
        name="official-secret"
        type="password"
        autoComplete="off"
        value={officialSecret}
        onChange={(event) => setOfficialSecret(event.target.value)}
      />
      <Field
        label={t("signIn.miniAppid")}
        name="mini-appid"
        value={miniAppid}
        onChange={(event) => setMiniAppid(event.target.value)}
      />
      <Field
        label={t("signIn.miniSecret")}
        name="mini-secret"
        type="password"
        autoComplete="off"
        value={miniSecret}
        onChange={(event) => setMiniSecret(event.target.value)}
      />
    </CommandForm>
  );
}

/**
 * The operator's payment settings (issue 12): which providers are configured (a hint of the account
 * and when it was saved, never a secret: the API never answers one back), the notification URLs to
 * give the providers, and the credential forms. Saving replaces the stored values; the secret fields
 * are emptied after each save.
 */
import { useState } from "react";
import { CommandForm } from "../../components/command-form.js";
import { DataTable } from "../../components/table.js";
import { ErrorBox, Field, Loading, Notice } from "../../components/ui.js";
import { useI18n, type MessageKey } from "../../i18n/index.js";
import {
  api,
  type PaymentSettings,
  type SetAlipaySettingsRequest,
  type SetWechatPaySettingsRequest,
} from "../../lib/api.js";
import { formatDateTime } from "../../lib/format.js";
import { mayDo } from "../../lib/roles.js";
import { useSession } from "../../lib/session.js";
import { useData } from "../../lib/use-data.js";

type ProviderRow = PaymentSettings["providers"][number];

const WECHAT_FIELDS = [
  "mchid",
  "appid",
  "merchantSerial",
  "merchantPrivateKey",
  "apiV3Key",
  "platformKeyId",
  "platformPublicKey",
] as const;
const ALIPAY_FIELDS = ["appId", "appPrivateKey", "alipayPublicKey", "sellerId"] as const;
/** PEM keys: pasted into a text area. */
const MULTILINE = new Set(["merchantPrivateKey", "platformPublicKey", "appPrivateKey", "alipayPublicKey"]);
/** Never shown as typed. */
const SECRET = new Set(["merchantPrivateKey", "apiV3Key", "appPrivateKey"]);

function CredentialField({
  name,
  value,
  onChange,
}: {
  name: string;
  value: string;
  onChange: (value: string) => void;
}) {
  const { t } = useI18n();
  if (!MULTILINE.has(name))
    return (
      <Field
        label={t(`field.${name}` as MessageKey)}
        name={name}
        value={value}
        autoComplete="off"
        type={SECRET.has(name) ? "password" : "text"}
        onChange={(event) => onChange(event.target.value)}
      />
    );
  return (
    <label className="field">
      <span className="field-label">{t(`field.${name}` as MessageKey)}</span>
      <textarea
        rows={4}
        name={name}
        value={value}
        autoComplete="off"
        spellCheck={false}
        placeholder="-----BEGIN ..."
        onChange={(event) => onChange(event.target.value)}
      />
    </label>
  );
}

function CredentialsForm({
  provider,
  fields,
  onSaved,
}: {
  provider: "wechat" | "alipay";
  fields: readonly string[];
  onSaved: () => void;
}) {
  const { t } = useI18n();
  const empty = Object.fromEntries(fields.map((name) => [name, ""]));
  const [values, setValues] = useState<Record<string, string>>(empty);
  const filled = Object.fromEntries(Object.entries(values).filter(([, value]) => value.trim() !== ""));
  // Empty fields are left out, so the server names the first one missing (400 with its field).
  const submit = async (key: string) => {
    if (provider === "wechat") await api.setWechatPaySettings(filled as SetWechatPaySettingsRequest, key);
    else await api.setAlipaySettings(filled as SetAlipaySettingsRequest, key);
    setValues(empty);
    onSaved();
    return t("payments.saved");
  };
  return (
    <CommandForm
      title={t(provider === "wechat" ? "payments.wechatTitle" : "payments.alipayTitle")}
      input={filled}
      submit={submit}
      submitLabel={t(provider === "wechat" ? "payments.saveWechat" : "payments.saveAlipay")}
      testId={`save-${provider}`}
      doneTestId={`saved-${provider}`}
    >
      {fields.map((name) => (
        <CredentialField
          key={name}
          name={name}
          value={values[name] ?? ""}
          onChange={(value) => setValues({ ...values, [name]: value })}
        />
      ))}
    </CommandForm>
  );
}

export function PaymentSettingsSection() {
  const { t, locale } = useI18n();
  const { user, timeZone } = useSession();
  const settings = useData(() => api.paymentSettings());
  const manage = mayDo(user?.role ?? "auditor", "run");
  const notifyUrl = (provider: string) =>
    `${window.location.origin}/api/payments/${provider}/${user?.tenant ?? ""}/notify`;
  return (
    <div className="page">
      <h1>{t("operator.payments")}</h1>
      <Notice>{t("payments.hint")}</Notice>
      <ErrorBox error={settings.error} />
      {settings.data === undefined ? (
        <Loading />
      ) : (
        <>
          {settings.data.secretsKeyConfigured ? null : (
            <Notice tone="warn">{t("payments.secretsKeyMissing")}</Notice>
          )}
          <DataTable<ProviderRow>
            name="payment-settings"
            rows={settings.data.providers}
            rowKey={(row) => row.provider}
            columns={[
              {
                key: "provider",
                label: t("payments.provider"),
                render: (row) => t(`payments.provider.${row.provider}`),
              },
              {
                key: "configured",
                label: t("common.status"),
                render: (row) => (
                  <span data-testid={`configured-${row.provider}`}>
                    {row.configured ? t("payments.configured") : t("payments.notConfigured")}
                  </span>
                ),
              },
              {
                key: "accountHint",
                label: t("payments.accountHint"),
                render: (row) => row.accountHint ?? "—",
              },
              {
                key: "updatedAt",
                label: t("payments.updatedAt"),
                render: (row) => formatDateTime(row.updatedAt, locale, timeZone),
              },
              {
                key: "notifyUrl",
                label: t("payments.notifyUrl"),
                render: (row) => <code className="small break">{notifyUrl(row.provider)}</code>,
              },
            ]}
          />
        </>
      )}
      {manage ? (
        <>
          <CredentialsForm provider="wechat" fields={WECHAT_FIELDS} onSaved={settings.reload} />
          <CredentialsForm provider="alipay" fields={ALIPAY_FIELDS} onSaved={settings.reload} />
        </>
      ) : null}
    </div>
  );
}

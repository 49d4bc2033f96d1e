/**
 * The member's payment code: a one-use code and its QR, valid a few minutes, that the merchant scans
 * or types at the till. Showing it is how the member confirms a till sale; a fresh one replaces it.
 */
import { useEffect, useState } from "react";
import { QrCode } from "../../components/qr-code.js";
import { ActionButton, Card, ErrorBox } from "../../components/ui.js";
import { useI18n } from "../../i18n/index.js";
import { api, type PaymentCode } from "../../lib/api.js";

/** Seconds until `expiresAt`, ticking once a second (0 when it has passed). */
function useSecondsLeft(expiresAt: string | null): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (expiresAt === null) return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [expiresAt]);
  if (expiresAt === null) return 0;
  return Math.max(0, Math.ceil((Date.parse(expiresAt) - now) / 1000));
}

export function PayCodePage() {
  const { t } = useI18n();
  const [code, setCode] = useState<PaymentCode | null>(null);
  const [error, setError] = useState<unknown>(null);
  const left = useSecondsLeft(code?.expiresAt ?? null);
  const live = code !== null && left > 0;
  const minutes = `${Math.floor(left / 60)}:${String(left % 60).padStart(2, "0")}`;
  return (
    <div className="page">
      <Card title={t("payCode.title")}>
        <p className="muted small">{t("payCode.hint")}</p>
        <ErrorBox error={error} />
        {live ? (
          <div className="stack center" data-testid="pay-code">
            <QrCode text={code.code} size={200} label={t("payCode.qr")} />
            <p className="pay-code-digits" data-testid="pay-code-digits">
              {code.code.replace(/(\d{4})(?=\d)/g, "$1 ")}
            </p>
            <p className="muted small">{t("payCode.expiresIn", { time: minutes })}</p>
          </div>
        ) : null}
        <ActionButton
          className="btn btn-primary"
          input={{ refresh: code?.code ?? "" }}
          action={async (key) => setCode(await api.paymentCode(key))}
          onError={setError}
          data-testid="pay-code-new"
        >
          {live ? t("payCode.refresh") : t("payCode.show")}
        </ActionButton>
      </Card>
    </div>
  );
}

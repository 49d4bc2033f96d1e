/**
 * "Me": health value and how to raise it, the invite link with its QR code, the way to the account's
 * security (password, devices), and the way out.
 */
import { useState } from "react";
import { QrCode } from "../../components/qr-code.js";
import { LiabilityProofCard } from "./liability-proof.js";
import { Card, ErrorBox, Loading, Stat } from "../../components/ui.js";
import { useI18n } from "../../i18n/index.js";
import { api } from "../../lib/api.js";
import { formatNumber, formatRatio } from "../../lib/format.js";
import { Link, navigate } from "../../lib/router.js";
import { useSession } from "../../lib/session.js";
import { useData } from "../../lib/use-data.js";

export function MePage() {
  const { t, locale } = useI18n();
  const { user, logout } = useSession();
  const me = useData(() => api.me());
  const rules = useData(() => api.rules());
  if (me.error) return <ErrorBox error={me.error} />;
  if (me.data === undefined) return <Loading />;
  const current = rules.data?.current.rules;
  const code = user?.memberId ?? me.data.member;
  const tenant = user?.tenant ?? "demo";
  // The link carries the tenant in its path: the friend never types it.
  const link = `${window.location.origin}/t/${encodeURIComponent(tenant)}/signup?invite=${encodeURIComponent(code)}`;
  const tiers =
    me.data.tiers ?? (current?.release?.tiers as { minHealth: string; rate: string }[] | undefined) ?? [];
  return (
    <div className="page">
      <h1>{t("me.title")}</h1>
      <Card title={t("health.title")} id="health">
        <Stat label={t("health.value")} value={formatNumber(me.data.health, locale)} testId="member-health" />
        <h3>{t("health.how")}</h3>
        <ul>
          <li>
            {t("health.referral", { n: formatNumber(String(current?.healthPerReferral ?? "10"), locale) })}
          </li>
          {current?.healthPerYuan !== undefined && !/^0(\.0+)?$/.test(String(current.healthPerYuan)) ? (
            <li>{t("health.spend", { n: formatNumber(String(current.healthPerYuan), locale, 4) })}</li>
          ) : null}
          {current?.tipMinHealth === undefined || /^0(\.0+)?$/.test(String(current.tipMinHealth)) ? null : (
            <li>{t("health.tipMin", { n: formatNumber(String(current.tipMinHealth), locale) })}</li>
          )}
        </ul>
        {current?.release ? (
          <>
            <p>{t("health.tiers")}</p>
            <ul>
              {tiers.map((tier) => (
                <li key={tier.minHealth}>
                  {t("health.tier", {
                    min: formatNumber(tier.minHealth, locale),
                    rate: formatRatio(tier.rate, locale),
                  })}
                </li>
              ))}
            </ul>
          </>
        ) : null}
      </Card>
      <InviteCard code={code} link={link} />
      <LiabilityProofCard tenant={tenant} />
      <Card>
        <div className="row wrap">
          <Link to="/public" className="btn btn-ghost">
            {t("nav.public")}
          </Link>
          <Link to="/simulator" className="btn btn-ghost">
            {t("nav.simulator")}
          </Link>
          <Link to="/me/security" className="btn btn-ghost" data-testid="account-security">
            {t("account.title")}
          </Link>
          <button
            type="button"
            className="btn btn-ghost"
            onClick={() => void logout().then(() => navigate("/login", true))}
            data-testid="logout"
          >
            {t("nav.logout")}
          </button>
        </div>
      </Card>
    </div>
  );
}

function InviteCard({ code, link }: { code: string; link: string }) {
  const { t } = useI18n();
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(link);
      setCopied(true);
    } catch {
      setCopied(false);
    }
  };
  return (
    <Card title={t("invite.title")} id="invite">
      <div className="invite">
        <QrCode text={link} label={t("invite.link")} />
        <div>
          <div className="stat-label">{t("invite.code")}</div>
          <div className="invite-code" data-testid="invite-code">
            {code}
          </div>
          <div className="stat-label">{t("invite.link")}</div>
          <div className="invite-link small">{link}</div>
          <button type="button" className="btn btn-small" onClick={() => void copy()}>
            {copied ? t("invite.copied") : t("invite.copy")}
          </button>
        </div>
      </div>
      <p className="muted small">{t("invite.note")}</p>
    </Card>
  );
}

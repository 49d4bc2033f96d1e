/** The member's overview: point price, points held and what they are worth now, wallet, health. */
import { Card, ErrorBox, Loading, RiskNotice, Stat } from "../../components/ui.js";
import { useI18n } from "../../i18n/index.js";
import { api } from "../../lib/api.js";
import {
  formatMoney,
  formatNumber,
  formatPoints,
  formatPrice,
  sumMoney,
  sumPoints,
} from "../../lib/format.js";
import { Link } from "../../lib/router.js";
import { useSession } from "../../lib/session.js";
import { useData } from "../../lib/use-data.js";
import { UnreadBadge } from "./inbox.js";
import { PositionCard } from "./positions.js";

export function MemberHome() {
  const { t, locale } = useI18n();
  const { user } = useSession();
  const summary = useData(() => api.me());
  const open = useData(() => api.positions("open"));
  if (summary.error) return <ErrorBox error={summary.error} />;
  if (summary.data === undefined) return <Loading />;
  const me = summary.data;
  const positions = open.data?.items ?? [];
  return (
    <div className="page">
      <div className="row">
        <h1>{t("member.hello", { name: user?.username ?? me.member })}</h1>
        <UnreadBadge />
      </div>
      <Link to="/pay" className="btn btn-primary" data-testid="home-pay-code">
        {t("payCode.show")}
      </Link>
      <Card title={t("member.summary")}>
        <div className="stats">
          <Stat
            label={t("member.price")}
            value={formatPrice(me.price, locale)}
            exact={formatPrice(me.price, locale, 8)}
            testId="member-price"
          />
          <Stat
            label={t("member.totalPoints")}
            value={formatPoints(sumPoints(positions.map((p) => p.points)), locale, 2)}
            testId="member-points"
          />
          <Stat
            label={t("member.pointsValue")}
            value={formatMoney(sumMoney(positions.map((p) => p.value)), locale)}
            testId="member-value"
          />
          <Stat label={t("member.wallet")} value={formatMoney(me.wallet, locale)} testId="member-wallet" />
          <Stat label={t("member.health")} value={formatNumber(me.health, locale)} />
          {me.coins !== "0.00" && me.coins !== "0" ? (
            <Stat label={t("member.coins")} value={formatMoney(me.coins, locale)} />
          ) : null}
        </div>
      </Card>
      <Card title={t("member.openPositions")} actions={<Link to="/positions">{t("nav.positions")} ›</Link>}>
        {positions.length === 0 ? (
          <p className="muted">
            {t("positions.empty")} <Link to="/shop">{t("nav.shop")} ›</Link>
          </p>
        ) : (
          <div className="list">
            {positions.slice(0, 3).map((position) => (
              <PositionCard key={position.id} position={position} price={me.price} />
            ))}
          </div>
        )}
      </Card>
      <RiskNotice />
    </div>
  );
}

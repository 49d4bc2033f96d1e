/** "Me › Account security": the member's password and logged-in devices (components/account-security). */
import { AccountSecurity } from "../../components/account-security.js";
import { useI18n } from "../../i18n/index.js";
import { Link } from "../../lib/router.js";

export function SecurityPage() {
  const { t } = useI18n();
  return (
    <div className="page">
      <p className="small">
        <Link to="/me">← {t("me.title")}</Link>
      </p>
      <h1>{t("account.title")}</h1>
      <AccountSecurity />
    </div>
  );
}

/**
 * The operator console. Lazy-loaded; each section is its own module so the console stays readable.
 */
import { AccountSecurity } from "../../components/account-security.js";
import { ConsoleLayout } from "../../components/console.js";
import { useI18n } from "../../i18n/index.js";
import { useLocation } from "../../lib/router.js";
import { AuditLog, MerchantsSection } from "./tables.js";
import { MembersSection } from "./members.js";
import { CoinImport, Financing, Listing, Reconciliation, TipsSection } from "./money.js";
import { CustodyStatementForm } from "./custody.js";
import { Dashboard } from "./dashboard.js";
import { Reports } from "./reports.js";
import { RulesEditor } from "./rules.js";
import { WithdrawalQueue } from "./withdrawals.js";

export default function OperatorConsole() {
  const { t } = useI18n();
  const { path } = useLocation();
  const sections = [
    { to: "/operator", label: t("operator.dashboard"), page: <Dashboard /> },
    { to: "/operator/reports", label: t("operator.reports"), page: <Reports /> },
    { to: "/operator/rules", label: t("operator.rules"), page: <RulesEditor /> },
    { to: "/operator/withdrawals", label: t("operator.withdrawals"), page: <WithdrawalQueue /> },
    { to: "/operator/members", label: t("operator.members"), page: <MembersSection /> },
    { to: "/operator/merchants", label: t("operator.merchants"), page: <MerchantsSection /> },
    { to: "/operator/financing", label: t("operator.financing"), page: <Financing /> },
    { to: "/operator/tips", label: t("merchant.tips"), page: <TipsSection /> },
    { to: "/operator/coins", label: t("operator.coins"), page: <CoinImport /> },
    {
      to: "/operator/reconciliation",
      label: t("operator.reconcile"),
      page: (
        <>
          <Reconciliation />
          <CustodyStatementForm />
        </>
      ),
    },
    { to: "/operator/listing", label: t("operator.listing"), page: <Listing /> },
    { to: "/operator/audit", label: t("operator.audit"), page: <AuditLog /> },
    { to: "/operator/account", label: t("account.title"), page: <AccountSecurity /> },
  ];
  const current = sections.find((section) => section.to === path) ?? sections[0]!;
  return (
    <ConsoleLayout title={t("operator.title")} sections={sections} path={current.to}>
      {current.page}
    </ConsoleLayout>
  );
}

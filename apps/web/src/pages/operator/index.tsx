/**
 * The operator console. Lazy-loaded; each section is its own module so the console stays readable.
 */
import type { ReactNode } from "react";
import { OPERATOR_STAFF_ROLES } from "@zengzhi/contract/roles";
import { AccountSecurity } from "../../components/account-security.js";
import { StaffSection } from "../../components/staff.js";
import { ConsoleLayout } from "../../components/console.js";
import { useI18n } from "../../i18n/index.js";
import { useLocation } from "../../lib/router.js";
import { mayDo, type Duty } from "../../lib/roles.js";
import { useSession } from "../../lib/session.js";
import { AuditLog, MerchantsSection } from "./tables.js";
import { MembersSection } from "./members.js";
import { CoinImport, Financing, Listing, Reconciliation, TipsSection } from "./money.js";
import { CustodyStatementForm } from "./custody.js";
import { ProviderReconciliation } from "./provider-reconciliation.js";
import { Dashboard } from "./dashboard.js";
import { Reports } from "./reports.js";
import { RulesEditor } from "./rules.js";
import { PaymentSettingsSection } from "./payments.js";
import { SignInSection } from "./sign-in.js";
import { WebhooksSection } from "./webhooks.js";
import { WithdrawalQueue } from "./withdrawals.js";

export default function OperatorConsole() {
  const { t } = useI18n();
  const { path } = useLocation();
  const { user } = useSession();
  const role = user?.role ?? "auditor";
  // Each section shows to the roles its operations declare (lib/roles.ts, the contract's caller groups).
  const all: { to: string; label: string; page: ReactNode; duty: Duty }[] = [
    { to: "/operator", label: t("operator.dashboard"), page: <Dashboard />, duty: "operatorReads" },
    { to: "/operator/rules", label: t("operator.rules"), page: <RulesEditor />, duty: "configReads" },
    { to: "/operator/reports", label: t("operator.reports"), page: <Reports />, duty: "financeReads" },
    {
      to: "/operator/withdrawals",
      label: t("operator.withdrawals"),
      page: <WithdrawalQueue />,
      duty: "operatorReads",
    },
    {
      to: "/operator/members",
      label: t("operator.members"),
      page: <MembersSection />,
      duty: "operatorReads",
    },
    {
      to: "/operator/merchants",
      label: t("operator.merchants"),
      page: <MerchantsSection />,
      duty: "configReads",
    },
    { to: "/operator/financing", label: t("operator.financing"), page: <Financing />, duty: "run" },
    { to: "/operator/tips", label: t("merchant.tips"), page: <TipsSection />, duty: "run" },
    { to: "/operator/coins", label: t("operator.coins"), page: <CoinImport />, duty: "run" },
    {
      duty: "finance",
      to: "/operator/reconciliation",
      label: t("operator.reconcile"),
      page: (
        <>
          <Reconciliation />
          <ProviderReconciliation />
          <CustodyStatementForm />
        </>
      ),
    },
    { to: "/operator/listing", label: t("operator.listing"), page: <Listing />, duty: "owner" },
    { to: "/operator/audit", label: t("operator.audit"), page: <AuditLog />, duty: "financeReads" },
    {
      to: "/operator/staff",
      label: t("staff.title"),
      page: <StaffSection roles={OPERATOR_STAFF_ROLES} manage={mayDo(role, "run")} />,
      duty: "configReads",
    },
    {
      to: "/operator/payments",
      label: t("operator.payments"),
      page: <PaymentSettingsSection />,
      duty: "configReads",
    },
    {
      to: "/operator/webhooks",
      label: t("webhooks.title"),
      page: <WebhooksSection manage={mayDo(role, "run")} />,
      duty: "configReads",
    },
    {
      to: "/operator/sign-in",
      label: t("signIn.title"),
      page: <SignInSection manage={mayDo(role, "run")} />,
      duty: "configReads",
    },
    { to: "/operator/account", label: t("account.title"), page: <AccountSecurity />, duty: "operatorReads" },
  ];
  const sections = all.filter((section) => mayDo(role, section.duty));
  const current = sections.find((section) => section.to === path) ?? sections[0]!;
  return (
    <ConsoleLayout title={t("operator.title")} sections={sections} path={current.to}>
      {current.page}
    </ConsoleLayout>
  );
}

/**
 * Staff management, shared by the operator console (admin, finance, support, auditor) and the
 * merchant console (cashiers): the list with revoke (confirmed), and an invite whose code and link
 * are shown once.
 */
import { useState } from "react";
import { useI18n } from "../i18n/index.js";
import { api, type StaffInvite, type StaffList, type StaffRole } from "../lib/api.js";
import { formatDateTime } from "../lib/format.js";
import { useSession } from "../lib/session.js";
import { useData } from "../lib/use-data.js";
import { CommandForm } from "./command-form.js";
import { DataTable } from "./table.js";
import { createdAtColumn, rowActionColumn } from "./table-columns.js";
import { Card, ErrorBox, Loading, Notice } from "./ui.js";

type StaffRow = StaffList["items"][number];

function inviteLink(invite: StaffInvite, tenant: string): string {
  const query = new URLSearchParams({ tenant, code: invite.code });
  return `${window.location.origin}/staff-signup?${query.toString()}`;
}

/** The staff of the caller's side; `roles` are the ones it may invite, `manage` false for a read-only login. */
export function StaffSection({ roles, manage }: { roles: readonly StaffRole[]; manage: boolean }) {
  const { t, locale } = useI18n();
  const { timeZone } = useSession();
  const { user } = useSession();
  const staff = useData(() => api.staff());
  const [role, setRole] = useState<StaffRole>(roles[0]!);
  const [invite, setInvite] = useState<StaffInvite | null>(null);
  const [error, setError] = useState<unknown>(null);
  const revoke = async (row: StaffRow, key: string) => {
    if (!window.confirm(t("staff.revokeConfirm", { name: row.username }))) return;
    await api.revokeStaff(row.id, key);
    staff.reload();
  };
  return (
    <>
      <Card title={t("staff.title")}>
        <ErrorBox error={error ?? staff.error} />
        {staff.data === undefined ? (
          <Loading />
        ) : (
          <DataTable<StaffRow>
            name="staff"
            rows={staff.data.items}
            rowKey={(row) => row.id}
            columns={[
              { key: "username", label: t("auth.username") },
              { key: "role", label: t("staff.role"), render: (row) => t(`role.${row.role}` as "role.admin") },
              createdAtColumn(t("common.date"), { locale, timeZone }),
              rowActionColumn<StaffRow>({
                manage,
                text: t("staff.revoke"),
                action: revoke,
                onError: setError,
                testId: (row) => `revoke-${row.username}`,
              }),
            ]}
          />
        )}
      </Card>
      {manage ? (
        <CommandForm
          title={t("staff.invite")}
          hint={t("staff.inviteHint")}
          input={role}
          submit={async (key) => {
            setInvite(await api.inviteStaff(role, key));
          }}
          submitLabel={t("staff.inviteSubmit")}
          testId="staff-invite-submit"
          result={
            invite === null ? null : (
              <Notice tone="ok">
                <div data-testid="staff-invite-code">
                  {t("staff.inviteOnce", { role: t(`role.${invite.role}` as "role.admin") })}
                  <br />
                  <code className="hash">{invite.code}</code>
                  <br />
                  <code className="hash">{inviteLink(invite, user?.tenant ?? "")}</code>
                  <br />
                  {t("staff.inviteExpires", { time: formatDateTime(invite.expiresAt, locale, timeZone) })}
                </div>
              </Notice>
            )
          }
        >
          <label className="field">
            <span className="field-label">{t("staff.role")}</span>
            <select
              value={role}
              onChange={(e) => setRole(e.target.value as StaffRole)}
              data-testid="staff-role"
            >
              {roles.map((r) => (
                <option key={r} value={r}>
                  {t(`role.${r}` as "role.admin")}
                </option>
              ))}
            </select>
          </label>
        </CommandForm>
      ) : null}
    </>
  );
}

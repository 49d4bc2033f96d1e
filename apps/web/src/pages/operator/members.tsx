/**
 * The operator's members: a search by part of a username or phone, the list (each member opens its
 * page), and a member's page: balances, statement summary, positions, referrals and health, its
 * phone, and the freeze switch (a frozen member cannot order, sell, pay with points or withdraw).
 */
import { useState } from "react";
import { CommandForm } from "../../components/command-form.js";
import { OrderTable } from "../../components/order-table.js";
import { DataTable, moneyColumn, pointsColumn } from "../../components/table.js";
import { ActionButton, Card, ErrorBox, Field, Loading, Stat } from "../../components/ui.js";
import { useI18n } from "../../i18n/index.js";
import { api, type OperatorMember, type Order, type PasswordResetIssued } from "../../lib/api.js";
import { mayDo } from "../../lib/roles.js";
import { formatDateTime, formatMoney, formatNumber, formatPoints, formatRatio } from "../../lib/format.js";
import { Link, useLocation } from "../../lib/router.js";
import { useSession } from "../../lib/session.js";
import { loadAll, useData } from "../../lib/use-data.js";

export function MembersSection() {
  const { params } = useLocation();
  const id = params.get("id");
  return id === null ? <MembersList /> : <MemberPage id={id} />;
}

function MembersList() {
  const { t, locale } = useI18n();
  const [draft, setDraft] = useState("");
  const [words, setWords] = useState("");
  const members = useData(() => api.members(null, words), [words]);
  const orders = useData(() => api.orders());
  const { user } = useSession();
  const [refusal, setRefusal] = useState<unknown>(null);
  // Finance roles refund a paid order; one paid through WeChat Pay or Alipay is refunded there too.
  const refund = async (order: Order, key: string) => {
    setRefusal(null);
    await api.refundOrder(order.id, key);
    orders.reload();
  };
  const mayRefund = mayDo(user?.role ?? "auditor", "finance");
  return (
    <>
      <Card title={t("operator.members")}>
        <form
          className="row wrap"
          onSubmit={(event) => {
            event.preventDefault();
            setWords(draft.trim());
          }}
        >
          <Field
            label={t("members.search")}
            name="member-search"
            value={draft}
            placeholder={t("members.searchHint")}
            onChange={(event) => setDraft(event.target.value)}
          />
          <button type="submit" className="btn btn-primary" data-testid="member-search">
            {t("report.show")}
          </button>
        </form>
        <ErrorBox error={members.error} />
        {members.data === undefined ? (
          <Loading />
        ) : (
          <DataTable<OperatorMember>
            name="members"
            rows={members.data.items}
            rowKey={(row) => row.id}
            exportAll={() => loadAll((cursor) => api.members(cursor, words))}
            columns={[
              {
                key: "id",
                label: t("common.id"),
                render: (row) => (
                  <Link
                    to={`/operator/members?id=${encodeURIComponent(row.id)}`}
                    data-testid={`member-${row.id}`}
                  >
                    {row.id}
                  </Link>
                ),
              },
              { key: "phone", label: t("field.phone"), render: (row) => row.phone ?? "—" },
              {
                key: "frozen",
                label: t("common.status"),
                render: (row) => (row.frozen ? t("members.frozen") : t("members.active")),
              },
              { key: "inviter", label: t("common.inviter"), render: (row) => row.inviter ?? "—" },
              moneyColumn("wallet", t("member.wallet"), locale),
              moneyColumn("coins", t("member.coins"), locale),
              {
                key: "health",
                label: t("member.health"),
                numeric: true,
                render: (row) => formatNumber(row.health, locale),
              },
              { key: "orders", label: t("merchant.orders"), numeric: true },
              { key: "positions", label: t("nav.positions"), numeric: true },
            ]}
          />
        )}
      </Card>
      <Card title={t("merchant.orders")}>
        <ErrorBox error={refusal} />
        {orders.data === undefined ? (
          <Loading />
        ) : (
          <OrderTable
            orders={orders.data.items}
            {...(mayRefund ? { onRefund: refund, onError: setRefusal } : {})}
          />
        )}
      </Card>
    </>
  );
}

function MemberPage({ id }: { id: string }) {
  const { t, locale } = useI18n();
  const detail = useData(() => api.member(id), [id]);
  const [phone, setPhone] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  if (detail.error) return <ErrorBox error={detail.error} />;
  if (detail.data === undefined) return <Loading />;
  const data = detail.data;
  const member = data.member;
  const phoneDraft = phone ?? member.phone ?? "";
  const toggleFreeze = async (key: string) => {
    setError(null);
    await api.updateMember(id, { frozen: !member.frozen }, key);
    detail.reload();
  };
  return (
    <>
      <Card
        title={`${t("members.page")} · ${member.id}`}
        actions={
          <Link to="/operator/members" className="btn btn-small btn-ghost">
            {t("common.back")}
          </Link>
        }
      >
        <div className="stats">
          <Stat label={t("member.wallet")} value={formatMoney(member.wallet, locale)} />
          <Stat label={t("members.valueHeld")} value={formatMoney(data.statement.valueHeld, locale)} />
          <Stat label={t("members.pointsHeld")} value={formatPoints(data.statement.pointsHeld, locale, 2)} />
          <Stat label={t("members.spent")} value={formatMoney(data.statement.spent, locale)} />
          <Stat label={t("members.soldGross")} value={formatMoney(data.statement.soldGross, locale)} />
          <Stat label={t("members.withdrawn")} value={formatMoney(data.statement.withdrawn, locale)} />
          <Stat label={t("member.health")} value={formatNumber(data.release.health, locale)} />
          <Stat
            label={t("members.releaseRate")}
            value={data.release.releaseRate === null ? "—" : formatRatio(data.release.releaseRate, locale)}
          />
        </div>
        <div className="row wrap" style={{ marginTop: "0.75rem" }}>
          <span
            className={member.frozen ? "badge badge-exited" : "badge badge-open"}
            data-testid="member-state"
          >
            {member.frozen ? t("members.frozen") : t("members.active")}
          </span>
          <ActionButton
            className={member.frozen ? "btn btn-primary" : "btn btn-danger"}
            input={{ id, frozen: !member.frozen }}
            action={toggleFreeze}
            onError={setError}
            data-testid="member-freeze"
          >
            {member.frozen ? t("members.unfreeze") : t("members.freeze")}
          </ActionButton>
        </div>
        {member.frozen ? <p className="muted small">{t("members.frozenHint")}</p> : null}
        <ErrorBox error={error} />
      </Card>
      <CommandForm
        title={t("field.phone")}
        input={{ id, phone: phoneDraft }}
        submit={async (key) => {
          await api.updateMember(id, { phone: phoneDraft === "" ? null : phoneDraft }, key);
          detail.reload();
          return t("common.done");
        }}
        submitLabel={t("common.save")}
        testId="member-phone-save"
      >
        <Field
          label={t("field.phone")}
          name="member-phone"
          inputMode="tel"
          value={phoneDraft}
          onChange={(event) => setPhone(event.target.value)}
        />
      </CommandForm>
      <PasswordResetCard username={member.id} />
      <Card title={`${t("nav.positions")} (${data.positionCount})`}>
        <DataTable
          name="member-positions"
          rows={data.positions}
          rowKey={(row) => row.id}
          columns={[
            { key: "id", label: t("common.id"), numeric: true },
            {
              key: "status",
              label: t("common.status"),
              render: (row) => t(`positions.status.${row.status}` as Parameters<typeof t>[0]),
            },
            moneyColumn("spend", t("members.spent"), locale),
            pointsColumn("points", t("members.pointsHeld"), locale),
            moneyColumn("value", t("members.valueHeld"), locale),
          ]}
        />
      </Card>
      <Card title={`${t("members.referrals")} (${data.referralCount})`}>
        {data.referrals.length === 0 ? (
          <p className="muted">{t("common.none")}</p>
        ) : (
          <p data-testid="member-referrals">
            {data.referrals.map((referral, index) => (
              <span key={referral}>
                {index === 0 ? null : "、"}
                <Link to={`/operator/members?id=${encodeURIComponent(referral)}`}>{referral}</Link>
              </span>
            ))}
          </p>
        )}
      </Card>
    </>
  );
}

/** Issues a one-time password reset code for the member and shows it once, with its link. */
function PasswordResetCard({ username }: { username: string }) {
  const { t, locale } = useI18n();
  const { timeZone } = useSession();
  const { user } = useSession();
  const [issued, setIssued] = useState<PasswordResetIssued | null>(null);
  const [error, setError] = useState<unknown>(null);
  const link =
    issued === null
      ? ""
      : `${window.location.origin}/reset?${new URLSearchParams({ tenant: user?.tenant ?? "", username, code: issued.code }).toString()}`;
  return (
    <Card title={t("members.passwordReset")}>
      <p className="muted small">{t("members.passwordResetHint")}</p>
      <ActionButton
        className="btn"
        input={{ username }}
        action={async (key) => {
          setError(null);
          setIssued(await api.issuePasswordReset(username, key));
        }}
        onError={setError}
        data-testid="member-reset"
      >
        {t("members.passwordResetIssue")}
      </ActionButton>
      <ErrorBox error={error} />
      {issued === null ? null : (
        <div data-testid="member-reset-code">
          <p>{t("common.labelled", { label: t("auth.resetCode"), value: issued.code })}</p>
          <p className="small">
            {t("common.labelled", {
              label: t("members.passwordResetUntil"),
              value: formatDateTime(issued.expiresAt, locale, timeZone),
            })}
          </p>
          <p className="small" style={{ wordBreak: "break-all" }}>
            {link}
          </p>
        </div>
      )}
    </Card>
  );
}

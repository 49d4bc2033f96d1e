/**
 * The member's in-app messages (a position reached its exit, a withdrawal paid or rejected), newest
 * first; opening the inbox marks what it shows as read. `UnreadBadge` links here from the home page.
 */
import { useEffect } from "react";
import { Card, ErrorBox, Loading } from "../../components/ui.js";
import { useSession } from "../../lib/session.js";
import { useI18n } from "../../i18n/index.js";
import { api, type MemberMessage } from "../../lib/api.js";
import { formatDateTime, formatMoney } from "../../lib/format.js";
import { Link } from "../../lib/router.js";
import { useData } from "../../lib/use-data.js";

function MessageText({ message }: { message: MemberMessage }) {
  const { t, locale } = useI18n();
  const amount = message.data.amount === undefined ? "" : formatMoney(message.data.amount, locale);
  switch (message.kind) {
    case "exit_reached":
      return <>{t("inbox.exitReached", { position: message.data.position ?? "" })}</>;
    case "withdrawal_paid":
      return <>{t("inbox.withdrawalPaid", { amount })}</>;
    case "withdrawal_rejected":
      return <>{t("inbox.withdrawalRejected", { amount })}</>;
  }
}

export function InboxPage() {
  const { t, locale } = useI18n();
  const { timeZone } = useSession();
  const inbox = useData(() => api.messages());
  const newest = inbox.data?.items[0];
  const unread = inbox.data?.unread ?? 0;
  useEffect(() => {
    if (newest !== undefined && unread > 0) void api.markMessagesRead(newest.id).catch(() => undefined);
  }, [newest, unread]);
  if (inbox.error) return <ErrorBox error={inbox.error} />;
  if (inbox.data === undefined) return <Loading />;
  return (
    <div className="page">
      <h1>{t("inbox.title")}</h1>
      <Card title={t("inbox.unread", { n: String(unread) })}>
        {inbox.data.items.length === 0 ? <p className="muted">{t("inbox.empty")}</p> : null}
        <ul className="inbox" data-testid="inbox">
          {inbox.data.items.map((message) => (
            <li
              key={message.id}
              className={message.read ? "muted" : undefined}
              data-testid={`message-${message.id}`}
            >
              <div>
                <MessageText message={message} />
              </div>
              <div className="small muted">{formatDateTime(message.createdAt, locale, timeZone)}</div>
            </li>
          ))}
        </ul>
      </Card>
    </div>
  );
}

/** A link to the inbox with the unread count (nothing while loading). */
export function UnreadBadge() {
  const { t } = useI18n();
  const inbox = useData(() => api.messages(null));
  const unread = inbox.data?.unread ?? 0;
  return (
    <Link to="/inbox" className="btn btn-small" data-testid="inbox-link">
      {t("inbox.title")}
      {unread > 0 ? (
        <span className="badge" data-testid="inbox-unread">
          {unread}
        </span>
      ) : null}
    </Link>
  );
}

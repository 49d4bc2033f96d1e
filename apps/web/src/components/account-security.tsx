/**
 * The account's own security, the same for members, merchants and operators: WeChat and phone
 * (sign-in-methods.tsx), change the password
 * (the current one required; the server then signs out every other session) and the list of live
 * sessions, each revocable, with one button for all the others.
 */
import { useState } from "react";
import { useSession } from "../lib/session.js";
import { useI18n } from "../i18n/index.js";
import { api, type SessionInfo } from "../lib/api.js";
import { formatDateTime } from "../lib/format.js";
import { useData } from "../lib/use-data.js";
import { CommandForm } from "./command-form.js";
import { SignInMethods } from "./sign-in-methods.js";
import { ActionButton, Card, ErrorBox, Field, Loading } from "./ui.js";

export function AccountSecurity() {
  const sessions = useData(() => api.sessions());
  return (
    <>
      <SignInMethods />
      <ChangePassword onChanged={sessions.reload} />
      <SessionList sessions={sessions.data?.sessions} error={sessions.error} reload={sessions.reload} />
    </>
  );
}

function ChangePassword({ onChanged }: { onChanged: () => void }) {
  const { t } = useI18n();
  const [current, setCurrent] = useState("");
  const [next, setNext] = useState("");
  const submit = async (key: string) => {
    const answer = await api.changePassword(current, next, key);
    setCurrent("");
    setNext("");
    onChanged();
    return t("account.passwordChanged", { n: String(answer.sessionsRevoked) });
  };
  return (
    <CommandForm
      title={t("account.changePassword")}
      hint={t("account.changePasswordHint")}
      input={{ current, next }}
      submit={submit}
      submitLabel={t("account.changePassword")}
      disabled={current === "" || next.length < 8}
      testId="password-submit"
      doneTestId="password-done"
    >
      <Field
        label={t("account.currentPassword")}
        name="current-password"
        type="password"
        autoComplete="current-password"
        value={current}
        onChange={(event) => setCurrent(event.target.value)}
        data-testid="password-current"
      />
      <Field
        label={t("account.newPassword")}
        hint={t("account.newPasswordHint")}
        name="new-password"
        type="password"
        autoComplete="new-password"
        minLength={8}
        maxLength={128}
        value={next}
        onChange={(event) => setNext(event.target.value)}
        data-testid="password-new"
      />
    </CommandForm>
  );
}

function SessionList({
  sessions,
  error,
  reload,
}: {
  sessions: SessionInfo[] | undefined;
  error: unknown;
  reload: () => void;
}) {
  const { t } = useI18n();
  const [actionError, setActionError] = useState<unknown>(null);
  const others = (sessions ?? []).filter((session) => !session.current);
  const revokeOthers = async (key: string) => {
    setActionError(null);
    await api.revokeOtherSessions(key);
    reload();
  };
  return (
    <Card title={t("account.sessions")} id="sessions">
      <p className="muted small">{t("account.sessionsHint")}</p>
      <ErrorBox error={actionError ?? error} />
      {sessions === undefined ? (
        error === null ? (
          <Loading />
        ) : null
      ) : (
        <ul className="list session-list" data-testid="session-list">
          {sessions.map((session) => (
            <SessionItem key={session.id} session={session} onRevoked={reload} onError={setActionError} />
          ))}
        </ul>
      )}
      {others.length === 0 ? null : (
        <ActionButton
          className="btn btn-ghost"
          action={revokeOthers}
          onError={setActionError}
          data-testid="sessions-revoke-others"
        >
          {t("account.revokeOthers")}
        </ActionButton>
      )}
    </Card>
  );
}

function SessionItem({
  session,
  onRevoked,
  onError,
}: {
  session: SessionInfo;
  onRevoked: () => void;
  onError: (error: unknown) => void;
}) {
  const { t, locale } = useI18n();
  const { timeZone } = useSession();
  const revoke = async (key: string) => {
    onError(null);
    await api.revokeSession(session.id, key);
    onRevoked();
  };
  return (
    <li className="session" data-testid={session.current ? "session-current" : "session-other"}>
      <div className="session-agent">
        {session.userAgent === "" ? t("account.unknownDevice") : session.userAgent}
      </div>
      <div className="muted small">
        {t("account.sessionSeen", {
          address: session.address === "" ? "—" : session.address,
          time: formatDateTime(session.lastSeenAt, locale, timeZone),
        })}
      </div>
      <div className="row wrap">
        {session.current ? (
          <span className="badge badge-open">{t("account.thisSession")}</span>
        ) : (
          <ActionButton
            className="btn btn-small"
            action={revoke}
            onError={onError}
            data-testid="session-revoke"
          >
            {t("account.revoke")}
          </ActionButton>
        )}
      </div>
    </li>
  );
}

/** Log-in and sign-up (members sign up with an optional invite code; every role logs in here). */
import { useState, type FormEvent } from "react";
import { ErrorBox, Field } from "../components/ui.js";
import { useI18n } from "../i18n/index.js";
import { api, type User } from "../lib/api.js";
import { Link, navigate, useLocation } from "../lib/router.js";
import { defaultTenant, useSession } from "../lib/session.js";
import { useSubmission } from "../lib/submission.js";
import { homeOfRole } from "../lib/roles.js";

export function homeFor(user: User): string {
  return homeOfRole(user.role);
}

export function LoginPage() {
  const { t } = useI18n();
  const { setUser } = useSession();
  const { params } = useLocation();
  const [tenant, setTenant] = useState(defaultTenant());
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const answer = await api.login(tenant, username.trim().normalize("NFC"), password);
      setUser(answer.user);
      navigate(params.get("next") ?? homeFor(answer.user), true);
    } catch (reason) {
      setError(reason);
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="auth">
      <h1>{t("auth.login")}</h1>
      <form className="card form" onSubmit={(event) => void submit(event)}>
        <Field
          label={t("auth.tenant")}
          name="tenant"
          value={tenant}
          onChange={(e) => setTenant(e.target.value)}
          required
        />
        <Field
          label={t("auth.username")}
          name="username"
          autoComplete="username"
          value={username}
          onChange={(e) => setUsername(e.target.value)}
          required
        />
        <Field
          label={t("auth.password")}
          name="password"
          type="password"
          autoComplete="current-password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          required
        />
        <ErrorBox error={error} />
        <button
          className="btn btn-primary btn-block"
          type="submit"
          disabled={busy}
          data-testid="login-submit"
        >
          {t("auth.login")}
        </button>
        <Link to="/signup" className="center-link">
          {t("auth.noAccount")}
        </Link>
      </form>
    </div>
  );
}

export function SignupPage() {
  const { t } = useI18n();
  const { setUser } = useSession();
  const { params } = useLocation();
  const [tenant] = useState(defaultTenant());
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const [invite, setInvite] = useState(params.get("invite") ?? "");
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  // A retry after a network error is the same registration, not a second one.
  const registration = useSubmission();
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      // Registration opens the session (its cookie) as login does: no second request.
      const inviteCode = invite.trim() || undefined;
      const input = { tenant, username: username.trim().normalize("NFC"), password, inviteCode };
      const answer = await registration.run(input, (key) =>
        api.register(tenant, input.username, password, inviteCode, key),
      );
      setUser(answer.user);
      navigate("/", true);
    } catch (reason) {
      setError(reason);
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="auth">
      <h1>{t("auth.signup")}</h1>
      <form className="card form" onSubmit={(event) => void submit(event)}>
        <Field
          label={t("auth.username")}
          name="username"
          autoComplete="username"
          minLength={2}
          maxLength={32}
          value={username}
          onChange={(e) => setUsername(e.target.value)}
          required
        />
        <Field
          label={t("auth.password")}
          name="password"
          type="password"
          autoComplete="new-password"
          minLength={8}
          maxLength={128}
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          required
        />
        <Field
          label={t("auth.inviteCode")}
          name="invite"
          value={invite}
          onChange={(e) => setInvite(e.target.value)}
        />
        <p className="muted small">{t("auth.signupHint")}</p>
        <ErrorBox error={error} />
        <button
          className="btn btn-primary btn-block"
          type="submit"
          disabled={busy}
          data-testid="signup-submit"
        >
          {t("auth.signup")}
        </button>
        <Link to="/login" className="center-link">
          {t("auth.haveAccount")}
        </Link>
      </form>
    </div>
  );
}

/** A member of staff accepts an invite (the link carries the tenant and the code): username and password. */
export function StaffSignupPage() {
  const { t } = useI18n();
  const { setUser } = useSession();
  const { params } = useLocation();
  const [tenant] = useState(params.get("tenant") ?? defaultTenant());
  const [code, setCode] = useState(params.get("code") ?? "");
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const registration = useSubmission();
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const input = { tenant, inviteCode: code.trim(), username: username.trim().normalize("NFC"), password };
      const answer = await registration.run(input, (key) => api.registerStaff(input, key));
      setUser(answer.user);
      navigate(homeFor(answer.user), true);
    } catch (reason) {
      setError(reason);
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="auth">
      <h1>{t("staff.signup")}</h1>
      <form className="card form" onSubmit={(event) => void submit(event)}>
        <Field
          label={t("auth.inviteCode")}
          name="code"
          value={code}
          onChange={(e) => setCode(e.target.value)}
          required
        />
        <Field
          label={t("auth.username")}
          name="username"
          autoComplete="username"
          minLength={2}
          maxLength={32}
          value={username}
          onChange={(e) => setUsername(e.target.value)}
          required
        />
        <Field
          label={t("auth.password")}
          name="password"
          type="password"
          autoComplete="new-password"
          minLength={8}
          maxLength={128}
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          required
        />
        <ErrorBox error={error} />
        <button type="submit" className="btn btn-primary" disabled={busy} data-testid="staff-signup-submit">
          {t("staff.signupSubmit")}
        </button>
      </form>
    </div>
  );
}

/**
 * Sets a new password with the one-time code an operator issued (the link it gives carries the
 * tenant, username and code); every session of the account ends, then the user logs in.
 */
export function PasswordResetPage() {
  const { t } = useI18n();
  const { params } = useLocation();
  const [tenant] = useState(params.get("tenant") ?? defaultTenant());
  const [username, setUsername] = useState(params.get("username") ?? "");
  const [code, setCode] = useState(params.get("code") ?? "");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState(false);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    try {
      await api.resetPassword({
        tenant,
        username: username.trim().normalize("NFC"),
        code: code.trim(),
        newPassword: password,
      });
      setDone(true);
    } catch (reason) {
      setError(reason);
    }
  };
  return (
    <div className="auth">
      <h1>{t("auth.reset")}</h1>
      <form className="card form" onSubmit={(event) => void submit(event)}>
        <Field
          label={t("auth.username")}
          name="username"
          autoComplete="username"
          value={username}
          onChange={(e) => setUsername(e.target.value)}
          required
        />
        <Field
          label={t("auth.resetCode")}
          name="code"
          value={code}
          onChange={(e) => setCode(e.target.value)}
          required
        />
        <Field
          label={t("field.newPassword")}
          name="new-password"
          type="password"
          autoComplete="new-password"
          minLength={8}
          maxLength={128}
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          required
        />
        <ErrorBox error={error} />
        {done ? (
          <p className="notice notice-ok" data-testid="reset-done">
            {t("auth.resetDone")}
          </p>
        ) : (
          <button className="btn btn-primary btn-block" type="submit" data-testid="reset-submit">
            {t("auth.reset")}
          </button>
        )}
        <Link to="/login" className="center-link">
          {t("nav.login")}
        </Link>
      </form>
    </div>
  );
}

/**
 * Log-in and sign-up (members sign up with an optional invite code; every role logs in here). The
 * tenant comes from the address (/t/<tenant>/ or the scheme's domain); only an address that names
 * none asks for it. Inside WeChat, 微信登录 and its callback page.
 */
import { useEffect, useRef, useState, type FormEvent } from "react";
import { ErrorBox, Field } from "../components/ui.js";
import { useI18n } from "../i18n/index.js";
import { api, type User } from "../lib/api.js";
import { Link, navigate, tenantOfPath, useLocation } from "../lib/router.js";
import {
  defaultTenant,
  insideWechat,
  useSession,
  useSignInTenant,
  type SignInTenant,
} from "../lib/session.js";
import { useSubmission } from "../lib/submission.js";
import { homeOfRole, roleSide } from "../lib/roles.js";

export function homeFor(user: User): string {
  return homeOfRole(user.role);
}

export function LoginPage() {
  const { t } = useI18n();
  const { setUser } = useSession();
  const { params } = useLocation();
  const known = useSignInTenant();
  const [typedTenant, setTenant] = useState("");
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const tenant = known.tenant ?? typedTenant.trim();
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
      {known.tenant !== null && known.wechat && insideWechat() ? (
        <WechatButton tenant={known.tenant} onError={setError} />
      ) : null}
      <form className="card form" onSubmit={(event) => void submit(event)}>
        <TenantField known={known} value={typedTenant} onChange={setTenant} />
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
          disabled={busy || !known.ready}
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

/** The tenant field, only when the address names no tenant (an operator's console without a domain). */
function TenantField(props: { known: SignInTenant; value: string; onChange: (value: string) => void }) {
  const { t } = useI18n();
  if (!props.known.ready || props.known.tenant !== null) return null;
  return (
    <Field
      label={t("auth.tenant")}
      name="tenant"
      value={props.value}
      onChange={(e) => props.onChange(e.target.value)}
      required
    />
  );
}

/** 微信登录: to WeChat's authorize page, which comes back to /t/<tenant>/wechat with a code. */
function WechatButton({ tenant, onError }: { tenant: string; onError: (error: unknown) => void }) {
  const { t } = useI18n();
  const [busy, setBusy] = useState(false);
  const start = async () => {
    setBusy(true);
    try {
      const { url } = await api.wechatAuthorize(tenant);
      window.location.assign(url);
    } catch (reason) {
      onError(reason);
      setBusy(false);
    }
  };
  return (
    <div className="card form">
      <button
        type="button"
        className="btn btn-primary btn-block btn-wechat"
        disabled={busy}
        onClick={() => void start()}
        data-testid="wechat-login"
      >
        {t("auth.wechatLogin")}
      </button>
    </div>
  );
}

/** The account security page of a role's side (members, merchants and cashiers, the operator's side). */
function securityPageOf(role: User["role"] | undefined): string {
  if (role === undefined || role === "member") return "/me/security";
  return roleSide(role) === "merchant" ? "/merchant/account" : "/operator/account";
}

/**
 * Where WeChat sends the browser back (/t/<tenant>/wechat?code=…&state=…): finishes a login, or a
 * link to the signed-in account (…&link=1). Without a code the user refused.
 */
export function WechatCallbackPage() {
  const { t } = useI18n();
  const { setUser, user } = useSession();
  const { params } = useLocation();
  const [error, setError] = useState<unknown>(null);
  const started = useRef(false);
  const code = params.get("code");
  const state = params.get("state") ?? "";
  const linking = params.get("link") === "1";
  useEffect(() => {
    if (code === null || started.current) return;
    started.current = true;
    const finish = async () => {
      if (linking) {
        await api.linkWechat(code, state);
        const me = await api.whoami();
        navigate(securityPageOf(me.user.role), true);
        return;
      }
      const answer = await api.wechatLogin(tenantOfPath() ?? defaultTenant(), code, state);
      setUser(answer.user);
      navigate(homeFor(answer.user), true);
    };
    finish().catch(setError);
  }, [code, state, linking, setUser]);
  return (
    <div className="auth">
      <h1>{t("auth.wechatLogin")}</h1>
      <div className="card form">
        {code === null ? (
          <p data-testid="wechat-cancelled">{t("auth.wechatCancelled")}</p>
        ) : error === null ? (
          <p data-testid="wechat-working">{t(linking ? "auth.wechatLinking" : "auth.wechatWorking")}</p>
        ) : (
          <ErrorBox error={error} />
        )}
        <Link to={linking ? securityPageOf(user?.role) : "/login"} className="center-link">
          {t(linking ? "account.title" : "auth.backToLogin")}
        </Link>
      </div>
    </div>
  );
}

export function SignupPage() {
  const { t } = useI18n();
  const { setUser } = useSession();
  const { params } = useLocation();
  const known = useSignInTenant();
  const [typedTenant, setTenant] = useState("");
  const tenant = known.tenant ?? typedTenant.trim();
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
        <TenantField known={known} value={typedTenant} onChange={setTenant} />
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
          disabled={busy || !known.ready}
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

/**
 * The app shell: top bar with the language switch, the route table, and the member H5's bottom tab
 * bar. The consoles, the public page and the simulator are lazy routes, so a member's phone loads
 * only the member H5.
 */
import { lazy, Suspense, type ReactNode } from "react";
import { Loading } from "./components/ui.js";
import { useI18n } from "./i18n/index.js";
import { ApiError } from "./lib/api.js";
import { roleSide, type RoleSide } from "./lib/roles.js";
import { Link, matchPath, navigate, Redirect, useLocation } from "./lib/router.js";
import { useSession } from "./lib/session.js";
import {
  homeFor,
  LoginPage,
  PasswordResetPage,
  SignupPage,
  StaffSignupPage,
  WechatCallbackPage,
} from "./pages/auth.js";
import { InboxPage } from "./pages/member/inbox.js";
import { MemberHome } from "./pages/member/home.js";
import { MePage } from "./pages/member/me.js";
import { PositionPage } from "./pages/member/position.js";
import { PositionsPage } from "./pages/member/positions.js";
import { SecurityPage } from "./pages/member/security.js";
import { ShopPage } from "./pages/member/shop.js";
import { CheckoutPage } from "./pages/member/checkout.js";
import { WalletPage } from "./pages/member/wallet.js";
import { PayCodePage } from "./pages/member/pay-code.js";

const PublicPage = lazy(() => import("./pages/public.js"));
const MerchantConsole = lazy(() => import("./pages/merchant/index.js"));
const OperatorConsole = lazy(() => import("./pages/operator/index.js"));
const SimulatorPage = lazy(() => import("./pages/simulator/index.js"));

function TopBar() {
  const { t, locale, setLocale } = useI18n();
  const { user, logout } = useSession();
  return (
    <header className="topbar">
      <Link to={user ? homeFor(user) : "/public"} className="brand">
        {t("app.name")}
      </Link>
      <nav className="topnav">
        {user && roleSide(user.role) === "operator" ? <Link to="/operator">{t("nav.operator")}</Link> : null}
        {user && roleSide(user.role) === "merchant" ? <Link to="/merchant">{t("nav.merchant")}</Link> : null}
        <Link to="/public" className="hide-narrow">
          {t("nav.public")}
        </Link>
        {user === null ? <Link to="/login">{t("nav.login")}</Link> : null}
        {user !== null && user.role !== "member" ? (
          <button
            type="button"
            className="lang"
            onClick={() => void logout().then(() => navigate("/login", true))}
            data-testid="topbar-logout"
          >
            {t("nav.logout")}
          </button>
        ) : null}
        <button
          type="button"
          className="lang"
          onClick={() => setLocale(locale === "zh-CN" ? "en" : "zh-CN")}
          data-testid="lang-switch"
        >
          {t("lang.switch")}
        </button>
      </nav>
    </header>
  );
}

const TABS = [
  { to: "/", key: "nav.home", icon: "⌂" },
  { to: "/shop", key: "nav.shop", icon: "▦" },
  { to: "/positions", key: "nav.positions", icon: "◔" },
  { to: "/wallet", key: "nav.wallet", icon: "¥" },
  { to: "/me", key: "nav.me", icon: "☺" },
] as const;

function TabBar({ path }: { path: string }) {
  const { t } = useI18n();
  return (
    <nav className="tabbar" aria-label="member">
      {TABS.map((tab) => {
        const active = tab.to === "/" ? path === "/" : path.startsWith(tab.to);
        return (
          <Link
            key={tab.to}
            to={tab.to}
            className={active ? "tabbar-item active" : "tabbar-item"}
            data-testid={`tab-${tab.to.slice(1) || "home"}`}
          >
            <span aria-hidden="true">{tab.icon}</span>
            <span>{t(tab.key)}</span>
          </Link>
        );
      })}
    </nav>
  );
}

/**
 * Shows `children` to a user on the `side` (the operator's side holds its staff, a merchant's its
 * cashiers); sends everybody else to the log-in page or their own home.
 */
function RequireRole({ role, path, children }: { role: RoleSide; path: string; children: ReactNode }) {
  const { user, ready } = useSession();
  if (!ready) return <Loading />;
  if (user === null) return <Redirect to={`/login?next=${encodeURIComponent(path)}`} />;
  if (roleSide(user.role) !== role) return <Redirect to={homeFor(user)} />;
  return <>{children}</>;
}

function memberPage(path: string): ReactNode | null {
  if (path === "/") return <MemberHome />;
  if (path === "/shop") return <ShopPage />;
  if (path === "/positions") return <PositionsPage />;
  if (path === "/wallet") return <WalletPage />;
  if (path === "/pay") return <PayCodePage />;
  if (path === "/me") return <MePage />;
  if (path === "/me/security") return <SecurityPage />;
  if (path === "/inbox") return <InboxPage />;
  const checkout = matchPath("/orders/:id", path);
  if (checkout !== null && /^\d+$/.test(checkout.id ?? "")) return <CheckoutPage id={Number(checkout.id)} />;
  const position = matchPath("/positions/:id", path);
  if (position !== null && /^\d+$/.test(position.id ?? "")) return <PositionPage id={Number(position.id)} />;
  return null;
}

function Routes() {
  const { path } = useLocation();
  if (path === "/login") return <LoginPage />;
  if (path === "/signup") return <SignupPage />;
  if (path === "/wechat") return <WechatCallbackPage />;
  if (path === "/staff-signup") return <StaffSignupPage />;
  if (path === "/reset") return <PasswordResetPage />;
  if (path === "/public") return <PublicPage />;
  if (path === "/simulator") return <SimulatorPage />;
  if (path === "/merchant" || path.startsWith("/merchant/"))
    return (
      <RequireRole role="merchant" path={path}>
        <MerchantConsole />
      </RequireRole>
    );
  if (path === "/operator" || path.startsWith("/operator/"))
    return (
      <RequireRole role="operator" path={path}>
        <OperatorConsole />
      </RequireRole>
    );
  const page = memberPage(path);
  if (page === null) return <NotFound />;
  return (
    <RequireRole role="member" path={path}>
      {page}
      <TabBar path={path} />
    </RequireRole>
  );
}

function NotFound() {
  const { errorText } = useI18n();
  return (
    <div className="page">
      <p>{errorText(new ApiError(404, "not_found", undefined, "", null))}</p>
      <Link to="/">⌂</Link>
    </div>
  );
}

export function App() {
  return (
    <>
      <TopBar />
      <main className="main">
        <Suspense fallback={<Loading />}>
          <Routes />
        </Suspense>
      </main>
    </>
  );
}

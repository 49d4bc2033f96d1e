/**
 * Who is logged in. The session itself lives in the server's HttpOnly cookie; this context only
 * remembers the user the server reported, and refreshes it on login and logout.
 */
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from "react";
import { api, SESSION_LOST_EVENT, type User } from "./api.js";
import { tenantOfPath } from "./router.js";

interface Session {
  user: User | null;
  /** The tenant's time zone: every date and time is shown in it (default Asia/Shanghai). */
  timeZone: string;
  ready: boolean;
  setUser: (user: User | null) => void;
  logout: () => Promise<void>;
}

const SessionContext = createContext<Session | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [user, setUser] = useState<User | null>(null);
  const [timeZone, setTimeZone] = useState(DEFAULT_TIME_ZONE);
  const [ready, setReady] = useState(false);
  useEffect(() => {
    api
      .whoami()
      .then((answer) => {
        setUser(answer.user);
        if (answer.timeZone !== undefined) setTimeZone(answer.timeZone);
      })
      .catch(() => setUser(null))
      .finally(() => setReady(true));
  }, []);
  // A login answers the user only: the tenant's zone comes from the session's own answer.
  const userId = user?.id;
  useEffect(() => {
    if (userId === undefined) return;
    api
      .whoami()
      .then((answer) => {
        if (answer.timeZone !== undefined) setTimeZone(answer.timeZone);
      })
      .catch(() => undefined);
  }, [userId]);
  useEffect(() => {
    const lost = () => setUser(null);
    window.addEventListener(SESSION_LOST_EVENT, lost);
    return () => window.removeEventListener(SESSION_LOST_EVENT, lost);
  }, []);
  const logout = useCallback(async () => {
    try {
      await api.logout();
    } finally {
      setUser(null);
    }
  }, []);
  const value = useMemo(() => ({ user, timeZone, ready, setUser, logout }), [user, timeZone, ready, logout]);
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

/** The zone a tenant runs in unless its operator chose another (the server's default too). */
export const DEFAULT_TIME_ZONE = "Asia/Shanghai";

export function useSession(): Session {
  const context = useContext(SessionContext);
  if (context === null) throw new Error("useSession outside SessionProvider");
  return context;
}

/** The tenant an address names: its /t/<tenant>/ prefix, else its ?tenant=, else the server default. */
export function defaultTenant(): string {
  return namedTenant() ?? "demo";
}

function namedTenant(): string | null {
  return tenantOfPath() ?? new URLSearchParams(window.location.search).get("tenant");
}

export interface SignInTenant {
  /** The tenant of this address (its /t/<tenant>/ path, its ?tenant=, or the domain); null: ask for it. */
  tenant: string | null;
  /** The tenant offers WeChat sign-in for the H5. */
  wechat: boolean;
  ready: boolean;
}

/** The tenant of the page's address as the server knows it, for the sign-in and register pages. */
export function useSignInTenant(): SignInTenant {
  const [state, setState] = useState<SignInTenant>({ tenant: null, wechat: false, ready: false });
  useEffect(() => {
    const named = namedTenant() ?? undefined;
    api
      .signInOptions(named)
      .then((answer) => setState({ ...answer, ready: true }))
      .catch(() => setState({ tenant: named ?? null, wechat: false, ready: true }));
  }, []);
  return state;
}

/** The page runs inside WeChat's own browser (its user agent says MicroMessenger). */
export const insideWechat = (): boolean => /MicroMessenger/i.test(navigator.userAgent);

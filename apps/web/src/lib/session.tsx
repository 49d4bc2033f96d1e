/**
 * Who is logged in. The session itself lives in the server's HttpOnly cookie; this context only
 * remembers the user the server reported, and refreshes it on login and logout.
 */
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from "react";
import { api, SESSION_LOST_EVENT, type User } from "./api.js";

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

/** The tenant the app talks to: ?tenant= in the URL, else the session's, else the server default. */
export function defaultTenant(): string {
  const fromUrl = new URLSearchParams(window.location.search).get("tenant");
  return fromUrl ?? "demo";
}

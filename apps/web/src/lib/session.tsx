/**
 * Who is logged in. The session itself lives in the server's HttpOnly cookie; this context only
 * remembers the user the server reported, and refreshes it on login and logout.
 */
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from "react";
import { api, SESSION_LOST_EVENT, type User } from "./api.js";

interface Session {
  user: User | null;
  ready: boolean;
  setUser: (user: User | null) => void;
  logout: () => Promise<void>;
}

const SessionContext = createContext<Session | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [user, setUser] = useState<User | null>(null);
  const [ready, setReady] = useState(false);
  useEffect(() => {
    api
      .whoami()
      .then((answer) => setUser(answer.user))
      .catch(() => setUser(null))
      .finally(() => setReady(true));
  }, []);
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
  const value = useMemo(() => ({ user, ready, setUser, logout }), [user, ready, logout]);
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

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

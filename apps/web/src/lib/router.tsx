/**
 * A small history-API router: the path is React state, `navigate` pushes, `Link` intercepts clicks.
 * Enough for this app's flat route table without a routing dependency. An address may start with
 * /t/<tenant>/ (the links an operator shares): the routes never see that prefix, and every link and
 * navigation of a page opened under it keeps it, so the tenant stays in the URL and is never typed.
 */
export { matchPath } from "./paths.js";
import { useEffect, useState, useSyncExternalStore, type AnchorHTMLAttributes, type MouseEvent } from "react";

const listeners = new Set<() => void>();

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  window.addEventListener("popstate", listener);
  return () => {
    listeners.delete(listener);
    window.removeEventListener("popstate", listener);
  };
}

const TENANT_PREFIX = /^\/t\/([a-z0-9][a-z0-9-]{1,31})(?=\/|$)/;

/** The tenant a /t/<tenant>/ address names, or null. */
export function tenantOfPath(): string | null {
  return TENANT_PREFIX.exec(window.location.pathname)?.[1] ?? null;
}

/** An app path with the page's /t/<tenant> prefix, when it has one. */
export function withTenantPrefix(to: string): string {
  const tenant = tenantOfPath();
  if (tenant === null || !to.startsWith("/") || to.startsWith("/t/") || to.startsWith("/api/")) return to;
  return `/t/${tenant}${to}`;
}

const snapshot = () => (window.location.pathname.replace(TENANT_PREFIX, "") || "/") + window.location.search;

export function navigate(to: string, replace = false): void {
  const target = withTenantPrefix(to);
  if (replace) window.history.replaceState(null, "", target);
  else window.history.pushState(null, "", target);
  window.scrollTo(0, 0);
  for (const listener of listeners) listener();
}

/** The current path and its query parameters. */
export function useLocation(): { path: string; params: URLSearchParams } {
  const full = useSyncExternalStore(subscribe, snapshot);
  const [path = "/", search = ""] = full.split("?");
  return { path, params: new URLSearchParams(search) };
}

export function Link({ to, onClick, ...rest }: AnchorHTMLAttributes<HTMLAnchorElement> & { to: string }) {
  const handle = (event: MouseEvent<HTMLAnchorElement>) => {
    onClick?.(event);
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey)
      return;
    event.preventDefault();
    navigate(to);
  };
  return <a href={withTenantPrefix(to)} onClick={handle} {...rest} />;
}

/** Redirects on mount (for routes that need another page first). */
export function Redirect({ to }: { to: string }) {
  useEffect(() => navigate(to, true), [to]);
  return null;
}

/** Re-renders every `ms` milliseconds: for pages that show live figures. */
export function useTick(ms: number): number {
  const [tick, setTick] = useState(0);
  useEffect(() => {
    const id = window.setInterval(() => setTick((n) => n + 1), ms);
    return () => window.clearInterval(id);
  }, [ms]);
  return tick;
}

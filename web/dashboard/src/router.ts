// A small history-API router. Routes are real paths under config.dashboardPath (the SDK serves
// index.html for every UI path, so a reload anywhere works); the reference's ?userid=<id> form is
// accepted too. A tenant-prefixed entry URL ({apiBasePath}/{tenant}/dashboard) preselects the tenant.

import { useEffect, useState } from 'preact/hooks';
import type { Config } from './config';

export type Route =
  | { name: 'users' }
  | { name: 'user'; id: string }
  | { name: 'roles' }
  | { name: 'tenants'; tenantId?: string }
  | { name: 'team' }
  | { name: 'overview' }
  | { name: 'activity' }
  | { name: 'notfound' };

export interface Location {
  route: Route;
  /** Tenant taken from a tenant-prefixed URL, if any. */
  tenant?: string;
}

let cfg: Config;
const listeners = new Set<() => void>();

export function initRouter(c: Config): void {
  cfg = c;
  window.addEventListener('popstate', () => listeners.forEach((fn) => fn()));
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export function parse(pathname: string, search: string): Location {
  let rest: string | null = null;
  let tenant: string | undefined;
  const base = cfg.dashboardPath;
  if (pathname === base || pathname.startsWith(base + '/')) {
    rest = pathname.slice(base.length);
  } else {
    const m = new RegExp(`^${escapeRe(cfg.apiBasePath)}/([a-zA-Z0-9-]+)/dashboard(/.*)?$`).exec(pathname);
    if (m) {
      tenant = m[1];
      rest = m[2] ?? '';
    }
  }
  const q = new URLSearchParams(search);
  const userid = q.get('userid');
  if (rest === null) return { route: { name: 'notfound' } };
  rest = rest.replace(/\/+$/, '');
  if (rest === '' || rest === '/users') {
    return userid ? { route: { name: 'user', id: userid }, tenant } : { route: { name: 'users' }, tenant };
  }
  const um = /^\/users\/([^/]+)$/.exec(rest);
  if (um) {
    let id = um[1];
    try {
      id = decodeURIComponent(id);
    } catch {
      /* keep raw */
    }
    return { route: { name: 'user', id }, tenant };
  }
  if (rest === '/roles') return { route: { name: 'roles' }, tenant };
  if (rest === '/tenants') return { route: { name: 'tenants', tenantId: q.get('tenantId') || undefined }, tenant };
  if (rest === '/team') return { route: { name: 'team' }, tenant };
  if (rest === '/overview') return { route: { name: 'overview' }, tenant };
  if (rest === '/activity') return { route: { name: 'activity' }, tenant };
  return { route: { name: 'notfound' }, tenant };
}

export function current(): Location {
  return parse(location.pathname, location.search);
}

/** href turns an app path ("/", "/roles", "/users/<id>") into an absolute URL path. */
export function href(to: string): string {
  if (to === '/' || to === '') return cfg.dashboardPath;
  return cfg.dashboardPath + to;
}

export function userPath(id: string): string {
  return '/users/' + encodeURIComponent(id);
}

export function navigate(to: string, replace = false): void {
  const url = href(to);
  if (replace) history.replaceState(null, '', url);
  else history.pushState(null, '', url);
  window.scrollTo(0, 0);
  listeners.forEach((fn) => fn());
}

/** useLocation re-renders on navigation and returns the parsed location. */
export function useLocation(): Location {
  const [loc, setLoc] = useState(current);
  useEffect(() => {
    const fn = () => setLoc(current());
    listeners.add(fn);
    return () => {
      listeners.delete(fn);
    };
  }, []);
  return loc;
}

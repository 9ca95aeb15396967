// Runtime configuration. The Go SDK replaces the <!--latchkey:head--> placeholder in index.html
// with a non-executable <script type="application/json" id="latchkey-config"> element; reading it
// with JSON.parse keeps the page free of inline script, so it runs under CSP default-src 'self'.

export type AuthMode = 'email-password' | 'api-key';

export interface Recipes {
  emailpassword: boolean;
  passwordless: boolean;
  emailverification: boolean;
  usermetadata: boolean;
  userroles: boolean;
  multitenancy: boolean;
}

export interface Config {
  /** Router base, e.g. "/auth/dashboard" (no trailing slash). */
  dashboardPath: string;
  /** e.g. "/auth" (no trailing slash; may be ""). */
  apiBasePath: string;
  /** First core URI, shown in the curl commands. */
  connectionURI: string;
  authMode: AuthMode;
  isSearchEnabled: boolean;
  recipes: Recipes;
  /** Whether the dashboard-credential curl commands need the api-key header. */
  coreAPIKeyRequired: boolean;
}

const DEFAULT_RECIPES: Recipes = {
  emailpassword: true,
  passwordless: false,
  emailverification: true,
  usermetadata: true,
  userroles: true,
  multitenancy: true,
};

function trimSlash(s: string): string {
  return s.replace(/\/+$/, '');
}

function str(v: unknown, d: string): string {
  return typeof v === 'string' ? v : d;
}

function bool(v: unknown, d: boolean): boolean {
  if (typeof v === 'boolean') return v;
  if (v === 'true') return true;
  if (v === 'false') return false;
  return d;
}

/** parseConfig turns the (untrusted, possibly partial) JSON object into a complete Config. */
export function parseConfig(raw: unknown): Config {
  const o = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
  const apiBasePath = trimSlash(str(o.apiBasePath, '/auth'));
  const dashboardPath = trimSlash(str(o.dashboardPath, apiBasePath + '/dashboard'));
  const r = (o.recipes && typeof o.recipes === 'object' ? o.recipes : {}) as Record<string, unknown>;
  const recipes = { ...DEFAULT_RECIPES };
  for (const k of Object.keys(recipes) as (keyof Recipes)[]) recipes[k] = bool(r[k], recipes[k]);
  return {
    dashboardPath,
    apiBasePath,
    connectionURI: trimSlash(str(o.connectionURI, 'http://localhost:3567')),
    authMode: o.authMode === 'api-key' ? 'api-key' : 'email-password',
    isSearchEnabled: bool(o.isSearchEnabled, true),
    recipes,
    coreAPIKeyRequired: bool(o.coreAPIKeyRequired, true),
  };
}

/** readConfig reads the data element the SDK injects; without it (dev) it returns defaults. */
export function readConfig(): Config {
  const el = document.getElementById('latchkey-config');
  let raw: unknown = {};
  if (el && el.textContent) {
    try {
      raw = JSON.parse(el.textContent);
    } catch {
      raw = {};
    }
  }
  return parseConfig(raw);
}

// The dashboard JSON API client (reference/dashboard.md §6). Every path, field and status string
// here is the reference's; "T" calls (tenant-prefixed) take a tenant argument.

import type { Config } from './config';

const TOKEN_KEY = 'auth-token';
const EMAIL_KEY = 'email';
const TENANT_KEY = 'tenant-id';

function lsGet(k: string): string | null {
  try {
    return localStorage.getItem(k);
  } catch {
    return null;
  }
}
function lsSet(k: string, v: string | null): void {
  try {
    if (v === null) localStorage.removeItem(k);
    else localStorage.setItem(k, v);
  } catch {
    /* storage unavailable: keep working for this page view */
  }
}

export const storage = {
  token: () => lsGet(TOKEN_KEY),
  email: () => lsGet(EMAIL_KEY),
  tenant: () => lsGet(TENANT_KEY),
  setAuth(token: string, email: string | null) {
    lsSet(TOKEN_KEY, token);
    lsSet(EMAIL_KEY, email);
  },
  clearAuth() {
    lsSet(TOKEN_KEY, null);
    lsSet(EMAIL_KEY, null);
  },
  setTenant: (t: string) => lsSet(TENANT_KEY, t),
};

/** ApiError is thrown for every non-2xx answer and for network failures (status 0). */
export class ApiError extends Error {
  status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

type Listener<T> = (v: T) => void;
const unauthorisedListeners = new Set<Listener<void>>();
const deniedListeners = new Set<Listener<string>>();

/** onUnauthorised is called after any 401: the token has already been dropped. */
export function onUnauthorised(fn: () => void): () => void {
  unauthorisedListeners.add(fn);
  return () => unauthorisedListeners.delete(fn);
}
/** onAccessDenied is called after any 403 with the server's message. */
export function onAccessDenied(fn: (message: string) => void): () => void {
  deniedListeners.add(fn);
  return () => deniedListeners.delete(fn);
}

let cfg: Config;
export function initAPI(c: Config): void {
  cfg = c;
}

export type QueryValue = string | number | boolean | undefined | null;

interface Options {
  query?: Record<string, QueryValue>;
  body?: unknown;
  /** Tenant prefix ({apiBasePath}/{tenant}/dashboard/api/...). */
  tenant?: string;
  /** Bearer value to use instead of the stored token. */
  bearer?: string;
  /** Do not run the global 401 handling (sign-in screens handle it themselves). */
  quiet401?: boolean;
}

function buildURL(path: string, o: Options): string {
  const prefix = o.tenant ? `${cfg.apiBasePath}/${encodeURIComponent(o.tenant)}` : cfg.apiBasePath;
  let url = `${prefix}/dashboard/api${path}`;
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(o.query ?? {})) {
    if (v !== undefined && v !== null) q.set(k, String(v));
  }
  const qs = q.toString();
  if (qs) url += '?' + qs;
  return url;
}

/** request sends one dashboard API call (exported for the screens that keep their calls in their own files). */
export async function request<T>(method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, o: Options = {}): Promise<T> {
  const headers: Record<string, string> = {};
  const bearer = o.bearer ?? storage.token();
  if (bearer) headers['Authorization'] = `Bearer ${bearer}`;
  const init: RequestInit = { method, headers, cache: 'no-store' };
  if (method === 'POST' || method === 'PUT') {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(o.body ?? {});
  }
  let res: Response;
  try {
    res = await fetch(buildURL(path, o), init);
  } catch {
    throw new ApiError(0, 'Could not reach the server. Check your connection and try again.');
  }
  let data: unknown = undefined;
  const text = await res.text();
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = undefined;
    }
  }
  const message =
    data && typeof data === 'object' && typeof (data as { message?: unknown }).message === 'string'
      ? (data as { message: string }).message
      : '';
  if (res.status === 401) {
    if (!o.quiet401) {
      storage.clearAuth();
      unauthorisedListeners.forEach((fn) => fn());
    }
    throw new ApiError(401, message || 'Unauthorised access');
  }
  if (res.status === 403) {
    const m = message || 'You do not have access to this page';
    deniedListeners.forEach((fn) => fn(m));
    throw new ApiError(403, m);
  }
  if (!res.ok) throw new ApiError(res.status, message || `Request failed (HTTP ${res.status})`);
  if (data === undefined) throw new ApiError(res.status, 'The server sent an unreadable answer.');
  return data as T;
}

/**
 * download GETs a file (an export) with the stored token. Failures are ApiErrors like request's,
 * with the 401 and 403 handling; the file's name comes from Content-Disposition.
 */
async function download(path: string, o: Options): Promise<{ blob: Blob; filename: string }> {
  const headers: Record<string, string> = {};
  const bearer = storage.token();
  if (bearer) headers['Authorization'] = `Bearer ${bearer}`;
  let res: Response;
  try {
    res = await fetch(buildURL(path, o), { method: 'GET', headers, cache: 'no-store' });
  } catch {
    throw new ApiError(0, 'Could not reach the server. Check your connection and try again.');
  }
  if (!res.ok) {
    let message = '';
    try {
      const data = (await res.json()) as { message?: unknown };
      if (typeof data.message === 'string') message = data.message;
    } catch {
      /* not JSON */
    }
    if (res.status === 401) {
      storage.clearAuth();
      unauthorisedListeners.forEach((fn) => fn());
    } else if (res.status === 403) {
      deniedListeners.forEach((fn) => fn(message || 'You do not have access to this page'));
    }
    throw new ApiError(res.status, message || `Request failed (HTTP ${res.status})`);
  }
  let blob: Blob;
  try {
    blob = await res.blob();
  } catch {
    // The server aborts an export that fails part way: no partial file.
    throw new ApiError(0, 'The export stopped part way. Try again.');
  }
  const m = /filename="([^"]+)"/.exec(res.headers.get('Content-Disposition') ?? '');
  return { blob, filename: m ? m[1] : 'users' };
}

/** saveDownload downloads a file, hands it to the browser to save, and returns its name. */
export async function saveDownload(path: string, query: Record<string, QueryValue>, tenant?: string): Promise<string> {
  const { blob, filename } = await download(path, { query, tenant });
  return saveBlob(blob, filename);
}

/** saveBlob hands a file made in the page to the browser to save, and returns its name. */
export function saveBlob(blob: Blob, filename: string): string {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.appendChild(a);
  a.click();
  a.remove();
  // The download has its own copy once it started.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
  return filename;
}

// ---- Types (reference/dashboard.md §6.2 UserJSON) ----

export type RecipeId = 'emailpassword' | 'thirdparty' | 'passwordless' | 'webauthn';

export interface LoginMethod {
  recipeId: RecipeId;
  recipeUserId: string;
  tenantIds: string[];
  email?: string;
  phoneNumber?: string;
  thirdParty?: { id: string; userId: string };
  timeJoined: number;
  verified: boolean;
}

export interface User {
  id: string;
  isPrimaryUser: boolean;
  tenantIds: string[];
  emails: string[];
  phoneNumbers: string[];
  thirdParty: { id: string; userId: string }[];
  timeJoined: number;
  loginMethods: LoginMethod[];
  firstName?: string;
  lastName?: string;
  /** Set when the user is suspended (a Latchkey field). */
  suspension?: Suspension;
  /** Set when the core has recorded any activity (a Latchkey field). */
  activity?: Activity;
}

/** AuditEvent is one entry of the audit log (a Latchkey extension). */
export interface AuditEvent {
  time: number;
  actor: string;
  action: string;
  userId: string;
  summary: string;
  clientIp: string;
  userAgent: string;
}

/** Activity is a Latchkey extension: times in milliseconds since the epoch. */
export interface Activity {
  lastSignIn: number;
  lastActive: number;
  signIns: number;
}

/** Suspension is a Latchkey extension: who suspended the user, when, why, and until when. */
export interface Suspension {
  userId: string;
  reason: string;
  actor: string;
  suspendedAt: number;
  /** Milliseconds since the epoch; null until reinstated. */
  until: number | null;
}

export interface Session {
  sessionHandle: string;
  userId: string;
  recipeUserId?: string;
  tenantId: string;
  timeCreated: number;
  expiry: number;
  /** Latchkey fields: where the session was created from, and its last recorded refresh. */
  clientIp?: string;
  browser?: string;
  os?: string;
  lastRefreshed?: number;
}

export interface Tenant {
  tenantId: string;
  firstFactors?: string[];
  /** The tenant's number of users (a Latchkey field of GET /tenants). */
  userCount?: number;
}

type Status<S extends string, X = object> = { status: S } & X;

/** The actions of POST /users/bulk (a Latchkey extension). */
export type BulkActionName = 'revokeSessions' | 'suspend' | 'reinstate' | 'addRole' | 'removeRole' | 'delete';

/** A bulk request: ids (at most 1,000) or the list's search and filter parameters. */
export interface BulkRequest {
  action: BulkActionName;
  userIds?: string[];
  match?: Record<string, string>;
  role?: string;
  reason?: string;
}

/** What a bulk request did: selected = done + unchanged + failedCount + notAttempted. */
export interface BulkAnswer {
  action: BulkActionName;
  selected: number;
  done: number;
  unchanged: number;
  /** At most 100 of the failures. */
  failed: { userId: string; message: string }[];
  failedCount: number;
  notAttempted: number;
  /** Why the run stopped before the end (the core went away). */
  stopped?: string;
  /** More users match than one run takes; continueToken goes on after this run's. */
  more?: boolean;
  continueToken?: string;
}

/** The overview's data (a Latchkey extension). */
export interface UserStats {
  days: number;
  signUpsPerDay: { day: string; count: number }[];
  usersByLoginMethod: Record<string, number>;
  usersByTenant: { tenantId: string; count: number }[];
  totalUsers: number;
  /** The app's users active in the last day, week and month (absent from an older core). */
  activeUsers?: { daily: number; weekly: number; monthly: number };
}

/** A dashboard account on the team page (a Latchkey extension). */
export interface TeamAccount {
  userId: string;
  email: string;
  timeJoined: number;
  /** The effective role: from the backend's Admins list when set, else the stored one. */
  readOnly: boolean;
  /** The signed-in account. */
  you: boolean;
  /** lockedUntil (ms) is set while the account's sign-in is locked after too many wrong passwords. */
  lockedUntil?: number;
}

// ---- Auth ----

export const api = {
  signIn: (email: string, password: string) =>
    request<{ status: string; sessionId?: string; message?: string }>('POST', '/signin', {
      body: { email, password },
      bearer: '',
      quiet401: true,
    }),
  validateKey: (key: string) => request<{ status: string }>('POST', '/key/validate', { bearer: key, quiet401: true }),
  signOut: () => request<{ status: string }>('POST', '/signout', { quiet401: true }),
  me: () =>
    request<{ status: string; email?: string; canWrite?: boolean; authMode?: string }>('GET', '/me', {
      quiet401: true,
    }),
  searchTags: () => request<{ status: string; tags: string[] }>('GET', '/search/tags'),
  tenants: () => request<Status<'OK', { tenants: Tenant[] }>>('GET', '/tenants'),

  // ---- Users ----
  users: (tenant: string, query: Record<string, QueryValue>) =>
    request<Status<'OK', { users: User[]; nextPaginationToken?: string }>>('GET', '/users', { tenant, query }),
  /** exportUsers saves every user the search selects (a Latchkey extension), as CSV or JSON; it returns the file's name. */
  exportUsers: (tenant: string, format: 'csv' | 'json', query: Record<string, QueryValue>) =>
    saveDownload('/users/export', { ...query, format }, tenant),
  overview: (tenant: string, days: number) =>
    request<Status<'OK', { stats: UserStats }> | Status<'FEATURE_NOT_ENABLED_ERROR'>>('GET', '/overview', { tenant, query: { days } }),
  /** usersCount counts the tenant's users, or with search tags (a Latchkey extension) the matches, up to a cap. */
  usersCount: (tenant: string, search: Record<string, string> = {}) =>
    request<Status<'OK', { count?: number; countIsCapped?: boolean }>>('GET', '/users/count', { tenant, query: search }),
  user: (userId: string) =>
    request<Status<'OK', { user: User }> | Status<'NO_USER_FOUND_ERROR' | 'RECIPE_NOT_INITIALISED'>>('GET', '/user', {
      query: { userId },
    }),
  updateUser: (
    tenant: string,
    body: {
      userId: string;
      recipeUserId: string;
      recipeId: string;
      firstName: string;
      lastName: string;
      email: string;
      phone: string;
    },
  ) => request<{ status: string; error?: string }>('PUT', '/user', { tenant, body }),
  deleteUser: (userId: string) =>
    request<{ status: string }>('DELETE', '/user', { query: { userId, removeAllLinkedAccounts: 'true' } }),
  /** Deletes one login method of a user, keeping the others. */
  deleteLoginMethod: (recipeUserId: string) =>
    request<{ status: string }>('DELETE', '/user', { query: { userId: recipeUserId, removeAllLinkedAccounts: 'false' } }),
  /** Takes a login method out of its primary user: it becomes a user of its own. */
  unlink: (recipeUserId: string) => request<{ status: string }>('GET', '/user/unlink', { query: { recipeUserId } }),

  // ---- Email verification, password, metadata, sessions ----
  setVerified: (tenant: string, recipeUserId: string, verified: boolean) =>
    request<{ status: string }>('PUT', '/user/email/verify', { tenant, body: { recipeUserId, verified } }),
  sendVerifyEmail: (tenant: string, recipeUserId: string) =>
    request<{ status: string }>('POST', '/user/email/verify/token', { tenant, body: { recipeUserId } }),
  // signOutEverywhere is a Latchkey extension: true revokes the user's sessions.
  changePassword: (tenant: string, recipeUserId: string, newPassword: string, signOutEverywhere: boolean) =>
    request<{ status: string; error?: string }>('PUT', '/user/password', {
      tenant,
      body: { recipeUserId, newPassword, signOutEverywhere },
    }),
  // Latchkey: the brute-force lock of an email-password account.
  signInLock: (tenant: string, email: string) =>
    request<{ status: string; locked?: boolean; lockedUntil?: number; failures?: number }>('GET', '/user/signin-lock', {
      tenant,
      query: { email },
    }),
  unlockSignIn: (tenant: string, email: string) =>
    request<{ status: string }>('POST', '/user/signin-lock/remove', { tenant, body: { email } }),
  sendPasswordReset: (tenant: string, recipeUserId: string) =>
    request<{ status: string }>('POST', '/user/password/reset', { tenant, body: { recipeUserId } }),
  metadata: (userId: string) =>
    request<{ status: string; data?: Record<string, unknown> }>('GET', '/user/metadata', { query: { userId } }),
  setMetadata: (userId: string, data: string) =>
    request<{ status: string }>('PUT', '/user/metadata', { body: { userId, data } }),
  sessions: (userId: string) =>
    request<{ status: string; sessions: Session[] }>('GET', '/user/sessions', { query: { userId } }),
  revokeSessions: (sessionHandles: string[]) =>
    request<{ status: string }>('POST', '/user/sessions', { body: { sessionHandles } }),

  // ---- Audit log (Latchkey) ----
  audit: (query: Record<string, QueryValue>) =>
    request<{ status: string; events?: AuditEvent[]; nextPaginationToken?: string }>('GET', '/audit', { query }),

  // ---- Suspensions (Latchkey) ----
  suspension: (userId: string) =>
    request<{ status: string; suspension?: Suspension | null }>('GET', '/user/suspension', { query: { userId } }),
  suspend: (userId: string, reason: string, until: number | null) =>
    request<{ status: string; suspension?: Suspension; revokedSessions?: number }>('POST', '/user/suspension', {
      body: until === null ? { userId, reason } : { userId, reason, until },
    }),
  reinstate: (userId: string) => request<{ status: string }>('DELETE', '/user/suspension', { query: { userId } }),

  // ---- Creating users ----
  createEmailPasswordUser: (tenant: string, email: string, password: string) =>
    request<{ status: string; message?: string; user?: User; recipeUserId?: string }>('POST', '/user/emailpassword', {
      tenant,
      body: { email, password },
    }),
  createPasswordlessUser: (tenant: string, body: { email: string } | { phoneNumber: string }) =>
    request<{ status: string; message?: string; user?: User; createdNewRecipeUser?: boolean }>(
      'POST',
      '/user/passwordless',
      { tenant, body },
    ),

  // ---- Roles ----
  roles: () => request<{ status: string; roles?: string[] }>('GET', '/userroles/roles'),
  createRole: (role: string, permissions: string[]) =>
    request<{ status: string; createdNewRole?: boolean }>('PUT', '/userroles/role', { body: { role, permissions } }),
  deleteRole: (role: string) =>
    request<{ status: string; didRoleExist?: boolean }>('DELETE', '/userroles/role', { query: { role } }),
  rolePermissions: (role: string) =>
    request<{ status: string; permissions?: string[] }>('GET', '/userroles/role/permissions', { query: { role } }),
  removePermissions: (role: string, permissions: string[]) =>
    request<{ status: string }>('PUT', '/userroles/role/permissions/remove', { body: { role, permissions } }),
  userRoles: (tenant: string, userId: string) =>
    request<{ status: string; roles?: string[] }>('GET', '/userroles/user/roles', { tenant, query: { userId } }),
  assignRole: (tenant: string, userId: string, role: string) =>
    request<{ status: string }>('PUT', '/userroles/user/roles', { tenant, body: { userId, role } }),
  removeRole: (tenant: string, userId: string, role: string) =>
    request<{ status: string }>('DELETE', '/userroles/user/roles', { tenant, query: { userId, role } }),

  // ---- Bulk actions (a Latchkey extension) ----
  /** bulkUsers acts on a selection of users, or on every user that matches the list's search and filters. */
  bulkUsers: (tenant: string, body: BulkRequest) =>
    request<Status<'OK', BulkAnswer> | Status<'UNKNOWN_ROLE_ERROR' | 'FEATURE_NOT_ENABLED_ERROR'>>('POST', '/users/bulk', { tenant, body }),

  // ---- Team (Latchkey extensions) ----
  team: () => request<Status<'OK', { accounts: TeamAccount[]; rolesFromConfig: boolean }>>('GET', '/team'),
  addTeamAccount: (email: string, password: string, readOnly: boolean) =>
    request<{ status: string; message?: string; account?: TeamAccount }>('POST', '/team', { body: { email, password, readOnly } }),
  setTeamRole: (userId: string, readOnly: boolean) =>
    request<{ status: string }>('PUT', '/team/account', { body: { userId, readOnly } }),
  unlockTeamAccount: (userId: string) =>
    request<{ status: string }>('POST', '/team/account/unlock', { body: { userId } }),
  removeTeamAccount: (userId: string) =>
    request<{ status: string; didUserExist?: boolean }>('DELETE', '/team/account', { query: { userId } }),
  changeOwnPassword: (currentPassword: string, newPassword: string) =>
    request<{ status: string; message?: string }>('PUT', '/team/password', { body: { currentPassword, newPassword } }),
};

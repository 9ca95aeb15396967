// The user list's filters (issue 16): login method, email verified, role and the days joined
// (UTC, both included). They combine with each other, the tenant and the search, and apply to
// the list, its count and the export. The suspended list does not take them: it lists every
// suspended user, so while it is shown the filters are disabled and say why.

import { useEffect, useState } from 'preact/hooks';
import { api } from '../api';

/** The login methods the list can be filtered by: recipe id and label. */
export const METHODS: [string, string][] = [
  ['emailpassword', 'Email password'],
  ['passwordless', 'Passwordless'],
  ['thirdparty', 'Third-party'],
];

/** Filters are the list's filters other than the login method and the search. */
export interface Filters {
  /** verified keeps users with a verified ('true') or an unverified ('false') email; '' all. */
  verified: '' | 'true' | 'false';
  /** role keeps the users who have this role in the tenant; '' all. */
  role: string;
  /** from and to are UTC days, YYYY-MM-DD, both included; '' for no bound. */
  from: string;
  to: string;
}

export const NO_FILTERS: Filters = { verified: '', role: '', from: '', to: '' };

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** readFilters reads the filters from the list's URL, dropping values it cannot send. */
export function readFilters(q: URLSearchParams): Filters {
  const v = q.get('verified');
  const day = (d: string | null) => (d && DAY.test(d) && d >= '1970-01-01' && d <= '9998-12-31' ? d : '');
  let from = day(q.get('from'));
  let to = day(q.get('to'));
  if (from && to && from > to) [from, to] = ['', ''];
  return { verified: v === 'yes' ? 'true' : v === 'no' ? 'false' : '', role: (q.get('role') ?? '').trim(), from, to };
}

/** writeFilters puts the filters in the list's URL. */
export function writeFilters(q: URLSearchParams, f: Filters): void {
  if (f.verified) q.set('verified', f.verified === 'true' ? 'yes' : 'no');
  if (f.role) q.set('role', f.role);
  if (f.from) q.set('from', f.from);
  if (f.to) q.set('to', f.to);
}

/** hasFilters reports whether any filter is set. */
export function hasFilters(f: Filters): boolean {
  return !!(f.verified || f.role || f.from || f.to);
}

/** filterParams are the filters as the dashboard API's query parameters. */
export function filterParams(f: Filters): Record<string, string> {
  const q: Record<string, string> = {};
  if (f.verified) q.emailVerified = f.verified;
  if (f.role) q.role = f.role;
  if (f.from) q.joinedFrom = f.from;
  if (f.to) q.joinedTo = f.to;
  return q;
}

/** The roles the role filter offers, read once per page load. */
let rolesLoad: Promise<string[] | null> | null = null;
function loadRoles(): Promise<string[] | null> {
  rolesLoad ??= api
    .roles()
    .then((r) => (r.status === 'OK' && Array.isArray(r.roles) ? r.roles : null))
    .catch(() => null);
  return rolesLoad;
}

export function UserFilters({
  method,
  filters,
  disabledReason,
  onChange,
}: {
  method: string;
  filters: Filters;
  /** disabledReason, when set, disables every filter and is shown as the reason. */
  disabledReason?: string;
  onChange: (p: { method?: string; filters?: Filters }) => void;
}) {
  const [roles, setRoles] = useState<string[] | null>(null);
  // The days as typed: applied only when they make a range.
  const [from, setFrom] = useState(filters.from);
  const [to, setTo] = useState(filters.to);
  useEffect(() => {
    let live = true;
    loadRoles().then((r) => live && setRoles(r));
    return () => {
      live = false;
    };
  }, []);
  useEffect(() => {
    setFrom(filters.from);
    setTo(filters.to);
  }, [filters.from, filters.to]);
  const badRange = !!(from && to && from > to);
  const setDays = (f: string, t: string) => {
    setFrom(f);
    setTo(t);
    // While a year is typed the input already holds a day (0002-01-05): wait for one the
    // server takes, from 1970.
    const ok = (d: string) => d === '' || (DAY.test(d) && d >= '1970-01-01' && d <= '9998-12-31');
    if (ok(f) && ok(t) && !(f && t && f > t) && (f !== filters.from || t !== filters.to)) {
      onChange({ filters: { ...filters, from: f, to: t } });
    }
  };
  const roleOptions = roles ? [...roles] : [];
  if (filters.role && !roleOptions.includes(filters.role)) roleOptions.unshift(filters.role);
  const any = !!method || hasFilters(filters);
  return (
    <fieldset class="filters" disabled={!!disabledReason} aria-describedby={disabledReason ? 'filters-reason' : undefined}>
      <legend class="sr-only">Filters</legend>
      <div class="field-inline">
        <label for="method-select">Login method</label>
        <select id="method-select" value={method} onChange={(e) => onChange({ method: e.currentTarget.value })}>
          <option value="">All</option>
          {METHODS.map(([id, label]) => (
            <option key={id} value={id}>
              {label}
            </option>
          ))}
        </select>
      </div>
      <div class="field-inline">
        <label for="verified-select">Email</label>
        <select
          id="verified-select"
          value={filters.verified}
          onChange={(e) => {
            const v = e.currentTarget.value;
            onChange({ filters: { ...filters, verified: v === 'true' ? 'true' : v === 'false' ? 'false' : '' } });
          }}
        >
          <option value="">Verified or not</option>
          <option value="true">Verified</option>
          <option value="false">Not verified</option>
        </select>
      </div>
      {(roles !== null || filters.role) && (
        <div class="field-inline">
          <label for="role-select">Role</label>
          <select id="role-select" value={filters.role} onChange={(e) => onChange({ filters: { ...filters, role: e.currentTarget.value } })}>
            <option value="">Any role</option>
            {roleOptions.map((r) => (
              <option key={r} value={r}>
                {r}
              </option>
            ))}
          </select>
        </div>
      )}
      <div class="field-inline">
        <label for="joined-from">Joined from</label>
        <input
          id="joined-from"
          type="date"
          value={from}
          max={to || undefined}
          aria-invalid={badRange ? 'true' : undefined}
          aria-describedby="joined-hint"
          onChange={(e) => setDays(e.currentTarget.value, to)}
        />
        <label for="joined-to">to</label>
        <input
          id="joined-to"
          type="date"
          value={to}
          min={from || undefined}
          aria-invalid={badRange ? 'true' : undefined}
          aria-describedby="joined-hint"
          onChange={(e) => setDays(from, e.currentTarget.value)}
        />
      </div>
      <p id="joined-hint" class={badRange ? 'field-error small' : 'sr-only'} role={badRange ? 'alert' : undefined}>
        {badRange ? 'The first day is after the last: the days joined are not applied.' : 'Days in UTC, both included.'}
      </p>
      {any && !disabledReason && (
        <button
          type="button"
          class="link-btn"
          onClick={() => {
            setFrom('');
            setTo('');
            onChange({ method: '', filters: NO_FILTERS });
          }}
        >
          Clear filters
        </button>
      )}
      {disabledReason && (
        <p id="filters-reason" class="muted small filters-reason">
          {disabledReason}
        </p>
      )}
    </fieldset>
  );
}

// Display helpers: names, login-method labels, dates, phone normalisation.

import type { LoginMethod, User } from './api';

export function fullName(u: Pick<User, 'firstName' | 'lastName'>): string {
  const f = u.firstName && u.firstName !== 'FEATURE_NOT_ENABLED' ? u.firstName : '';
  const l = u.lastName && u.lastName !== 'FEATURE_NOT_ENABLED' ? u.lastName : '';
  return `${f} ${l}`.trim();
}

/** primaryMethod is the login method whose recipeUserId is the user id, else the first. */
export function primaryMethod(u: User): LoginMethod | undefined {
  return u.loginMethods.find((m) => m.recipeUserId === u.id) ?? u.loginMethods[0];
}

export function primaryEmail(u: User): string {
  return primaryMethod(u)?.email || u.emails[0] || '';
}

export function primaryPhone(u: User): string {
  return primaryMethod(u)?.phoneNumber || u.phoneNumbers[0] || '';
}

export function displayName(u: User): string {
  return fullName(u) || primaryEmail(u) || primaryPhone(u) || u.id;
}

export function methodLabel(m: LoginMethod): string {
  switch (m.recipeId) {
    case 'emailpassword':
      return 'Email password';
    case 'passwordless':
      return 'Passwordless';
    case 'thirdparty':
      return m.thirdParty ? `Third party - ${m.thirdParty.id}` : 'Third party';
    case 'webauthn':
      return 'WebAuthn';
    default:
      return String(m.recipeId);
  }
}

export function authMethodLabel(u: User): string {
  if (u.loginMethods.length > 1) return 'Multiple';
  const m = u.loginMethods[0];
  return m ? methodLabel(m) : '—';
}

const dateTime = new Intl.DateTimeFormat(undefined, {
  year: 'numeric',
  month: 'short',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
});
const dateOnly = new Intl.DateTimeFormat(undefined, { year: 'numeric', month: 'short', day: 'numeric' });

export function fmtDateTime(ms: number): string {
  return Number.isFinite(ms) ? dateTime.format(new Date(ms)) : '—';
}
export function fmtDate(ms: number): string {
  return Number.isFinite(ms) ? dateOnly.format(new Date(ms)) : '—';
}
export function isoDate(ms: number): string {
  return Number.isFinite(ms) ? new Date(ms).toISOString() : '';
}

/** toE164 normalises a typed phone number: digits only, with a leading '+'. */
export function toE164(s: string): string {
  const t = s.trim();
  const digits = t.replace(/[^\d]/g, '');
  if (!digits) return t;
  return '+' + digits.replace(/^00/, '');
}

/** shortHandle shows the first 9 and last 12 characters of a long session handle. */
export function shortHandle(h: string): string {
  return h.length > 24 ? `${h.slice(0, 9)}…${h.slice(-12)}` : h;
}

export function initials(u: User): string {
  const n = fullName(u);
  if (n) {
    const parts = n.split(/\s+/);
    return ((parts[0]?.[0] ?? '') + (parts.length > 1 ? parts[parts.length - 1][0] : '')).toUpperCase();
  }
  const e = primaryEmail(u);
  if (e) return e.slice(0, 2).toUpperCase();
  return 'U';
}

const numberFormat = new Intl.NumberFormat('en-US');

/** fmtNumber writes a count with thousands separators: 1,234,567. */
export function fmtNumber(n: number): string {
  return numberFormat.format(n);
}

export function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

export function cls(...names: (string | false | null | undefined)[]): string {
  return names.filter(Boolean).join(' ');
}

// Exporting the users picked by id, built here from the rows the list already loaded, in the
// same columns and cells as the server's export (export.go of the SDK): the server's export
// selects by search and filters, not by ids, and a URL cannot carry 1,000 of them.

import { saveBlob, type User } from '../../api';

const COLUMNS = ['user_id', 'time_joined', 'is_primary_user', 'tenant_ids', 'login_methods', 'emails', 'verified_emails', 'phone_numbers', 'third_party'];

/** phones reports whether v is one or more E.164 numbers joined by ';' (no formula). */
function phones(v: string): boolean {
  return v.split(';').every((p) => /^\+[0-9]+$/.test(p));
}

/** cell defuses a value a spreadsheet would run as a formula, as the server does. */
function cell(v: string): string {
  if (v === '' || !'=+-@\t\r'.includes(v[0]) || phones(v)) return v;
  return "'" + v;
}

const cells = (vs: string[]) => cell(vs.join(';'));

/** quote writes a CSV field as Go's encoding/csv does. */
function quote(v: string): string {
  return /[",\r\n]/.test(v) || v.startsWith(' ') ? `"${v.replace(/"/g, '""')}"` : v;
}

function row(u: User): string[] {
  const methods = u.loginMethods.map((m) => m.recipeId);
  const verified = u.loginMethods.filter((m) => m.verified && m.email).map((m) => m.email!);
  return [
    cell(u.id),
    new Date(u.timeJoined).toISOString(),
    String(u.isPrimaryUser),
    cells(u.tenantIds),
    cells(methods),
    cells(u.emails),
    cells(verified),
    cells(u.phoneNumbers),
    cells(u.thirdParty.map((t) => `${t.id}:${t.userId}`)),
  ];
}

/** LIST_FIELDS are what the list adds to the CDI's user object; an export leaves them out. */
const LIST_FIELDS = ['firstName', 'lastName', 'suspension', 'activity'];

function cdiUser(u: User): Record<string, unknown> {
  const out: Record<string, unknown> = { ...u };
  for (const k of LIST_FIELDS) delete out[k];
  return out;
}

/** exportSelection saves the users as CSV or JSON and returns the file's name. */
export function exportSelection(users: User[], format: 'csv' | 'json', tenant: string): string {
  const text =
    format === 'csv'
      ? [COLUMNS, ...users.map(row)].map((r) => r.map(quote).join(',')).join('\n') + '\n'
      : JSON.stringify(users.map(cdiUser), null, 1) + '\n';
  const blob = new Blob([text], { type: format === 'csv' ? 'text/csv;charset=utf-8' : 'application/json' });
  return saveBlob(blob, `users-${tenant}-selection-${new Date().toISOString().slice(0, 10)}.${format}`);
}

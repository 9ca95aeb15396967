// Writing a user's information: the tenant a login method's calls go to, and PUT /api/user
// with its statuses turned into the texts the operator sees.

import { api, type LoginMethod, type User } from '../../api';
import { primaryMethod } from '../../format';

/** tenantOf is the tenant for a login method's calls: its first tenant, else the user's. */
export const tenantOf = (m: LoginMethod | undefined, u: User) => m?.tenantIds?.[0] ?? u.tenantIds[0] ?? 'public';

/** updateUser saves the fields of one login method and returns "" or the error to show. */
export async function updateUser(
  user: User,
  m: LoginMethod,
  fields: { firstName?: string; lastName?: string; email?: string; phone?: string },
): Promise<string> {
  // Empty strings mean "do not change" (reference §6.3).
  const r = await api.updateUser(tenantOf(m, user), {
    userId: user.id,
    recipeUserId: m.recipeUserId,
    recipeId: m.recipeId,
    firstName: fields.firstName ?? '',
    lastName: fields.lastName ?? '',
    email: fields.email ?? '',
    phone: fields.phone ?? '',
  });
  switch (r.status) {
    case 'OK':
      return '';
    case 'EMAIL_ALREADY_EXISTS_ERROR':
      return 'A user with this email already exists';
    case 'PHONE_ALREADY_EXISTS_ERROR':
      return 'A user with this phone number already exists';
    case 'INVALID_EMAIL_ERROR':
      return r.error || 'Email is invalid';
    case 'INVALID_PHONE_ERROR':
      return r.error || 'Phone number is invalid';
    case 'EMAIL_CHANGE_NOT_ALLOWED_ERROR':
      return r.error || 'The email of this user cannot be changed';
    case 'PHONE_NUMBER_CHANGE_NOT_ALLOWED_ERROR':
      return r.error || 'The phone number of this user cannot be changed';
    default:
      return 'Something went wrong. Please try again.';
  }
}

/**
 * saveNames saves the user's first and last name and returns "" or the error to show. PUT
 * /api/user only sets names ("" means "do not change"), so clearing a name rewrites the
 * metadata object without it.
 */
export async function saveNames(user: User, first: string, last: string): Promise<string> {
  const m = primaryMethod(user);
  if (!m) return 'This user has no login method.';
  if ((first || !user.firstName) && (last || !user.lastName)) return updateUser(user, m, { firstName: first, lastName: last });
  const r = await api.metadata(user.id);
  if (r.status !== 'OK') return 'Could not read the user metadata.';
  const w = await api.setMetadata(user.id, JSON.stringify(withNames(r.data ?? {}, first, last)));
  return w.status === 'OK' ? '' : 'Could not update the names.';
}

/** withNames returns metadata with first_name and last_name set ("" removes one). */
export function withNames(data: Record<string, unknown>, first: string, last: string): Record<string, unknown> {
  const out = { ...data };
  for (const [k, v] of [
    ['first_name', first],
    ['last_name', last],
  ]) {
    if (v) out[k] = v;
    else delete out[k];
  }
  return out;
}

// Tenant list helpers shared by the users page, the create-user dialog and the tenants page.

import { api, type Tenant } from './api';

let cache: Promise<Tenant[]> | null = null;

/** loadTenants returns the tenants, public first then alphabetical; [public] if the call fails. */
export function loadTenants(force = false): Promise<Tenant[]> {
  if (!cache || force) {
    cache = api
      .tenants()
      .then((r) => sortTenants(r.tenants ?? []))
      .catch(() => {
        cache = null; // do not keep a failure (e.g. a 401 before sign-in) for later
        return [{ tenantId: 'public' }];
      });
  }
  return cache;
}

export function sortTenants(list: Tenant[]): Tenant[] {
  return [...list].sort((a, b) =>
    a.tenantId === 'public' ? -1 : b.tenantId === 'public' ? 1 : a.tenantId.localeCompare(b.tenantId),
  );
}

const PASSWORDLESS_FACTORS = ['otp-email', 'otp-phone', 'link-email', 'link-phone'];

export function factorLabels(factors: string[] | undefined): string[] {
  const out: string[] = [];
  for (const f of factors ?? []) {
    let l = f;
    if (f === 'emailpassword') l = 'Email Password';
    else if (PASSWORDLESS_FACTORS.includes(f)) l = 'Passwordless';
    else if (f === 'thirdparty') l = 'Third Party';
    else if (f === 'webauthn') l = 'WebAuthn';
    if (!out.includes(l)) out.push(l);
  }
  return out;
}

/** hasFactor is true when the tenant allows the factor; a tenant without a list allows all. */
export function hasFactor(t: Tenant | undefined, ...factors: string[]): boolean {
  if (!t || !Array.isArray(t.firstFactors)) return true;
  return factors.some((f) => t.firstFactors!.includes(f));
}

export { PASSWORDLESS_FACTORS };

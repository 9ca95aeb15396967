// The tenant and third-party provider calls of reference/dashboard.md §6.7, with the Latchkey
// extensions for a tenant's users. Every call but createTenant is tenant-prefixed.

import { request } from '../../api';

/** CoreConfigField is the core's description of one core config property (§6.7 CoreConfigFieldInfo). */
export interface CoreConfigField {
  key: string;
  valueType: 'string' | 'boolean' | 'number';
  value: unknown;
  description: string;
  isDifferentAcrossTenants: boolean;
  possibleValues?: string[];
  isNullable: boolean;
  defaultValue: unknown;
  isPluginProperty: boolean;
  isPluginPropertyEditable: boolean;
}

export interface TenantInfo {
  tenantId: string;
  thirdParty: { providers: { thirdPartyId: string; name: string }[] };
  firstFactors: string[];
  requiredSecondaryFactors: string[] | null;
  coreConfig: CoreConfigField[];
  userCount: number;
}

export interface ProviderClient {
  clientType?: string;
  clientId: string;
  clientSecret?: string;
  scope?: string[] | null;
  forcePKCE?: boolean;
  additionalConfig?: Record<string, unknown> | null;
}

export interface UserInfoMapFields {
  userId?: string;
  email?: string;
  emailVerified?: string;
}

/** ProviderConfig is a third-party provider's configuration, as the core stores it. */
export interface ProviderConfig {
  thirdPartyId: string;
  name?: string;
  clients?: ProviderClient[];
  authorizationEndpoint?: string;
  authorizationEndpointQueryParams?: Record<string, string | null> | null;
  tokenEndpoint?: string;
  tokenEndpointBodyParams?: Record<string, string> | null;
  userInfoEndpoint?: string;
  userInfoEndpointQueryParams?: Record<string, string | null> | null;
  userInfoEndpointHeaders?: Record<string, string | null> | null;
  jwksURI?: string;
  oidcDiscoveryEndpoint?: string;
  userInfoMap?: { fromIdTokenPayload?: UserInfoMapFields; fromUserInfoAPI?: UserInfoMapFields };
  requireEmail?: boolean;
  [k: string]: unknown;
}

/** reason comes with ASSOCIATION_NOT_ALLOWED_ERROR (the core's words). */
type Answer = { status: string; message?: string; reason?: string };

export const tenantApi = {
  create: (tenantId: string) => request<Answer & { createdNew?: boolean }>('POST', '/tenant', { body: { tenantId } }),
  get: (tenant: string) => request<Answer & { tenant?: TenantInfo }>('GET', '/tenant', { tenant }),
  remove: (tenant: string) => request<Answer & { didExist?: boolean }>('DELETE', '/tenant', { tenant }),
  setFirstFactor: (tenant: string, factorId: string, enable: boolean) =>
    request<Answer>('PUT', '/tenant/first-factor', { tenant, body: { factorId, enable } }),
  setSecondaryFactor: (tenant: string, factorId: string, enable: boolean) =>
    request<Answer & { isMFARequirementsForAuthOverridden?: boolean }>('PUT', '/tenant/required-secondary-factor', {
      tenant,
      body: { factorId, enable },
    }),
  setCoreConfig: (tenant: string, name: string, value: unknown) =>
    request<Answer>('PUT', '/tenant/core-config', { tenant, body: { name, value } }),
  provider: (tenant: string, thirdPartyId: string, extra: Record<string, string> = {}) =>
    request<Answer & { providerConfig?: ProviderConfig }>('GET', '/thirdparty/config', {
      tenant,
      query: { thirdPartyId, ...extra },
    }),
  saveProvider: (tenant: string, providerConfig: ProviderConfig) =>
    request<Answer & { createdNew?: boolean }>('PUT', '/thirdparty/config', { tenant, body: { providerConfig } }),
  deleteProvider: (tenant: string, thirdPartyId: string) =>
    request<Answer & { didConfigExist?: boolean }>('DELETE', '/thirdparty/config', { tenant, query: { thirdPartyId } }),
  // Latchkey extensions: associate an existing user with the tenant, or take them out of it.
  addUser: (tenant: string, userId: string) =>
    request<Answer & { wasAlreadyAssociated?: boolean }>('POST', '/tenant/user', { tenant, body: { userId } }),
  removeUser: (tenant: string, userId: string) =>
    request<Answer & { wasAssociated?: boolean }>('POST', '/tenant/user/remove', { tenant, body: { userId } }),
};

/** The first factors the detail page offers, in the reference's order, with their labels. */
export const FIRST_FACTORS: { id: string; label: string }[] = [
  { id: 'emailpassword', label: 'Email Password' },
  { id: 'otp-email', label: 'OTP Email' },
  { id: 'otp-phone', label: 'OTP Phone' },
  { id: 'link-email', label: 'Magic Link Email' },
  { id: 'link-phone', label: 'Magic Link Phone' },
  { id: 'thirdparty', label: 'Third Party' },
];

/** The built-in providers of the picker; enterprise ones need a value before their config loads. */
export const BUILT_IN_PROVIDERS: { id: string; name: string; ask?: { param: string; label: string; placeholder: string } }[] = [
  { id: 'google-workspaces', name: 'Google Workspaces', ask: { param: 'hd', label: 'Hosted Domain', placeholder: 'example.com' } },
  { id: 'google', name: 'Google' },
  { id: 'apple', name: 'Apple' },
  { id: 'discord', name: 'Discord' },
  { id: 'facebook', name: 'Facebook' },
  { id: 'github', name: 'GitHub' },
  { id: 'linkedin', name: 'LinkedIn' },
  { id: 'twitter', name: 'Twitter' },
  { id: 'active-directory', name: 'Active Directory', ask: { param: 'directoryId', label: 'Directory ID', placeholder: 'a GUID' } },
  { id: 'okta', name: 'Okta', ask: { param: 'oktaDomain', label: 'Okta Domain', placeholder: 'dev-123456.okta.com' } },
  { id: 'bitbucket', name: 'Bitbucket' },
  { id: 'gitlab', name: 'GitLab' },
];

/** builtInOf returns the built-in provider a third-party id is (google, google-2…), if any. */
export function builtInOf(thirdPartyId: string) {
  const sorted = [...BUILT_IN_PROVIDERS].sort((a, b) => b.id.length - a.id.length);
  return sorted.find((p) => thirdPartyId === p.id || thirdPartyId.startsWith(p.id + '-'));
}

/** userAddError words a refusal of POST /tenant/user (statuses passed through from the core). */
export function userAddError(r: Answer): string {
  switch (r.status) {
    case 'UNKNOWN_USER_ID_ERROR':
      return 'No user has this id.';
    case 'EMAIL_ALREADY_EXISTS_ERROR':
      return 'A user with the same email already exists in this tenant.';
    case 'PHONE_NUMBER_ALREADY_EXISTS_ERROR':
      return 'A user with the same phone number already exists in this tenant.';
    case 'THIRD_PARTY_USER_ALREADY_EXISTS_ERROR':
      return 'A user with the same third-party account already exists in this tenant.';
    case 'ASSOCIATION_NOT_ALLOWED_ERROR':
      return r.reason || r.message ? `The user cannot join this tenant: ${r.reason || r.message}` : 'The user cannot join this tenant.';
    case 'UNKNOWN_TENANT_ERROR':
      return 'This tenant does not exist any more.';
    default:
      return r.message || `Could not do it (${r.status}).`;
  }
}

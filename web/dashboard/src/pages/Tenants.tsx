// Tenant Management (reference/dashboard.md §5.10): the list at /tenants, a tenant's page at
// /tenants?tenantId=<id>. The screens are in pages/tenants/.

import { useLocation } from '../router';
import './tenants/tenants.css';
import { TenantDetail } from './tenants/TenantDetail';
import { TenantList } from './tenants/TenantList';

export function Tenants() {
  const { route } = useLocation();
  const id = route.name === 'tenants' ? route.tenantId : undefined;
  return id ? <TenantDetail key={id} id={id} /> : <TenantList />;
}

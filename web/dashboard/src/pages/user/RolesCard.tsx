// The "User roles" card: the user's roles in one of their tenants, assign and remove.

import { useState } from 'preact/hooks';
import { api, type User } from '../../api';
import { useApp } from '../../context';
import { DISABLED, useAction, useLoad } from '../../hooks';
import { Card, Status } from '../../ui/Card';
import { PlusIcon } from '../../ui/icons';
import { toast } from '../../ui/toast';
import { WriteButton } from '../../ui/WriteButton';
import { AssignRoleDialog } from './AssignRoleDialog';

export function RolesCard({ user }: { user: User }) {
  const { config } = useApp();
  const [tenant, setTenant] = useState(user.tenantIds.includes('public') ? 'public' : user.tenantIds[0] ?? 'public');
  const [assigning, setAssigning] = useState(false);
  const roles = useLoad<string[]>(async () => {
    if (!config.recipes.userroles) return DISABLED;
    const r = await api.userRoles(tenant, user.id);
    return r.status === 'FEATURE_NOT_ENABLED_ERROR' ? DISABLED : r.roles ?? [];
  }, [tenant]);
  const act = useAction<string>(toast.error);
  const { state, data } = roles;

  const remove = (role: string) =>
    act.run(
      role,
      async () => {
        const r = await api.removeRole(tenant, user.id, role);
        if (r.status === 'UNKNOWN_ROLE_ERROR') {
          roles.reload();
          return `Role "${role}" does not exist any more`;
        }
        if (r.status !== 'OK') return 'Could not remove the role';
        toast.success(`Role "${role}" removed`);
        roles.reload();
      },
      'Could not remove the role',
    );

  return (
    <Card
      title="User roles"
      id="sec-roles"
      actions={
        state === 'ok' && (
          <WriteButton class="btn btn-small" onClick={() => setAssigning(true)}>
            <PlusIcon />
            <span>Assign role</span>
          </WriteButton>
        )
      }
    >
      {user.tenantIds.length > 1 && state !== 'disabled' && (
        <div class="field-inline">
          <label for="roles-tenant">Roles for tenant</label>
          <select id="roles-tenant" value={tenant} onChange={(e) => setTenant(e.currentTarget.value)}>
            {user.tenantIds.map((t) => (
              <option key={t} value={t}>
                {t}
              </option>
            ))}
          </select>
        </div>
      )}
      {state === 'disabled' && (
        <p class="alert alert-info">Feature is not enabled. Initialise the UserRoles recipe on the backend to use roles.</p>
      )}
      <Status state={state} loading="Loading roles…" failed="Could not load the roles of this user." />
      {state === 'ok' && data && (
        data.length === 0 ? (
          <p class="muted">No assigned user roles{user.tenantIds.length > 1 ? ` in ${tenant}` : ''}.</p>
        ) : (
          <ul class="chips" aria-label="Assigned roles">
            {data.map((r) => (
              <li key={r} class="chip">
                <span>{r}</span>
                <WriteButton class="chip-x" aria-label={`Remove role ${r}`} disabled={act.busy === r} onClick={() => remove(r)}>
                  ×
                </WriteButton>
              </li>
            ))}
          </ul>
        )
      )}
      {assigning && data && (
        <AssignRoleDialog tenant={tenant} userId={user.id} assigned={data} onClose={() => setAssigning(false)} onDone={roles.reload} />
      )}
    </Card>
  );
}

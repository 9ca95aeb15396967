// The "User roles" card: the user's roles in one of their tenants, assign and remove.

import { useState } from 'preact/hooks';
import { api, type User } from '../../api';
import { useApp } from '../../context';
import { displayName } from '../../format';
import { DISABLED, cardControl, useFocusLater, useLoad } from '../../hooks';
import { Card, Status } from '../../ui/Card';
import { ConfirmDialog } from '../../ui/ConfirmDialog';
import { PlusIcon } from '../../ui/icons';
import { toast } from '../../ui/toast';
import { WriteButton } from '../../ui/WriteButton';
import { AssignRoleDialog } from './AssignRoleDialog';

export function RolesCard({ user }: { user: User }) {
  const { config } = useApp();
  const [tenant, setTenant] = useState(user.tenantIds.includes('public') ? 'public' : user.tenantIds[0] ?? 'public');
  const [assigning, setAssigning] = useState(false);
  const [removing, setRemoving] = useState<string | null>(null);
  const roles = useLoad<string[]>(async () => {
    if (!config.recipes.userroles) return DISABLED;
    const r = await api.userRoles(tenant, user.id);
    return r.status === 'FEATURE_NOT_ENABLED_ERROR' ? DISABLED : r.roles ?? [];
  }, [tenant]);
  const { state, data } = roles;
  const focusLater = useFocusLater(data);

  /** remove removes the role, then gives the focus to the next role's button, or a neighbour. */
  const remove = async (role: string) => {
    const r = await api.removeRole(tenant, user.id, role);
    if (r.status !== 'OK' && r.status !== 'UNKNOWN_ROLE_ERROR') return 'Could not remove the role';
    const list = data ?? [];
    const i = list.indexOf(role);
    const next = list[i + 1] ?? list[i - 1];
    focusLater(() => (next && cardControl('sec-roles', `Remove role ${next}`)) || cardControl('sec-roles', 'Assign role') || document.getElementById('sec-roles'));
    toast.success(r.status === 'OK' ? `Role "${role}" removed` : `Role "${role}" does not exist any more`);
    setRemoving(null);
    roles.reload();
  };

  return (
    <Card
      title="User roles"
      id="sec-roles"
      actions={
        state === 'ok' && (
          <WriteButton class="btn btn-small" aria-label="Assign role" onClick={() => setAssigning(true)}>
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
      <Status state={state} loading="Loading roles…" failed="Could not load the roles of this user." error={roles.error} />
      {state === 'ok' && data && (
        data.length === 0 ? (
          <p class="muted">No assigned user roles{user.tenantIds.length > 1 ? ` in ${tenant}` : ''}.</p>
        ) : (
          <ul class="chips" aria-label="Assigned roles">
            {data.map((r) => (
              <li key={r} class="chip">
                <span>{r}</span>
                <WriteButton class="chip-x" aria-label={`Remove role ${r}`} onClick={() => setRemoving(r)}>
                  ×
                </WriteButton>
              </li>
            ))}
          </ul>
        )
      )}
      {removing !== null && (
        <ConfirmDialog
          title="Remove role?"
          confirm="Remove role"
          busyLabel="Removing…"
          onClose={() => setRemoving(null)}
          onConfirm={() => remove(removing)}
        >
          <p>
            Remove the role <strong class="break">{removing}</strong> from {displayName(user)} in tenant {tenant}? You can
            assign it again later.
          </p>
        </ConfirmDialog>
      )}
      {assigning && data && (
        <AssignRoleDialog tenant={tenant} userId={user.id} assigned={data} onClose={() => setAssigning(false)} onDone={roles.reload} />
      )}
    </Card>
  );
}

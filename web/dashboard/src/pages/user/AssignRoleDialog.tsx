// "Assign User Roles": pick one of the roles the user does not have yet.

import { useEffect, useState } from 'preact/hooks';
import { api } from '../../api';
import { Link } from '../../app';
import { errorText } from '../../errors';
import { useAction } from '../../hooks';
import { Dialog } from '../../ui/Dialog';
import { FormActions, FormError } from '../../ui/forms';
import { toast } from '../../ui/toast';

export function AssignRoleDialog({
  tenant,
  userId,
  assigned,
  onClose,
  onDone,
}: {
  tenant: string;
  userId: string;
  assigned: string[];
  onClose: () => void;
  onDone: () => void;
}) {
  const [all, setAll] = useState<string[] | null>(null);
  const [role, setRole] = useState('');
  const [err, setErr] = useState('');
  const act = useAction(setErr, onClose);
  useEffect(() => {
    api
      .roles()
      .then((r) => {
        const avail = (r.roles ?? []).filter((x) => !assigned.includes(x));
        setAll(r.roles ?? []);
        setRole(avail[0] ?? '');
      })
      .catch((e) => setErr(errorText(e, 'Could not load the roles')));
  }, []);
  const avail = (all ?? []).filter((x) => !assigned.includes(x));
  const submit = (e: Event) => {
    e.preventDefault();
    if (!role) return;
    act.run(true, async () => {
      const r = await api.assignRole(tenant, userId, role);
      if (r.status === 'UNKNOWN_ROLE_ERROR') return 'This role does not exist any more.';
      if (r.status !== 'OK') return 'Could not assign the role.';
      toast.success(`Role "${role}" assigned`);
      onClose();
      onDone();
    });
  };
  return (
    <Dialog title="Assign User Roles" onClose={onClose} refocus={all !== null}>
      <form class="form" onSubmit={submit} noValidate>
        <FormError text={err} />
        {all === null && !err && (
          <p role="status" class="muted">
            Loading roles…
          </p>
        )}
        {all !== null && all.length === 0 && (
          <p>
            You have not created any User Roles. <Link to="/roles">Create roles</Link>
          </p>
        )}
        {all !== null && all.length > 0 && avail.length === 0 && (
          <p>
            All User Roles are already assigned! <Link to="/roles">Manage roles</Link>
          </p>
        )}
        {avail.length > 0 && (
          <div class="field">
            <label for="assign-role">Role</label>
            <select id="assign-role" value={role} onChange={(e) => setRole(e.currentTarget.value)}>
              {avail.map((r) => (
                <option key={r} value={r}>
                  {r}
                </option>
              ))}
            </select>
            <p class="field-hint">Assigned in tenant {tenant}.</p>
          </div>
        )}
        <FormActions onCancel={onClose} label="Assign role" busyLabel="Assigning…" busy={act.busy !== null} disabled={!role} />
      </form>
    </Dialog>
  );
}

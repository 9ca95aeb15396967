// Roles and Permissions (reference/dashboard.md §5.9): list (newest first, 10 per page),
// create with permissions, add and remove permissions, delete.

import { useState } from 'preact/hooks';
import { api } from '../api';
import { READ_ONLY_REASON, useApp } from '../context';
import { errorText } from '../errors';
import { DISABLED, useAction, useFocusLater, useLoad } from '../hooks';
import { Pills } from '../ui/Card';
import { ConfirmDialog } from '../ui/ConfirmDialog';
import { Dialog } from '../ui/Dialog';
import { FormActions, FormError } from '../ui/forms';
import { PlusIcon, RefreshIcon, TrashIcon } from '../ui/icons';
import { PageHeading } from '../ui/PageHeading';
import { PagerButtons } from '../ui/Pager';
import { toast } from '../ui/toast';
import { WriteButton } from '../ui/WriteButton';

const PER_PAGE = 10;

export function Roles() {
  const { config } = useApp();
  const loaded = useLoad<string[]>(async () => {
    if (!config.recipes.userroles) return DISABLED;
    const r = await api.roles();
    return r.status === 'FEATURE_NOT_ENABLED_ERROR' ? DISABLED : [...(r.roles ?? [])].reverse();
  }, []);
  const { state } = loaded;
  const [page, setPage] = useState(0);
  const [permVersion, setPermVersion] = useState(0);
  const [dialog, setDialog] = useState<{ kind: 'create' } | { kind: 'manage'; role: string } | { kind: 'delete'; role: string } | null>(null);

  const list = loaded.data ?? [];
  const pages = Math.max(1, Math.ceil(list.length / PER_PAGE));
  const p = Math.min(page, pages - 1);
  const shown = list.slice(p * PER_PAGE, p * PER_PAGE + PER_PAGE);
  const reload = () => {
    loaded.reload();
    setPermVersion((v) => v + 1);
  };

  return (
    <section class="container">
      <PageHeading
        title="Roles and Permissions"
        sub="One place to manage all your user roles and permissions. Edit roles and permissions according to your needs."
      >
        {state === 'ok' && (
          <WriteButton class="btn btn-primary" onClick={() => setDialog({ kind: 'create' })}>
            <PlusIcon />
            <span>Add Role</span>
          </WriteButton>
        )}
      </PageHeading>
      {state === 'disabled' && (
        <p class="alert alert-info">
          Feature is not enabled. Initialise the UserRoles recipe on the backend to manage roles and permissions.
        </p>
      )}
      {state === 'loading' && (
        <p class="muted" role="status">
          Loading roles…
        </p>
      )}
      {state === 'error' && (
        <div class="alert alert-error" role="alert">
          <p>Something went wrong! Could not load the roles.</p>
          <button type="button" class="btn btn-small" onClick={reload}>
            Retry
          </button>
        </div>
      )}
      {state === 'ok' && list.length === 0 && (
        <div class="empty" role="status">
          <p class="empty-title">Currently, you don’t have any Roles</p>
          <p class="muted">Once added, all created user roles will be found here</p>
        </div>
      )}
      {state === 'ok' && list.length > 0 && (
        <>
          <div class="table-wrap">
            <table class="table table-stack">
              <caption class="sr-only">Roles, newest first</caption>
              <thead>
                <tr>
                  <th scope="col">User Roles</th>
                  <th scope="col">Permissions</th>
                  <th scope="col">
                    <span class="sr-only">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {shown.map((role) => (
                  <tr key={role}>
                    <th scope="row" data-label="Role" class="role-name">
                      {role}
                    </th>
                    <td data-label="Permissions">
                      <Permissions key={`${role}:${permVersion}`} role={role} />
                    </td>
                    <td class="actions-cell">
                      <button type="button" class="btn btn-small" aria-label={`Manage role ${role}`} onClick={() => setDialog({ kind: 'manage', role })}>
                        Manage
                      </button>
                      <WriteButton
                        class="btn btn-small btn-icon btn-danger-outline"
                        aria-label={`Delete role ${role}`}
                        onClick={() => setDialog({ kind: 'delete', role })}
                      >
                        <TrashIcon />
                      </WriteButton>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <div class="pager">
            <p class="pager-range" aria-live="polite">
              {`${p * PER_PAGE + 1} - ${p * PER_PAGE + shown.length} of ${list.length}`}
            </p>
            <PagerButtons hasPrev={p > 0} hasNext={p < pages - 1} onPrev={() => setPage(p - 1)} onNext={() => setPage(p + 1)} />
          </div>
        </>
      )}
      {dialog?.kind === 'create' && (
        <CreateRoleDialog
          existing={list}
          onClose={() => setDialog(null)}
          onCreated={() => {
            setDialog(null);
            setPage(0);
            reload();
          }}
        />
      )}
      {dialog?.kind === 'manage' && (
        <ManageRoleDialog
          role={dialog.role}
          onClose={() => {
            setDialog(null);
            setPermVersion((v) => v + 1);
          }}
        />
      )}
      {dialog?.kind === 'delete' && (
        <DeleteRoleDialog
          role={dialog.role}
          onClose={() => setDialog(null)}
          onDeleted={() => {
            setDialog(null);
            reload();
          }}
        />
      )}
    </section>
  );
}

function Permissions({ role }: { role: string }) {
  const perms = useLoad<string[]>(async () => {
    const r = await api.rolePermissions(role);
    if (r.status !== 'OK') throw new Error(r.status);
    return r.permissions ?? [];
  }, [role]);
  if (perms.state === 'error')
    return (
      <span class="inline-error">
        Something went wrong!{' '}
        <button type="button" class="btn btn-small btn-icon" aria-label={`Reload permissions of ${role}`} onClick={perms.reload}>
          <RefreshIcon />
        </button>
      </span>
    );
  const list = perms.data;
  if (!list) return <span class="muted">Loading…</span>;
  if (list.length === 0) return <span class="muted">No Permissions</span>;
  const max = 6;
  return <Pills label={`Permissions of ${role}`} items={list.slice(0, max)} more={Math.max(0, list.length - max)} />;
}

/** PermissionInput adds a typed permission on Enter or with its button. */
function PermissionInput({
  id,
  existing,
  onAdd,
  disabled,
}: {
  id: string;
  existing: string[];
  onAdd: (p: string) => void | Promise<void>;
  disabled?: boolean;
}) {
  const [value, setValue] = useState('');
  const [err, setErr] = useState('');
  const add = async () => {
    const v = value.trim();
    if (!v) return;
    if (existing.includes(v)) {
      setErr('Permission already exists!');
      return;
    }
    setErr('');
    await onAdd(v);
    setValue('');
  };
  return (
    <div class="field">
      <label for={id}>Add permissions</label>
      <div class="input-row">
        <input
          id={id}
          value={value}
          disabled={disabled}
          autoComplete="off"
          placeholder="e.g. read:users"
          aria-describedby={`${id}-hint${err ? ` ${id}-err` : ''}`}
          aria-invalid={err ? 'true' : undefined}
          onInput={(e) => {
            setValue(e.currentTarget.value);
            setErr('');
          }}
          onKeyDown={(e) => {
            if (e.key === 'Enter') {
              e.preventDefault();
              add();
            }
          }}
        />
        <WriteButton class="btn" onClick={add}>
          Add
        </WriteButton>
      </div>
      <p id={`${id}-hint`} class="field-hint">
        {disabled ? READ_ONLY_REASON : 'Type a permission and press Enter.'}
      </p>
      {err && (
        <p id={`${id}-err`} class="field-error" role="alert">
          {err}
        </p>
      )}
    </div>
  );
}

function CreateRoleDialog({ existing, onClose, onCreated }: { existing: string[]; onClose: () => void; onCreated: () => void }) {
  const [name, setName] = useState('');
  const [perms, setPerms] = useState<string[]>([]);
  const [nameErr, setNameErr] = useState('');
  const [err, setErr] = useState('');
  const act = useAction(setErr, onClose);
  const submit = (e: Event) => {
    e.preventDefault();
    const role = name.trim();
    if (!role) return setNameErr('Role name cannot be empty');
    if (existing.includes(role)) return setNameErr('A role with this name already exists');
    setNameErr('');
    setErr('');
    act.run(true, async () => {
      const r = await api.createRole(role, perms);
      if (r.status === 'FEATURE_NOT_ENABLED_ERROR') return 'Feature is not enabled';
      if (r.status !== 'OK') return 'Could not create the role.';
      toast.success(`Role "${role}" created`);
      onCreated();
    });
  };
  return (
    <Dialog title="Create New Role" onClose={onClose}>
      <form class="form" onSubmit={submit} noValidate>
        <FormError text={err} />
        <div class="field">
          <label for="role-name">Name of Role</label>
          <input
            id="role-name"
            value={name}
            autoComplete="off"
            onInput={(e) => {
              setName(e.currentTarget.value);
              setNameErr('');
            }}
            aria-invalid={nameErr ? 'true' : undefined}
            aria-describedby={nameErr ? 'role-name-err' : undefined}
          />
          {nameErr && (
            <p id="role-name-err" class="field-error">
              {nameErr}
            </p>
          )}
        </div>
        <PermissionInput id="role-new-perm" existing={perms} onAdd={(p) => setPerms([...perms, p])} />
        {perms.length > 0 && (
          <ul class="chips" aria-label="Permissions to create">
            {perms.map((p) => (
              <li key={p} class="chip">
                <span>{p}</span>
                <button type="button" class="chip-x" aria-label={`Remove permission ${p}`} onClick={() => setPerms(perms.filter((x) => x !== p))}>
                  ×
                </button>
              </li>
            ))}
          </ul>
        )}
        <FormActions onCancel={onClose} label="Create now" busyLabel="Creating…" busy={act.busy !== null} />
      </form>
    </Dialog>
  );
}

function ManageRoleDialog({ role, onClose }: { role: string; onClose: () => void }) {
  const [err, setErr] = useState('');
  const [removing, setRemoving] = useState<string | null>(null);
  const { canWrite } = useApp();
  const perms = useLoad<string[]>(async () => {
    const r = await api.rolePermissions(role);
    if (r.status === 'UNKNOWN_ROLE_ERROR') setErr('This role does not exist any more.');
    return r.permissions ?? [];
  }, [role]);
  const act = useAction<string>(setErr, onClose);
  const list = perms.data;
  const loadErr = perms.state === 'error' ? errorText(perms.error, 'Could not load the permissions') : '';
  const focusLater = useFocusLater(list);

  const add = (p: string) =>
    act.run(p, async () => {
      const r = await api.createRole(role, [p]);
      if (r.status !== 'OK') return 'Could not add the permission.';
      toast.success(`Permission "${p}" added`);
      perms.reload();
    });
  /** remove removes a permission, then gives the focus to the next one's button, or the input. */
  const remove = async (p: string) => {
    const r = await api.removePermissions(role, [p]);
    if (r.status === 'UNKNOWN_ROLE_ERROR') return 'This role does not exist any more.';
    if (r.status !== 'OK') return 'Could not remove the permission.';
    const all = list ?? [];
    const i = all.indexOf(p);
    const next = all[i + 1] ?? all[i - 1];
    const dialog = document.getElementById('role-add-perm')?.closest('dialog');
    focusLater(
      () =>
        (next && dialog?.querySelector<HTMLElement>(`[aria-label="${CSS.escape(`Remove permission ${next}`)}"]`)) ||
        document.getElementById('role-add-perm'),
    );
    toast.success(`Permission "${p}" removed`);
    setRemoving(null);
    perms.reload();
  };

  return (
    <Dialog title={`Role: ${role}`} onClose={onClose} wide>
      <FormError text={err || loadErr} />
      <h3 class="dialog-sub">Permissions</h3>
      {list === null && !err && !loadErr && (
        <p class="muted" role="status">
          Loading permissions…
        </p>
      )}
      {list && list.length === 0 && <p class="muted">No Permissions</p>}
      {list && list.length > 0 && (
        <ul class="chips" aria-label={`Permissions of ${role}`}>
          {list.map((p) => (
            <li key={p} class="chip">
              <span>{p}</span>
              <WriteButton class="chip-x" aria-label={`Remove permission ${p}`} onClick={() => setRemoving(p)}>
                ×
              </WriteButton>
            </li>
          ))}
        </ul>
      )}
      {list && <PermissionInput id="role-add-perm" existing={list} onAdd={add} disabled={!canWrite} />}
      <div class="dialog-actions">
        <button type="button" class="btn btn-primary" onClick={onClose}>
          Done
        </button>
      </div>
      {removing !== null && (
        <ConfirmDialog
          title="Remove permission?"
          confirm="Remove permission"
          busyLabel="Removing…"
          onClose={() => setRemoving(null)}
          onConfirm={() => remove(removing)}
        >
          <p>
            Remove the permission <strong>{removing}</strong> from the role <strong>{role}</strong>? Every user with
            the role loses it. You can add it again later.
          </p>
        </ConfirmDialog>
      )}
    </Dialog>
  );
}

function DeleteRoleDialog({ role, onClose, onDeleted }: { role: string; onClose: () => void; onDeleted: () => void }) {
  return (
    <ConfirmDialog
      title="Delete Role?"
      confirm="Delete role"
      busyLabel="Deleting…"
      onClose={onClose}
      onConfirm={async () => {
        const r = await api.deleteRole(role);
        if (r.status !== 'OK') return 'Could not delete the role.';
        toast.success(`Role "${role}" deleted`);
        onDeleted();
      }}
    >
      <p>
        Are you sure you want to delete the role <strong>{role}</strong>? It is removed from every user who has it. This
        cannot be undone.
      </p>
    </ConfirmDialog>
  );
}

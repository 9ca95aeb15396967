// The dialog of a bulk action: what it will do to how many users, and what it needs (a reason,
// a role, or for deleting the number of users typed to confirm). It sends nothing itself:
// onRun does, and the dialog shows its failure.

import { useEffect, useState } from 'preact/hooks';
import { api, type BulkActionName } from '../../api';
import { errorText } from '../../errors';
import { fmtNumber } from '../../format';
import { useAction } from '../../hooks';
import { Dialog } from '../../ui/Dialog';
import { FormActions, FormError, TextAreaField } from '../../ui/forms';

/** BulkParams are an action's own parameters. */
export interface BulkParams {
  reason?: string;
  role?: string;
}

const users = (n: number) => `${fmtNumber(n)} ${n === 1 ? 'user' : 'users'}`;

/** titles name each dialog after what it does to n users. */
const titles: Record<BulkActionName, (n: number) => string> = {
  revokeSessions: (n) => `Revoke the sessions of ${users(n)}`,
  suspend: (n) => `Suspend ${users(n)}`,
  reinstate: (n) => `Reinstate ${users(n)}`,
  addRole: (n) => `Add a role to ${users(n)}`,
  removeRole: (n) => `Remove a role from ${users(n)}`,
  delete: (n) => `Delete ${users(n)}?`,
};

const buttons: Record<BulkActionName, [string, string]> = {
  revokeSessions: ['Revoke sessions', 'Revoking…'],
  suspend: ['Suspend', 'Suspending…'],
  reinstate: ['Reinstate', 'Reinstating…'],
  addRole: ['Add role', 'Adding…'],
  removeRole: ['Remove role', 'Removing…'],
  delete: ['Delete forever', 'Deleting…'],
};

const explain: Record<BulkActionName, string> = {
  revokeSessions: 'They are signed out on every device, in every tenant; they can sign in again.',
  suspend:
    'Suspended users cannot sign in, refresh a session or get a new one; their sessions are revoked now. Users already suspended stay as they are.',
  reinstate: 'They can sign in again. Users not suspended stay as they are.',
  addRole: 'Users who already have the role keep it.',
  removeRole: 'Users without the role stay as they are.',
  delete: 'This permanently deletes them, their sessions, metadata and roles, and any accounts linked to them.',
};

export function BulkDialog({
  action,
  count,
  scope,
  onRun,
  onClose,
}: {
  action: BulkActionName;
  /** count is how many users the action reaches. */
  count: number;
  /** scope says which users, such as "the 2 users selected". */
  scope: string;
  onRun: (p: BulkParams) => Promise<string | void>;
  onClose: () => void;
}) {
  const [err, setErr] = useState('');
  const [reason, setReason] = useState('');
  const [reasonErr, setReasonErr] = useState('');
  const [roles, setRoles] = useState<string[] | null>(null);
  const [role, setRole] = useState('');
  const [typed, setTyped] = useState('');
  const act = useAction(setErr, onClose);
  const needsRole = action === 'addRole' || action === 'removeRole';
  useEffect(() => {
    if (!needsRole) return;
    api
      .roles()
      .then((r) => {
        setRoles(r.roles ?? []);
        setRole((r.roles ?? [])[0] ?? '');
      })
      .catch((e) => setErr(errorText(e, 'Could not load the roles')));
  }, []);
  const confirmText = String(count);
  const typedOk = action !== 'delete' || typed.trim().replace(/[,\s]/g, '') === confirmText;
  const submit = (e: Event) => {
    e.preventDefault();
    setErr('');
    const p: BulkParams = {};
    if (action === 'suspend') {
      const r = reason.trim();
      setReasonErr(r ? '' : 'Give a reason: operators will read it later');
      if (!r) return;
      p.reason = r;
    }
    if (needsRole) {
      if (!role) return;
      p.role = role;
    }
    if (!typedOk) return;
    act.run(true, () => onRun(p), 'The action did not run.');
  };
  const [label, busyLabel] = buttons[action];
  return (
    <Dialog title={titles[action](count)} alert={action === 'delete'} onClose={onClose} refocus={roles !== null}>
      <form class="form" onSubmit={submit} noValidate>
        <FormError text={err} />
        <p>
          This acts on {scope}. {explain[action]}
        </p>
        {count > 10000 && (
          <p class="alert alert-warn">
            One run acts on at most 10,000 users, newest first; you can then run it again on the next ones.
          </p>
        )}
        {action === 'suspend' && (
          <TextAreaField id="bulk-reason" label="Reason" maxLength={1000} value={reason} error={reasonErr} onValue={setReason} />
        )}
        {needsRole && roles === null && !err && (
          <p role="status" class="muted">
            Loading roles…
          </p>
        )}
        {needsRole && roles !== null && roles.length === 0 && <p class="muted">There are no roles yet: create one on the Roles page.</p>}
        {needsRole && roles !== null && roles.length > 0 && (
          <div class="field">
            <label for="bulk-role">Role</label>
            <select id="bulk-role" value={role} onChange={(e) => setRole(e.currentTarget.value)}>
              {roles.map((r) => (
                <option key={r} value={r}>
                  {r}
                </option>
              ))}
            </select>
          </div>
        )}
        {action === 'delete' && (
          <div class="field">
            <label for="bulk-confirm">{`Type ${confirmText} (the number of users) to confirm`}</label>
            <input
              id="bulk-confirm"
              type="text"
              inputMode="numeric"
              autoComplete="off"
              spellcheck={false}
              value={typed}
              onInput={(e) => setTyped(e.currentTarget.value)}
            />
          </div>
        )}
        <FormActions
          onCancel={onClose}
          label={label}
          busyLabel={busyLabel}
          busy={act.busy !== null}
          disabled={!typedOk || (needsRole && !role)}
          danger={action === 'delete' || action === 'suspend'}
        />
      </form>
    </Dialog>
  );
}

// The team page (a Latchkey extension): admins list, add and remove dashboard accounts and set
// each one's role; every account, read-only ones too, changes its own password here.

import { useState } from 'preact/hooks';
import { api, type TeamAccount } from '../api';
import { useApp } from '../context';
import { errorText } from '../errors';
import { fmtDate, fmtDateTime } from '../format';
import { useAction, useFocusLater, useLoad } from '../hooks';
import { Card } from '../ui/Card';
import { ConfirmDialog } from '../ui/ConfirmDialog';
import { Dialog } from '../ui/Dialog';
import { Field, FormActions, FormError } from '../ui/forms';
import { PlusIcon } from '../ui/icons';
import { PageHeading } from '../ui/PageHeading';
import { toast } from '../ui/toast';
import { WriteButton } from '../ui/WriteButton';

/** refusalText words the core's refusals of a new password or account. */
function refusalText(status: string, message?: string): string {
  switch (status) {
    case 'PASSWORD_WEAK_ERROR':
      return message || 'The password is too weak.';
    case 'EMAIL_ALREADY_EXISTS_ERROR':
      return 'Another dashboard account has this email.';
    case 'INVALID_EMAIL_ERROR':
      return 'This is not a valid email address.';
    case 'INVALID_CREDENTIALS_ERROR':
      return 'The current password is wrong.';
    default:
      return message || `The server refused (${status}).`;
  }
}

export function Team() {
  const { canWrite } = useApp();
  return (
    <section class="container">
      <PageHeading title="Team" sub="The accounts that sign in to this dashboard, and what each may do." />
      <div class="team-cards">
        {canWrite ? (
          <Accounts />
        ) : (
          <p class="alert alert-info">Only admins see and manage the team. You can change your own password below.</p>
        )}
        <OwnPassword />
      </div>
    </section>
  );
}

type Dialogs =
  | { kind: 'add' }
  | { kind: 'role'; account: TeamAccount }
  | { kind: 'remove'; account: TeamAccount }
  | { kind: 'unlock'; account: TeamAccount }
  | null;

function Accounts() {
  const loaded = useLoad(async () => {
    const r = await api.team();
    return { accounts: r.accounts, rolesFromConfig: r.rolesFromConfig };
  }, []);
  const [dialog, setDialog] = useState<Dialogs>(null);
  const focusLater = useFocusLater(loaded.data);
  const data = loaded.data;
  const done = (focusId: string) => {
    setDialog(null);
    focusLater(() => document.getElementById(focusId) ?? document.getElementById('team-heading'));
    loaded.reload();
  };
  return (
    <Card
      title="Accounts"
      id="team-heading"
      wide
      actions={
        <WriteButton id="team-add" class="btn btn-primary btn-small" onClick={() => setDialog({ kind: 'add' })}>
          <PlusIcon />
          <span>Add account</span>
        </WriteButton>
      }
    >
      {loaded.state === 'loading' && (
        <p class="muted" role="status">
          Loading accounts…
        </p>
      )}
      {loaded.state === 'error' && (
        <div class="alert alert-error" role="alert">
          <p>{errorText(loaded.error, 'Could not load the team.')}</p>
          <button type="button" class="btn btn-small" onClick={loaded.reload}>
            Retry
          </button>
        </div>
      )}
      {data && data.rolesFromConfig && (
        <p class="alert alert-info" id="team-roles-config">
          Roles come from the Admins list in the backend's dashboard config, so they cannot be changed here.
        </p>
      )}
      {data && (
        <div class="table-wrap">
          <table class="table table-stack">
            <caption class="sr-only">Dashboard accounts, oldest first</caption>
            <thead>
              <tr>
                <th scope="col">Email</th>
                <th scope="col">Role</th>
                <th scope="col">Added</th>
                <th scope="col">
                  <span class="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {data.accounts.map((a) => (
                <tr key={a.userId}>
                  <th scope="row" data-label="Email" class="team-email">
                    <span class="break">{a.email}</span> {a.you && <span class="pill pill-strong">You</span>}
                  </th>
                  <td data-label="Role">
                    {a.readOnly ? 'Read-only' : 'Admin'}
                    {a.lockedUntil && a.lockedUntil > Date.now() && (
                      <>
                        {' '}
                        <span class="pill pill-warn pill-wrap" id={`team-locked-${a.userId}`}>
                          Locked until {fmtDateTime(a.lockedUntil)}
                        </span>
                      </>
                    )}
                  </td>
                  <td data-label="Added">{fmtDate(a.timeJoined)}</td>
                  <td class="actions-cell">
                    {a.lockedUntil && a.lockedUntil > Date.now() && (
                      <WriteButton
                        id={`team-unlock-${a.userId}`}
                        class="btn btn-small"
                        aria-label={`Unlock ${a.email}`}
                        aria-describedby={`team-locked-${a.userId}`}
                        onClick={() => setDialog({ kind: 'unlock', account: a })}
                      >
                        Unlock
                      </WriteButton>
                    )}
                    {!a.you && !data.rolesFromConfig && (
                      <WriteButton
                        id={`team-role-${a.userId}`}
                        class="btn btn-small"
                        aria-label={a.readOnly ? `Make ${a.email} an admin` : `Make ${a.email} read-only`}
                        onClick={() => setDialog({ kind: 'role', account: a })}
                      >
                        {a.readOnly ? 'Make admin' : 'Make read-only'}
                      </WriteButton>
                    )}
                    {!a.you && (
                      <WriteButton
                        class="btn btn-small btn-danger-outline"
                        aria-label={`Remove ${a.email}`}
                        onClick={() => setDialog({ kind: 'remove', account: a })}
                      >
                        Remove
                      </WriteButton>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {dialog?.kind === 'add' && (
        <AddAccountDialog rolesFromConfig={data?.rolesFromConfig ?? false} onClose={() => setDialog(null)} onAdded={() => done('team-add')} />
      )}
      {dialog?.kind === 'role' && (
        <ConfirmDialog
          title={dialog.account.readOnly ? 'Make admin?' : 'Make read-only?'}
          confirm={dialog.account.readOnly ? 'Make admin' : 'Make read-only'}
          busyLabel="Saving…"
          onClose={() => setDialog(null)}
          onConfirm={async () => {
            const a = dialog.account;
            await api.setTeamRole(a.userId, !a.readOnly);
            toast.success(`${a.email} is now ${a.readOnly ? 'an admin' : 'read-only'}`);
            done(`team-role-${a.userId}`);
          }}
        >
          <p>
            {dialog.account.readOnly
              ? `${dialog.account.email} will be able to change users, roles and this team.`
              : `${dialog.account.email} will only be able to look.`}{' '}
            Their dashboard sessions end, and they sign in again.
          </p>
        </ConfirmDialog>
      )}
      {dialog?.kind === 'unlock' && (
        <ConfirmDialog
          title="Unlock account?"
          confirm="Unlock"
          busyLabel="Unlocking…"
          onClose={() => setDialog(null)}
          onConfirm={async () => {
            const a = dialog.account;
            await api.unlockTeamAccount(a.userId);
            toast.success(`${a.email} can sign in again`);
            done('team-heading');
          }}
        >
          <p>
            <strong class="break">{dialog.account.email}</strong> is locked after too many wrong passwords. Unlock it so
            that it can sign in now? If you did not expect the lock, someone may be guessing its password.
          </p>
        </ConfirmDialog>
      )}
      {dialog?.kind === 'remove' && (
        <ConfirmDialog
          title="Remove account?"
          confirm="Remove account"
          busyLabel="Removing…"
          onClose={() => setDialog(null)}
          onConfirm={async () => {
            const a = dialog.account;
            await api.removeTeamAccount(a.userId);
            toast.success(`${a.email} removed`);
            done('team-add');
          }}
        >
          <p>
            Remove the dashboard account <strong class="break">{dialog.account.email}</strong>? It can no longer sign in,
            and its sessions end. The application's users are not affected.
          </p>
        </ConfirmDialog>
      )}
    </Card>
  );
}

function AddAccountDialog({ rolesFromConfig, onClose, onAdded }: { rolesFromConfig: boolean; onClose: () => void; onAdded: () => void }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [readOnly, setReadOnly] = useState(true);
  const [emailErr, setEmailErr] = useState('');
  const [pwErr, setPwErr] = useState('');
  const [err, setErr] = useState('');
  const act = useAction(setErr, onClose);
  const submit = (e: Event) => {
    e.preventDefault();
    setErr('');
    setEmailErr(email.trim() ? '' : 'Enter an email.');
    setPwErr(password.trim() ? '' : 'Enter a password.');
    if (!email.trim() || !password.trim()) return;
    act.run(true, async () => {
      const r = await api.addTeamAccount(email.trim(), password, readOnly);
      if (r.status === 'EMAIL_ALREADY_EXISTS_ERROR' || r.status === 'INVALID_EMAIL_ERROR') return setEmailErr(refusalText(r.status));
      if (r.status === 'PASSWORD_WEAK_ERROR') return setPwErr(refusalText(r.status, r.message));
      if (r.status !== 'OK') return refusalText(r.status, r.message);
      toast.success(`${email.trim()} added`);
      onAdded();
    });
  };
  return (
    <Dialog title="Add a dashboard account" onClose={onClose}>
      <form class="form" onSubmit={submit} noValidate>
        <FormError text={err} />
        <Field id="team-new-email" label="Email" type="email" autoComplete="off" value={email} onValue={(v) => (setEmail(v), setEmailErr(''))} error={emailErr} />
        <Field
          id="team-new-password"
          label="Password"
          type="password"
          autoComplete="new-password"
          value={password}
          onValue={(v) => (setPassword(v), setPwErr(''))}
          error={pwErr}
          hint="At least 8 characters, with a letter and a number. Share it with them privately; they can change it here."
        />
        {rolesFromConfig ? (
          <p class="field-hint">The backend's Admins list decides whether this account may make changes.</p>
        ) : (
          <fieldset class="field radio-group">
            <legend>Role</legend>
            <label class="radio">
              <input type="radio" name="team-new-role" checked={readOnly} onChange={() => setReadOnly(true)} />
              Read-only: may look at everything, change nothing
            </label>
            <label class="radio">
              <input type="radio" name="team-new-role" checked={!readOnly} onChange={() => setReadOnly(false)} />
              Admin: may change users, roles and this team
            </label>
          </fieldset>
        )}
        <FormActions onCancel={onClose} label="Add account" busyLabel="Adding…" busy={act.busy !== null} />
      </form>
    </Dialog>
  );
}

function OwnPassword() {
  const { endSession } = useApp();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [currentErr, setCurrentErr] = useState('');
  const [nextErr, setNextErr] = useState('');
  const [err, setErr] = useState('');
  const act = useAction(setErr);
  const submit = (e: Event) => {
    e.preventDefault();
    setErr('');
    setCurrentErr(current ? '' : 'Enter your current password.');
    setNextErr(next.trim() ? '' : 'Enter a new password.');
    if (!current || !next.trim()) return;
    act.run(true, async () => {
      const r = await api.changeOwnPassword(current, next);
      if (r.status === 'INVALID_CREDENTIALS_ERROR') return setCurrentErr(refusalText(r.status));
      if (r.status === 'PASSWORD_WEAK_ERROR') return setNextErr(refusalText(r.status, r.message));
      if (r.status !== 'OK') return refusalText(r.status, r.message);
      // The change ended every session of the account, this one too.
      endSession('password');
    });
  };
  return (
    <Card title="Your password" id="team-password-heading">
      <form class="form form-narrow" onSubmit={submit} noValidate>
        <FormError text={err} />
        <Field
          id="team-current-password"
          label="Current password"
          type="password"
          autoComplete="current-password"
          value={current}
          onValue={(v) => (setCurrent(v), setCurrentErr(''))}
          error={currentErr}
        />
        <Field
          id="team-next-password"
          label="New password"
          type="password"
          autoComplete="new-password"
          value={next}
          onValue={(v) => (setNext(v), setNextErr(''))}
          error={nextErr}
          hint="Changing it signs you out everywhere; sign in again with the new one."
        />
        <div class="form-actions">
          <button type="submit" class="btn btn-primary" disabled={act.busy !== null}>
            {act.busy ? 'Changing…' : 'Change password'}
          </button>
        </div>
      </form>
    </Card>
  );
}

// "Change password" for an email-password login method: new password twice,
// and "Sign out everywhere" (on by default), which revokes the user's sessions.

import { useState } from 'preact/hooks';
import { api, type LoginMethod, type User } from '../../api';
import { useAction } from '../../hooks';
import { Dialog } from '../../ui/Dialog';
import { Field, FormActions, FormError } from '../../ui/forms';
import { toast } from '../../ui/toast';
import { tenantOf } from './update';

export function PasswordDialog({ user, m, onClose }: { user: User; m: LoginMethod; onClose: () => void }) {
  const [pw, setPw] = useState('');
  const [pw2, setPw2] = useState('');
  const [pwErr, setPwErr] = useState('');
  const [pw2Err, setPw2Err] = useState('');
  const [signOut, setSignOut] = useState(true);
  const [err, setErr] = useState('');
  const act = useAction(setErr, onClose);
  const submit = (e: Event) => {
    e.preventDefault();
    setErr('');
    setPwErr(pw ? '' : 'Password cannot be empty');
    setPw2Err(pw && pw !== pw2 ? 'Passwords do not match' : '');
    if (!pw || pw !== pw2) return;
    act.run(true, async () => {
      const r = await api.changePassword(tenantOf(m, user), m.recipeUserId, pw, signOut);
      if (r.status === 'INVALID_PASSWORD_ERROR') return setPwErr(r.error || 'Password is invalid');
      if (r.status !== 'OK') return 'Something went wrong. Please try again.';
      toast.success('Password updated');
      onClose();
    });
  };
  return (
    <Dialog title="Change Password" onClose={onClose}>
      <form class="form" onSubmit={submit} noValidate>
        <FormError text={err} />
        <Field id="new-password" label="New Password" type="password" autoComplete="new-password" value={pw} onValue={setPw} error={pwErr} />
        <Field
          id="confirm-password"
          label="Confirm Password"
          type="password"
          autoComplete="new-password"
          value={pw2}
          onValue={setPw2}
          error={pw2Err}
        />
        <label class="radio">
          <input type="checkbox" checked={signOut} onChange={(e) => setSignOut((e.target as HTMLInputElement).checked)} />
          Sign out everywhere (revoke the user's sessions)
        </label>
        <FormActions onCancel={onClose} label="Change password" busyLabel="Saving…" busy={act.busy !== null} />
      </form>
    </Dialog>
  );
}

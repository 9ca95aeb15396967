// Deleting a user, confirmed by typing the user's email (or phone, or id).

import { useState } from 'preact/hooks';
import { api, type User } from '../../api';
import { displayName, primaryEmail, primaryPhone } from '../../format';
import { useAction } from '../../hooks';
import { navigate } from '../../router';
import { Dialog } from '../../ui/Dialog';
import { Field, FormActions, FormError } from '../../ui/forms';
import { toast } from '../../ui/toast';

export function DeleteUserDialog({ user, onClose }: { user: User; onClose: () => void }) {
  const confirmText = primaryEmail(user) || primaryPhone(user) || user.id;
  const [typed, setTyped] = useState('');
  const [err, setErr] = useState('');
  const act = useAction(setErr, onClose);
  const ok = typed.trim() === confirmText;
  const submit = (e: Event) => {
    e.preventDefault();
    if (!ok) return;
    setErr('');
    act.run(
      true,
      async () => {
        const r = await api.deleteUser(user.id);
        if (r.status !== 'OK') return 'User is not deleted';
        toast.success('User deleted successfully');
        onClose();
        navigate('/');
      },
      'User is not deleted',
    );
  };
  return (
    <Dialog title="Delete User?" alert onClose={onClose}>
      <form class="form" onSubmit={submit} noValidate>
        <p>
          This permanently deletes <strong>{displayName(user)}</strong>, their sessions, metadata and roles. This will
          also delete any accounts linked to this user.
        </p>
        <FormError text={err} />
        <Field
          id="delete-confirm"
          label={`Type ${confirmText} to confirm`}
          autoComplete="off"
          spellcheck={false}
          value={typed}
          onValue={setTyped}
        />
        <FormActions onCancel={onClose} label="Delete Forever" busyLabel="Deleting…" busy={act.busy !== null} disabled={!ok} danger />
      </form>
    </Dialog>
  );
}

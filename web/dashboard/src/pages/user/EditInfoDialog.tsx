// "Edit info": the user's first and last name, saved through PUT /api/user on the primary
// login method.

import { useState } from 'preact/hooks';
import type { User } from '../../api';
import { primaryMethod } from '../../format';
import { useAction } from '../../hooks';
import { Dialog } from '../../ui/Dialog';
import { Field, FormActions, FormError } from '../../ui/forms';
import { toast } from '../../ui/toast';
import { updateUser } from './update';

export function EditInfoDialog({ user, onClose, onSaved }: { user: User; onClose: () => void; onSaved: () => void }) {
  const [first, setFirst] = useState(user.firstName ?? '');
  const [last, setLast] = useState(user.lastName ?? '');
  const [err, setErr] = useState('');
  const act = useAction(setErr, onClose);
  const submit = (e: Event) => {
    e.preventDefault();
    const m = primaryMethod(user);
    if (!m) return setErr('This user has no login method.');
    setErr('');
    act.run(true, async () => {
      const msg = await updateUser(user, m, { firstName: first.trim(), lastName: last.trim() });
      if (msg) return msg;
      toast.success('User information updated successfully');
      onClose();
      onSaved();
    });
  };
  return (
    <Dialog title="Edit user information" onClose={onClose}>
      <form class="form" onSubmit={submit} noValidate>
        <FormError text={err} />
        <Field id="edit-first" label="First name" autoComplete="off" value={first} onValue={setFirst} />
        <Field id="edit-last" label="Last name" autoComplete="off" value={last} onValue={setLast} />
        <p class="muted small">Saved in the user metadata as first_name and last_name. An empty field keeps its current value.</p>
        <FormActions onCancel={onClose} label="Save" busyLabel="Saving…" busy={act.busy !== null} />
      </form>
    </Dialog>
  );
}

// "Edit info": the user's first and last name, saved through PUT /api/user on the primary
// login method.

import { useState } from 'preact/hooks';
import type { User } from '../../api';
import { useDraft } from '../../drafts';
import { useAction } from '../../hooks';
import { Dialog } from '../../ui/Dialog';
import { Field, FormActions, FormError } from '../../ui/forms';
import { toast } from '../../ui/toast';
import { saveNames } from './update';

export function EditInfoDialog({
  user,
  draft,
  onClose,
  onSaved,
}: {
  user: User;
  /** What was typed before the session expired. */
  draft?: Record<string, string> | null;
  onClose: () => void;
  onSaved: () => void;
}) {
  const [first, setFirst] = useState(draft?.first ?? user.firstName ?? '');
  const [last, setLast] = useState(draft?.last ?? user.lastName ?? '');
  useDraft(`info:${user.id}`, first !== (user.firstName ?? '') || last !== (user.lastName ?? '') ? { first, last } : null);
  const [err, setErr] = useState('');
  const act = useAction(setErr, onClose);
  const submit = (e: Event) => {
    e.preventDefault();
    const f = first.trim();
    const l = last.trim();
    if (f === (user.firstName ?? '') && l === (user.lastName ?? '')) return onClose();
    setErr('');
    act.run(true, async () => {
      const msg = await saveNames(user, f, l);
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
        <p class="muted small">Saved in the user metadata as first_name and last_name. Leave a field empty to remove that name.</p>
        <FormActions onCancel={onClose} label="Save" busyLabel="Saving…" busy={act.busy !== null} />
      </form>
    </Dialog>
  );
}

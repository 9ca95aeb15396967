// Editing a login method's email (email-password, passwordless) or phone (passwordless).

import { useState } from 'preact/hooks';
import type { LoginMethod, User } from '../../api';
import { useApp } from '../../context';
import { methodLabel, toE164 } from '../../format';
import { useDraft } from '../../drafts';
import { useAction } from '../../hooks';
import { Dialog } from '../../ui/Dialog';
import { Field, FormActions, FormError } from '../../ui/forms';
import { toast } from '../../ui/toast';
import { updateUser } from './update';

export function EditMethodDialog({
  user,
  m,
  draft,
  onClose,
  onSaved,
}: {
  user: User;
  m: LoginMethod;
  /** What was typed before the session expired. */
  draft?: Record<string, string> | null;
  onClose: () => void;
  onSaved: () => void;
}) {
  const [email, setEmail] = useState(draft?.email ?? m.email ?? '');
  const [phone, setPhone] = useState(draft?.phone ?? m.phoneNumber ?? '');
  useDraft(`method:${m.recipeId}:${m.recipeUserId}`, email !== (m.email ?? '') || phone !== (m.phoneNumber ?? '') ? { email, phone } : null);
  const [err, setErr] = useState('');
  const act = useAction(setErr, onClose);
  const showEmail = m.recipeId === 'emailpassword' || m.recipeId === 'passwordless';
  const showPhone = m.recipeId === 'passwordless';
  // A new email starts unverified: say so before the save, not after.
  const { config } = useApp();
  const typed = email.trim().toLowerCase();
  const unverifies = config.recipes.emailverification && m.verified && typed !== '' && typed !== (m.email ?? '').toLowerCase();
  const submit = (e: Event) => {
    e.preventDefault();
    setErr('');
    const newEmail = email.trim();
    const newPhone = phone.trim() ? toE164(phone) : '';
    const fields = {
      email: newEmail && newEmail !== m.email ? newEmail : '',
      phone: newPhone && newPhone !== m.phoneNumber ? newPhone : '',
    };
    if (!fields.email && !fields.phone) return onClose();
    act.run(true, async () => {
      const msg = await updateUser(user, m, fields);
      if (msg) return msg;
      toast.success('User information updated successfully');
      onClose();
      onSaved();
    });
  };
  return (
    <Dialog title={`Edit ${methodLabel(m)} login`} onClose={onClose}>
      <form class="form" onSubmit={submit} noValidate>
        <FormError text={err} />
        {showEmail && <Field id="edit-email" label="Email" type="email" autoComplete="off" value={email} onValue={setEmail} />}
        <div role="status">
          {unverifies && (
            <p class="alert alert-warn">
              The new email will be <strong>not verified</strong>: the user has to verify it again (or you can mark it
              verified after saving).
            </p>
          )}
        </div>
        {showPhone && (
          <Field
            id="edit-phone"
            label="Phone number"
            type="tel"
            autoComplete="off"
            value={phone}
            onValue={setPhone}
            hint="International format, e.g. +1 555 010 0000."
          />
        )}
        <FormActions onCancel={onClose} label="Save" busyLabel="Saving…" busy={act.busy !== null} />
      </form>
    </Dialog>
  );
}

// Editing a login method's email (email-password, passwordless) or phone (passwordless).

import { useState } from 'preact/hooks';
import type { LoginMethod, User } from '../../api';
import { methodLabel, toE164 } from '../../format';
import { useAction } from '../../hooks';
import { Dialog } from '../../ui/Dialog';
import { Field, FormActions, FormError } from '../../ui/forms';
import { toast } from '../../ui/toast';
import { updateUser } from './update';

export function EditMethodDialog({ user, m, onClose, onSaved }: { user: User; m: LoginMethod; onClose: () => void; onSaved: () => void }) {
  const [email, setEmail] = useState(m.email ?? '');
  const [phone, setPhone] = useState(m.phoneNumber ?? '');
  const [err, setErr] = useState('');
  const act = useAction(setErr, onClose);
  const showEmail = m.recipeId === 'emailpassword' || m.recipeId === 'passwordless';
  const showPhone = m.recipeId === 'passwordless';
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

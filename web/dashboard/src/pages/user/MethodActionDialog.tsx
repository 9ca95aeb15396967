// Unlinking or deleting one login method of a linked user, confirmed by typing the method's
// email (or phone, or id), as the reference dashboard asks.

import { useState } from 'preact/hooks';
import type { LoginMethod } from '../../api';
import { useAction } from '../../hooks';
import { Dialog } from '../../ui/Dialog';
import { Field, FormActions, FormError } from '../../ui/forms';

export interface MethodActionDialogProps {
  title: string;
  m: LoginMethod;
  /** What the action does, in a sentence. */
  text: string;
  label: string;
  busyLabel: string;
  /** run does the action: it returns an error text to show, or nothing when it is done. */
  run: () => Promise<string | void>;
  onClose: () => void;
}

export function MethodActionDialog({ title, m, text, label, busyLabel, run, onClose }: MethodActionDialogProps) {
  const confirmText = m.email || m.phoneNumber || m.recipeUserId;
  const [typed, setTyped] = useState('');
  const [err, setErr] = useState('');
  const act = useAction(setErr, onClose);
  const ok = typed.trim() === confirmText;
  const submit = (e: Event) => {
    e.preventDefault();
    if (!ok) return;
    setErr('');
    act.run(true, run);
  };
  const fieldId = `confirm-${m.recipeId}-${m.recipeUserId}`;
  return (
    <Dialog title={title} alert onClose={onClose}>
      <form class="form" onSubmit={submit} noValidate>
        <p>{text}</p>
        <FormError text={err} />
        <Field
          id={fieldId}
          label={`Type ${confirmText} to confirm`}
          autoComplete="off"
          spellcheck={false}
          value={typed}
          onValue={setTyped}
        />
        <FormActions onCancel={onClose} label={label} busyLabel={busyLabel} busy={act.busy !== null} disabled={!ok} danger />
      </form>
    </Dialog>
  );
}

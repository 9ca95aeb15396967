// A confirmation for an action that cannot be taken back: Cancel has the focus, the action's
// failure is shown in the dialog, and the dialog closes itself only when told to.

import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { useAction } from '../hooks';
import { Dialog } from './Dialog';
import { FormError } from './forms';

export interface ConfirmDialogProps {
  title: string;
  children: ComponentChildren;
  /** The action button's label, and what it says while the action runs. */
  confirm: string;
  busyLabel: string;
  /** onConfirm does the action: it returns an error text to show, or nothing when it is done. */
  onConfirm: () => Promise<string | void>;
  onClose: () => void;
}

export function ConfirmDialog({ title, children, confirm, busyLabel, onConfirm, onClose }: ConfirmDialogProps) {
  const [err, setErr] = useState('');
  const act = useAction(setErr, onClose);
  return (
    <Dialog title={title} alert onClose={onClose}>
      <FormError text={err} />
      {children}
      <div class="dialog-actions">
        <button type="button" class="btn" data-autofocus onClick={onClose}>
          Cancel
        </button>
        <button type="button" class="btn btn-danger" disabled={act.busy !== null} onClick={() => act.run(true, onConfirm)}>
          {act.busy ? busyLabel : confirm}
        </button>
      </div>
    </Dialog>
  );
}

// Small form helpers: a labelled field with an error message wired through aria-describedby.

import type { ComponentChildren } from 'preact';
import { useId } from 'preact/hooks';

type InputProps = {
  id?: string;
  type?: 'text' | 'email' | 'password' | 'tel' | 'search';
  value: string;
  autoComplete?: string;
  spellcheck?: boolean;
  placeholder?: string;
  disabled?: boolean;
  label: string;
  error?: string;
  hint?: ComponentChildren;
  onValue: (v: string) => void;
};

export function Field({ label, error, hint, onValue, id, type, ...rest }: InputProps) {
  const auto = useId();
  const fid = id || auto;
  const errId = `${fid}-err`;
  const hintId = `${fid}-hint`;
  const described = [hint ? hintId : '', error ? errId : ''].filter(Boolean).join(' ') || undefined;
  return (
    <div class="field">
      <label for={fid}>{label}</label>
      <input
        {...rest}
        // Preact 11 types <input> per type attribute; every type used here takes these attributes.
        type={(type ?? 'text') as 'text'}
        id={fid}
        aria-invalid={error ? 'true' : undefined}
        aria-describedby={described}
        onInput={(e) => onValue(e.currentTarget.value)}
      />
      {hint && (
        <p id={hintId} class="field-hint">
          {hint}
        </p>
      )}
      {error && (
        <p id={errId} class="field-error">
          {error}
        </p>
      )}
    </div>
  );
}

/** TextAreaField is Field for text of several lines, such as a suspension's reason. */
export function TextAreaField({
  id,
  label,
  value,
  error,
  rows = 3,
  maxLength,
  onValue,
}: {
  id: string;
  label: string;
  value: string;
  error?: string;
  rows?: number;
  maxLength?: number;
  onValue: (v: string) => void;
}) {
  const errId = `${id}-err`;
  return (
    <div class="field">
      <label for={id}>{label}</label>
      <textarea
        id={id}
        rows={rows}
        maxLength={maxLength}
        value={value}
        aria-invalid={error ? 'true' : undefined}
        aria-describedby={error ? errId : undefined}
        onInput={(e) => onValue(e.currentTarget.value)}
      />
      {error && (
        <p id={errId} class="field-error">
          {error}
        </p>
      )}
    </div>
  );
}

export function FormError({ text }: { text: string }) {
  if (!text) return null;
  return (
    <div class="alert alert-error" role="alert">
      {text}
    </div>
  );
}

/**
 * FormActions are the Cancel and submit buttons at the foot of a dialog's form. The submit
 * button says busyLabel while busy.
 */
export function FormActions({
  onCancel,
  label,
  busyLabel,
  busy,
  disabled,
  danger,
}: {
  onCancel: () => void;
  label: string;
  busyLabel: string;
  busy: boolean;
  disabled?: boolean;
  danger?: boolean;
}) {
  return (
    <div class="dialog-actions">
      <button type="button" class="btn" onClick={onCancel}>
        Cancel
      </button>
      <button type="submit" class={danger ? 'btn btn-danger' : 'btn btn-primary'} disabled={busy || disabled}>
        {busy ? busyLabel : label}
      </button>
    </div>
  );
}

// Modal dialog on the native <dialog> element: showModal() makes the rest of the page inert;
// Tab is kept inside, Escape closes, and focus returns to where it was when the dialog opened.

import type { ComponentChildren } from 'preact';
import { useId, useLayoutEffect, useRef } from 'preact/hooks';
import { cls } from '../format';

const FOCUSABLE =
  'a[href], button:not([disabled]), input:not([disabled]):not([type="hidden"]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

function focusables(root: HTMLElement): HTMLElement[] {
  return Array.from(root.querySelectorAll<HTMLElement>(FOCUSABLE)).filter((el) => el.offsetParent !== null || el === document.activeElement);
}

export interface DialogProps {
  title: string;
  onClose: () => void;
  children: ComponentChildren;
  /** alertdialog for confirmations and errors. */
  alert?: boolean;
  wide?: boolean;
  /** Short description read with the title. */
  description?: string;
  /**
   * refocus, when it changes (such as when the content has loaded), moves the focus to the
   * first field again, unless the user has moved it since the dialog opened.
   */
  refocus?: unknown;
}

/** autofocusTarget is where a dialog puts the focus: [data-autofocus], else the first field. */
function autofocusTarget(d: HTMLElement): HTMLElement | undefined {
  const body = d.querySelector<HTMLElement>('.dialog-body');
  return (
    d.querySelector<HTMLElement>('[data-autofocus]') ??
    (body ? body.querySelector<HTMLElement>('input:not([disabled]), select:not([disabled]), textarea:not([disabled])') : null) ??
    (body ? focusables(body)[0] : null) ??
    focusables(d)[0]
  );
}

export function Dialog({ title, onClose, children, alert, wide, description, refocus }: DialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const autoFocused = useRef<HTMLElement | undefined>(undefined);
  const closeRef = useRef(onClose);
  closeRef.current = onClose;
  const titleId = useId();
  const descId = useId();

  useLayoutEffect(() => {
    const prev = document.activeElement as HTMLElement | null;
    const d = ref.current!;
    // Chrome may close a dialog on a repeated Escape even when cancel is prevented: keep state in
    // step. The listener comes and goes with the dialog itself, in this layout effect: attached
    // later (in an effect that runs after paint), it could miss its cleanup when a dialog is
    // closed within a frame, and then the close event of this dialog's own close() below would
    // reach it and close the next dialog its owner opens.
    const onNativeClose = () => closeRef.current();
    if (!d.open) d.showModal();
    d.addEventListener('close', onNativeClose);
    autoFocused.current = autofocusTarget(d);
    autoFocused.current?.focus();
    return () => {
      d.removeEventListener('close', onNativeClose);
      if (d.open) d.close();
      if (prev && prev.isConnected && prev !== document.body) prev.focus();
      else document.getElementById('main-heading')?.focus();
    };
  }, []);

  useLayoutEffect(() => {
    if (refocus === undefined) return;
    const d = ref.current!;
    const a = document.activeElement;
    if (a !== autoFocused.current && a !== document.body && a !== d && d.contains(a)) return;
    autoFocused.current = autofocusTarget(d);
    autoFocused.current?.focus();
  }, [refocus]);

  const onCancel = (e: Event) => {
    e.preventDefault();
    closeRef.current();
  };

  const onKeyDown = (e: KeyboardEvent) => {
    // A dialog opened from this one handles its own keys.
    if (e.key !== 'Tab' || (e.target as Element).closest('dialog') !== ref.current) return;
    const list = focusables(ref.current!);
    if (list.length === 0) return;
    const first = list[0];
    const last = list[list.length - 1];
    if (e.shiftKey && document.activeElement === first) {
      e.preventDefault();
      last.focus();
    } else if (!e.shiftKey && document.activeElement === last) {
      e.preventDefault();
      first.focus();
    }
  };

  return (
    <dialog
      ref={ref}
      class={cls('dialog', wide && 'dialog-wide')}
      role={alert ? 'alertdialog' : undefined}
      aria-modal="true"
      aria-labelledby={titleId}
      aria-describedby={description ? descId : undefined}
      onCancel={onCancel}
      onKeyDown={onKeyDown}
    >
      <div class="dialog-head">
        <h2 id={titleId}>{title}</h2>
        <button type="button" class="icon-btn" aria-label="Close dialog" onClick={() => closeRef.current()}>
          ×
        </button>
      </div>
      <div class="dialog-body">
        {description && (
          <p id={descId} class="dialog-desc">
            {description}
          </p>
        )}
        {children}
      </div>
    </dialog>
  );
}

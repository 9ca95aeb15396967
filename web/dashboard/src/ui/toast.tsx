// Global toasts. Success/info toasts are in a polite live region, errors in an assertive one.

import { useEffect, useState } from 'preact/hooks';
import { cls } from '../format';

type Kind = 'success' | 'error' | 'info';
interface Toast {
  id: number;
  kind: Kind;
  text: string;
}

let items: Toast[] = [];
let nextId = 1;
const listeners = new Set<(t: Toast[]) => void>();

function emit() {
  listeners.forEach((fn) => fn(items));
}

function remove(id: number) {
  items = items.filter((t) => t.id !== id);
  emit();
}

function push(kind: Kind, text: string) {
  const id = nextId++;
  items = [...items.slice(-3), { id, kind, text }];
  emit();
  window.setTimeout(() => remove(id), kind === 'error' ? 8000 : 5000);
}

export const toast = {
  success: (t: string) => push('success', t),
  error: (t: string) => push('error', t),
  info: (t: string) => push('info', t),
  // clear drops every toast, so that one account's messages do not show to the next.
  clear: () => {
    items = [];
    emit();
  },
};

export function Toasts() {
  const [list, setList] = useState<Toast[]>(items);
  useEffect(() => {
    listeners.add(setList);
    return () => {
      listeners.delete(setList);
    };
  }, []);
  const region = (kinds: Kind[], live: 'polite' | 'assertive') => (
    <div class="toast-region" aria-live={live} aria-relevant="additions text" role={live === 'assertive' ? 'alert' : 'status'}>
      {list
        .filter((t) => kinds.includes(t.kind))
        .map((t) => (
          <div key={t.id} class={cls('toast', `toast-${t.kind}`)}>
            <span class="toast-text">{t.text}</span>
            <button type="button" class="icon-btn toast-close" aria-label="Dismiss notification" onClick={() => remove(t.id)}>
              ×
            </button>
          </div>
        ))}
    </div>
  );
  return (
    <div class="toasts">
      {region(['success', 'info'], 'polite')}
      {region(['error'], 'assertive')}
    </div>
  );
}

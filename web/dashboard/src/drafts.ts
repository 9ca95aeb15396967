// Unsaved edits survive an expired dashboard session. An open form registers what it holds
// (useDraft); when a call answers 401, keepDrafts() writes them to sessionStorage (this tab
// only); after the same account signs in again, the same form on the same page takes its
// draft back (takeDraft) and reopens with it. Signing out on purpose drops them.

import { useEffect } from 'preact/hooks';
import { storage } from './api';

const KEY = 'latchkey-drafts';

interface Draft {
  email: string;
  path: string;
  values: Record<string, string>;
}

const open = new Map<string, Draft>();

function here(): string {
  return location.pathname + location.search;
}

function read(): Record<string, Draft> {
  try {
    const v: unknown = JSON.parse(sessionStorage.getItem(KEY) ?? '{}');
    return v && typeof v === 'object' ? (v as Record<string, Draft>) : {};
  } catch {
    return {};
  }
}

function write(all: Record<string, Draft>): void {
  try {
    if (Object.keys(all).length) sessionStorage.setItem(KEY, JSON.stringify(all));
    else sessionStorage.removeItem(KEY);
  } catch {
    /* storage unavailable: the draft is lost, as it was before */
  }
}

/** useDraft registers the values of the open form named form; null means nothing to keep. */
export function useDraft(form: string, values: Record<string, string> | null): void {
  const key = JSON.stringify(values);
  useEffect(() => {
    if (values) open.set(form, { email: storage.email() ?? '', path: here(), values });
    else open.delete(form);
    return () => {
      open.delete(form);
    };
  }, [form, key]);
}

/** keepDrafts stores the open forms' values and reports whether there were any. */
export function keepDrafts(): boolean {
  if (open.size === 0) return Object.keys(read()).length > 0;
  write({ ...read(), ...Object.fromEntries(open) });
  return true;
}

/** takeDraft returns (and forgets) the kept values of form, if this account left them here. */
export function takeDraft(form: string): Record<string, string> | null {
  const all = read();
  const d = all[form];
  if (!d) return null;
  if (d.path !== here()) return null;
  delete all[form];
  write(all);
  return d.email === (storage.email() ?? '') ? d.values : null;
}

/** hasDrafts reports whether any draft waits for the next sign-in. */
export function hasDrafts(): boolean {
  return Object.keys(read()).length > 0;
}

/** dropDrafts forgets every kept draft (signing out on purpose). */
export function dropDrafts(): void {
  write({});
}

/** RESTORED is what the operator is told when a form reopens with its draft. */
export const RESTORED = 'Your unsaved changes are back: review them, then save.';

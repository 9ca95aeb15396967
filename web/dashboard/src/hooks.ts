// Small hooks every screen shares: loading data that may be reloaded, and running one write at
// a time with its failure shown where the operator looks.

import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { errorText, isDenied } from './errors';

/** DISABLED is what a loader returns when the backend does not have the feature. */
export const DISABLED = Symbol('disabled');
/** NOT_FOUND is what a loader returns when the thing asked for does not exist. */
export const NOT_FOUND = Symbol('not found');

export type LoadState = 'loading' | 'ok' | 'disabled' | 'notfound' | 'error';

export interface Loaded<T> {
  state: LoadState;
  /** The last data loaded; kept while a reload() runs. */
  data: T | null;
  /** Why the load failed, for state "error". */
  error: unknown;
  /** reload loads again without going back to "loading": what is shown stays until the answer. */
  reload: () => void;
}

/**
 * useLoad calls load when the component mounts and whenever a value in deps changes (then it
 * shows "loading" again), or reload() is called. An answer that arrives after deps changed
 * is dropped, so a slow answer never replaces a newer one.
 */
export function useLoad<T>(load: () => Promise<T | typeof DISABLED | typeof NOT_FOUND>, deps: unknown[]): Loaded<T> {
  const [version, setVersion] = useState(0);
  const [st, setSt] = useState<{ state: LoadState; data: T | null; error: unknown }>({ state: 'loading', data: null, error: null });
  const key = JSON.stringify(deps);
  const lastKey = useRef(key);
  useEffect(() => {
    let live = true;
    if (lastKey.current !== key) {
      lastKey.current = key;
      setSt({ state: 'loading', data: null, error: null });
    }
    load().then(
      (v) => {
        if (!live) return;
        if (v === DISABLED) setSt({ state: 'disabled', data: null, error: null });
        else if (v === NOT_FOUND) setSt({ state: 'notfound', data: null, error: null });
        else setSt({ state: 'ok', data: v, error: null });
      },
      (e) => live && setSt((s) => ({ state: 'error', data: s.data, error: e })),
    );
    return () => {
      live = false;
    };
  }, [key, version]);
  return { ...st, reload: () => setVersion((v) => v + 1) };
}

export interface Action<K> {
  /** The key of the action running, or null. */
  busy: K | null;
  /**
   * run runs fn unless another action runs. fn returns an error text to show, or nothing when
   * it succeeded. A 401 or 403 (which the app already shows) calls onDenied; any other failure
   * shows errorText(e, fallback).
   */
  run: (key: K, fn: () => Promise<string | void>, fallback?: string) => Promise<void>;
}

/** useAction runs one write at a time; onError shows what went wrong (a form error, a toast). */
export function useAction<K = true>(onError: (text: string) => void, onDenied?: () => void): Action<K> {
  const [busy, setBusy] = useState<K | null>(null);
  const running = useRef(false);
  const run = async (key: K, fn: () => Promise<string | void>, fallback?: string) => {
    if (running.current) return;
    running.current = true;
    setBusy(key);
    try {
      const msg = await fn();
      if (msg) onError(msg);
    } catch (e) {
      if (isDenied(e)) onDenied?.();
      else onError(errorText(e, fallback));
    } finally {
      running.current = false;
      setBusy(null);
    }
  };
  return { busy, run };
}

/**
 * useFocusLater returns focusLater(find): after the next render in which dep has changed and
 * find() returns an element, that element takes the focus. For the control that should have
 * the focus after an action removed the one that had it (a revoked session's button).
 */
export function useFocusLater(dep: unknown): (find: () => HTMLElement | null | undefined) => void {
  const pending = useRef<(() => HTMLElement | null | undefined) | null>(null);
  useLayoutEffect(() => {
    const el = pending.current?.();
    if (el) {
      pending.current = null;
      el.focus();
    }
  }, [dep]);
  return (find) => {
    pending.current = find;
  };
}

/** cardControl finds a control by its accessible label in the card whose heading has id. */
export function cardControl(headingId: string, label: string): HTMLElement | null {
  const card = document.getElementById(headingId)?.closest('section');
  return card?.querySelector<HTMLElement>(`[aria-label="${CSS.escape(label)}"]`) ?? null;
}

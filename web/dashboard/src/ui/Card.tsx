// A titled card of a detail page (a <section> named by its heading), and a list of pills.

import type { ComponentChildren } from 'preact';
import { serverProblem } from '../errors';

export function Card({
  title,
  id,
  actions,
  wide,
  children,
}: {
  title: string;
  id: string;
  actions?: ComponentChildren;
  wide?: boolean;
  children: ComponentChildren;
}) {
  return (
    <section class={wide ? 'card card-wide' : 'card'} aria-labelledby={id}>
      <div class="card-head">
        <h2 id={id} tabIndex={-1}>
          {title}
        </h2>
        {actions && <div class="card-actions">{actions}</div>}
      </div>
      {children}
    </section>
  );
}

/** Pills is a labelled list of short values, such as tenant ids or permissions. */
export function Pills({ label, items, more }: { label: string; items: string[]; more?: number }) {
  return (
    <ul class="pills" aria-label={label}>
      {items.map((t) => (
        <li key={t} class="pill">
          {t}
        </li>
      ))}
      {!!more && <li class="pill pill-more">+{more} more</li>}
    </ul>
  );
}

/** Status shows a loading line or a load failure (with what it means) in place of a card's content. */
export function Status({ state, loading, failed, error }: { state: string; loading: string; failed: string; error?: unknown }) {
  if (state === 'loading')
    return (
      <p class="muted" role="status">
        {loading}
      </p>
    );
  if (state === 'error')
    return (
      <p class="alert alert-error" role="alert">
        {failed} {serverProblem(error)}
      </p>
    );
  return null;
}

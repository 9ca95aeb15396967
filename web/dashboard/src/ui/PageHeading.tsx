// The page's <h1>: sets document.title and takes focus after an in-app navigation, so screen
// readers announce the new page.

import type { ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';

let lastPath = '';

export function PageHeading({ title, children, sub }: { title: string; children?: ComponentChildren; sub?: ComponentChildren }) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = `${title} · Latchkey dashboard`;
    const path = location.pathname + location.search;
    if (lastPath && lastPath !== path) ref.current?.focus();
    lastPath = path;
  }, [title]);
  return (
    <div class="page-head">
      <div class="page-head-text">
        <h1 id="main-heading" tabIndex={-1} ref={ref}>
          {title}
        </h1>
        {sub && <p class="subtitle">{sub}</p>}
      </div>
      {children && <div class="page-head-actions">{children}</div>}
    </div>
  );
}

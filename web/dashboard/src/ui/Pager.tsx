// Previous/next page buttons, shared by every paged table. They keep the keyboard focus: a
// click while a page loads is ignored rather than disabling the button (which would drop the
// focus to the page body), and when the first or last page disables the button just pressed,
// the focus moves to the other one.

import { useLayoutEffect, useRef } from 'preact/hooks';
import { BackIcon, NextIcon } from './icons';

export function PagerButtons({
  onPrev,
  onNext,
  hasPrev,
  hasNext,
  busy,
}: {
  onPrev: () => void;
  onNext: () => void;
  hasPrev: boolean;
  hasNext: boolean;
  /** A page is loading: clicks are ignored. */
  busy?: boolean;
}) {
  const prev = useRef<HTMLButtonElement>(null);
  const next = useRef<HTMLButtonElement>(null);
  // The button last focused, while the focus has not gone anywhere else.
  const used = useRef<'prev' | 'next' | null>(null);

  useLayoutEffect(() => {
    const which = used.current;
    if (!which) return;
    const a = document.activeElement;
    if (a && a !== document.body && a !== prev.current && a !== next.current) return;
    const [mine, other] = which === 'prev' ? [prev.current, next.current] : [next.current, prev.current];
    if (mine && !mine.disabled) {
      if (a !== mine) mine.focus();
    } else if (other && !other.disabled) other.focus();
  }, [hasPrev, hasNext, busy]);

  const track = (which: 'prev' | 'next') => ({
    onFocus: () => {
      used.current = which;
    },
    onBlur: (e: FocusEvent) => {
      // relatedTarget is null when the button is disabled or removed: keep the memory then.
      if (e.relatedTarget) used.current = null;
    },
  });

  return (
    <div class="pager-buttons">
      <button
        ref={prev}
        type="button"
        class="btn btn-small btn-icon"
        aria-label="Previous page"
        disabled={!hasPrev}
        onClick={() => !busy && onPrev()}
        {...track('prev')}
      >
        <BackIcon />
      </button>
      <button
        ref={next}
        type="button"
        class="btn btn-small btn-icon"
        aria-label="Next page"
        disabled={!hasNext}
        onClick={() => !busy && onNext()}
        {...track('next')}
      >
        <NextIcon />
      </button>
    </div>
  );
}

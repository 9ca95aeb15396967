// The user list's pager: rows per page, the rows shown "of" the total, the page number, and
// First, Previous, Next and Last. The list pages by keyset tokens, so Last fetches the first page
// of the other order (sized so that the pages stay those of the list) and pages back from there.
// Every control is a native button or select; when First or Last disables itself, the focus
// moves to the other one instead of falling to the page body.

import { useLayoutEffect, useRef } from 'preact/hooks';
import { fmtNumber } from '../format';
import { PagerButtons } from '../ui/Pager';

export const PAGE_SIZES = [10, 25, 50, 100];

export function UsersPager({
  size,
  onSize,
  range,
  pageLabel,
  atFirst,
  atLast,
  canJump,
  hasPrev,
  hasNext,
  busy,
  onFirst,
  onPrev,
  onNext,
  onLast,
}: {
  size: number;
  onSize: (n: number) => void;
  /** range is the rows shown, such as "11 - 20 of 1,234" ('' for none). */
  range: string;
  /** pageLabel is "Page 2 of 124", or '' when the number is not known. */
  pageLabel: string;
  atFirst: boolean;
  atLast: boolean;
  /** canJump is false where First and Last do not apply (the suspended list). */
  canJump: boolean;
  hasPrev: boolean;
  hasNext: boolean;
  busy: boolean;
  onFirst: () => void;
  onPrev: () => void;
  onNext: () => void;
  onLast: () => void;
}) {
  const first = useRef<HTMLButtonElement>(null);
  const last = useRef<HTMLButtonElement>(null);
  const used = useRef<'first' | 'last' | null>(null);
  useLayoutEffect(() => {
    const which = used.current;
    if (!which) return;
    const a = document.activeElement;
    if (a && a !== document.body && a !== first.current && a !== last.current) return;
    const [mine, other] = which === 'first' ? [first.current, last.current] : [last.current, first.current];
    if (mine && !mine.disabled) {
      if (a !== mine) mine.focus();
    } else if (other && !other.disabled) other.focus();
  }, [atFirst, atLast, busy]);
  const track = (which: 'first' | 'last') => ({
    onFocus: () => {
      used.current = which;
    },
    onBlur: (e: FocusEvent) => {
      if (e.relatedTarget) used.current = null;
    },
  });
  return (
    <nav class="pager" aria-label="Pages of users">
      <div class="field-inline">
        <label for="page-size">Rows per page</label>
        <select id="page-size" value={String(size)} onChange={(e) => onSize(Number(e.currentTarget.value))}>
          {PAGE_SIZES.map((n) => (
            <option key={n} value={String(n)}>
              {fmtNumber(n)}
            </option>
          ))}
        </select>
      </div>
      <p aria-live="polite" class="pager-range">
        {range}
      </p>
      {pageLabel && <p class="muted small pager-page">{pageLabel}</p>}
      <div class="pager-buttons">
        {canJump && (
          <button
            ref={first}
            type="button"
            class="btn btn-small"
            disabled={atFirst}
            aria-label="First page"
            onClick={() => !busy && onFirst()}
            {...track('first')}
          >
            First
          </button>
        )}
        <PagerButtons hasPrev={hasPrev} hasNext={hasNext} busy={busy} onPrev={onPrev} onNext={onNext} />
        {canJump && (
          <button
            ref={last}
            type="button"
            class="btn btn-small"
            disabled={atLast}
            aria-label="Last page"
            onClick={() => !busy && onLast()}
            {...track('last')}
          >
            Last
          </button>
        )}
      </div>
    </nav>
  );
}

// Previous/next page buttons, shared by every paged table.

import { BackIcon, NextIcon } from './icons';

export function PagerButtons({
  onPrev,
  onNext,
  hasPrev,
  hasNext,
}: {
  onPrev: () => void;
  onNext: () => void;
  hasPrev: boolean;
  hasNext: boolean;
}) {
  return (
    <div class="pager-buttons">
      <button type="button" class="btn btn-small btn-icon" aria-label="Previous page" disabled={!hasPrev} onClick={onPrev}>
        <BackIcon />
      </button>
      <button type="button" class="btn btn-small btn-icon" aria-label="Next page" disabled={!hasNext} onClick={onNext}>
        <NextIcon />
      </button>
    </div>
  );
}

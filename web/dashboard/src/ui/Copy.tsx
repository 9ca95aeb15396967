// Copy to clipboard with navigator.clipboard, falling back to selecting the text (plain-http
// pages are not a secure context, so the Clipboard API may be missing there).

import { useRef, useState } from 'preact/hooks';
import { announce } from './announce';
import { CopyIcon } from './icons';
import { cls } from '../format';

function selectNode(el: Element) {
  const sel = window.getSelection();
  if (!sel) return;
  const r = document.createRange();
  r.selectNodeContents(el);
  sel.removeAllRanges();
  sel.addRange(r);
}

/** copyText returns true when the text is on the clipboard; else it leaves `fallback` selected. */
export async function copyText(text: string, fallback?: Element | null): Promise<boolean> {
  try {
    if (navigator.clipboard && window.isSecureContext) {
      await navigator.clipboard.writeText(text);
      return true;
    }
  } catch {
    /* fall through */
  }
  if (fallback) {
    selectNode(fallback);
    try {
      // Deprecated but still the only way without the Clipboard API; harmless when it fails.
      if (document.execCommand('copy')) return true;
    } catch {
      /* ignore */
    }
  }
  return false;
}

interface CopyButtonProps {
  text: string;
  /** Element holding the text, selected as a fallback. */
  target?: () => Element | null;
  label: string;
  compact?: boolean;
}

export function CopyButton({ text, target, label, compact }: CopyButtonProps) {
  const [state, setState] = useState<'idle' | 'copied' | 'manual'>('idle');
  const timer = useRef<number | undefined>(undefined);
  const onClick = async () => {
    const ok = await copyText(text, target?.());
    setState(ok ? 'copied' : 'manual');
    announce(ok ? 'Copied' : 'Copy is not available here: the text is selected, press Ctrl+C (or ⌘C) to copy it');
    window.clearTimeout(timer.current);
    timer.current = window.setTimeout(() => setState('idle'), 2500);
  };
  const shown = state === 'copied' ? 'Copied' : state === 'manual' ? 'Press Ctrl+C' : compact ? '' : 'Copy';
  return (
    <button
      type="button"
      class={cls('btn btn-small', compact && 'btn-icon')}
      aria-label={label}
      title={label}
      onClick={onClick}
    >
      <CopyIcon />
      {shown && <span>{shown}</span>}
    </button>
  );
}

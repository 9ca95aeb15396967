// Screen-reader announcements through one polite live region (rendered by <Announcer/>).

import { useEffect, useState } from 'preact/hooks';

let setter: ((s: string) => void) | null = null;
let timer: number | undefined;

/** announce reads a short message to screen readers without moving focus. */
export function announce(msg: string): void {
  if (!setter) return;
  const set = setter;
  set('');
  window.clearTimeout(timer);
  // Clearing first and setting on the next tick makes a repeated message ("Copied") be read again.
  timer = window.setTimeout(() => set(msg), 50);
}

export function Announcer() {
  const [msg, setMsg] = useState('');
  useEffect(() => {
    setter = setMsg;
    return () => {
      setter = null;
    };
  }, []);
  return (
    <div class="sr-only" aria-live="polite" aria-atomic="true">
      {msg}
    </div>
  );
}

// Pretty-printed JSON with light syntax colouring, built from text nodes (never innerHTML).

import type { VNode } from 'preact';

const TOKEN = /("(?:\\.|[^"\\])*")(\s*:)?|\b(true|false|null)\b|(-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)/g;

export function JsonView({ value }: { value: unknown }) {
  const text = JSON.stringify(value, null, 2) ?? 'null';
  const out: (string | VNode)[] = [];
  let last = 0;
  let m: RegExpExecArray | null;
  let i = 0;
  TOKEN.lastIndex = 0;
  while ((m = TOKEN.exec(text))) {
    if (m.index > last) out.push(text.slice(last, m.index));
    let c = 'j-num';
    if (m[1]) c = m[2] ? 'j-key' : 'j-str';
    else if (m[3]) c = m[3] === 'null' ? 'j-null' : 'j-bool';
    out.push(
      <span key={i++} class={c}>
        {m[1] ?? m[0]}
      </span>,
    );
    if (m[2]) out.push(m[2]);
    last = TOKEN.lastIndex;
  }
  if (last < text.length) out.push(text.slice(last));
  return (
    <pre class="json" tabIndex={0} aria-label="User metadata (JSON)">
      <code>{out}</code>
    </pre>
  );
}

// A button for an action that changes data. For a read-only dashboard account it stays
// focusable (so keyboard and screen-reader users can learn why) but is aria-disabled, inert,
// and explains itself through its title and the page's read-only note.

import type { ButtonHTMLAttributes } from 'preact';
import { READ_ONLY_REASON, useApp } from '../context';
import { cls } from '../format';
import { announce } from './announce';

type Props = ButtonHTMLAttributes<HTMLButtonElement>;

export function WriteButton(props: Props) {
  const { canWrite } = useApp();
  if (canWrite) return <button type="button" {...props} />;
  const { onClick: _drop, class: c, className, title, ...rest } = props;
  void _drop;
  return (
    <button
      {...rest}
      type="button"
      class={cls(c as string, className as string, 'is-disabled')}
      aria-disabled="true"
      aria-describedby="readonly-note"
      title={title ? `${title} — ${READ_ONLY_REASON}` : READ_ONLY_REASON}
      onClick={(e) => {
        e.preventDefault();
        announce(READ_ONLY_REASON);
      }}
    />
  );
}

// The user list's selection bar: "select all on this page", then "select all N that match"; the
// bulk actions on the selection (POST /users/bulk, a Latchkey extension) and its export; and the
// summary of the last action, read out by screen readers.

import { useEffect, useRef, useState } from 'preact/hooks';
import { api, type BulkActionName, type BulkAnswer, type BulkRequest, type User } from '../../api';
import { errorText, isDenied } from '../../errors';
import { fmtNumber } from '../../format';
import { announce } from '../../ui/announce';
import { toast } from '../../ui/toast';
import { WriteButton } from '../../ui/WriteButton';
import { BulkDialog, type BulkParams } from './BulkDialog';
import { exportSelection } from './exportSelection';
import { MAX_PICKED, type Selection } from './selection';
import './bulk.css';

const users = (n: number) => `${fmtNumber(n)} ${n === 1 ? 'user' : 'users'}`;

const ACTIONS: [BulkActionName, string][] = [
  ['revokeSessions', 'Revoke sessions'],
  ['suspend', 'Suspend'],
  ['reinstate', 'Reinstate'],
  ['addRole', 'Add role'],
  ['removeRole', 'Remove role'],
  ['delete', 'Delete'],
];

/** What the last run did, with what it asked, to run it again on the next users. */
interface Ran {
  answer: BulkAnswer;
  request: BulkRequest;
  /** offset is how many matching users this run and the ones before it reached. */
  offset: number;
}

/** summary says what a run did, in words. */
export function summary(a: BulkAnswer, role?: string): string {
  const r = role ? `"${role}"` : 'the role';
  const did: Record<BulkActionName, string> = {
    revokeSessions: `Revoked the sessions of ${users(a.done)}`,
    suspend: `Suspended ${users(a.done)}`,
    reinstate: `Reinstated ${users(a.done)}`,
    addRole: `Added ${r} to ${users(a.done)}`,
    removeRole: `Removed ${r} from ${users(a.done)}`,
    delete: `Deleted ${users(a.done)}`,
  };
  const same: Record<BulkActionName, string> = {
    revokeSessions: 'unchanged',
    suspend: 'already suspended',
    reinstate: 'not suspended',
    addRole: 'already had it',
    removeRole: 'did not have it',
    delete: 'already gone',
  };
  const parts = [did[a.action]];
  if (a.unchanged) parts.push(`${fmtNumber(a.unchanged)} ${same[a.action]}`);
  if (a.failedCount) parts.push(`${fmtNumber(a.failedCount)} failed`);
  if (a.notAttempted) parts.push(`${fmtNumber(a.notAttempted)} not attempted`);
  let s = parts.join(', ') + '.';
  if (a.stopped) s += ` The run stopped: ${a.stopped}.`;
  if (a.more) s += ' More users match than one run takes: run it again to go on.';
  return s;
}

export function BulkBar({
  sel,
  tenant,
  page,
  total,
  match,
  onDone,
}: {
  sel: Selection;
  tenant: string;
  /** page is the page of users shown. */
  page: User[];
  /** total is the exact number of users that match, or null when not known (then no "all"). */
  total: number | null;
  /** match is the list's search and filter parameters, as the list and the export take them. */
  match: Record<string, string>;
  onDone: () => void;
}) {
  const [open, setOpen] = useState<{ action: BulkActionName; token?: string; offset: number } | null>(null);
  const [ran, setRan] = useState<Ran | null>(null);
  const [exporting, setExporting] = useState(false);
  const pageCheck = useRef<HTMLInputElement>(null);
  const onPage = page.filter((u) => sel.has(u.id)).length;
  const pageAll = page.length > 0 && onPage === page.length;
  useEffect(() => {
    if (pageCheck.current) pageCheck.current.indeterminate = onPage > 0 && !pageAll;
  });
  const count = sel.all ? total ?? 0 : sel.picked.size;
  const filtered = Object.keys(match).length > 0;
  const scopeAll = `every user ${filtered ? 'that matches the current search and filters' : 'of the list'} in tenant ${tenant} (${users(total ?? 0)})`;

  const run = async (action: BulkActionName, p: BulkParams, token: string | undefined, offset: number): Promise<string | void> => {
    const request: BulkRequest = { action, ...p };
    // Running again goes on with the first run's search, whatever the list shows now.
    if (token && ran?.request.match) request.match = { ...ran.request.match, paginationToken: token };
    else if (sel.all) request.match = { ...match };
    else request.userIds = [...sel.picked.keys()];
    const r = await api.bulkUsers(tenant, request);
    if (r.status === 'UNKNOWN_ROLE_ERROR') return 'This role does not exist any more.';
    if (r.status !== 'OK') return 'This backend cannot do this: its recipe is not configured.';
    const a = r as BulkAnswer & { status: 'OK' };
    setRan({ answer: a, request, offset: offset + a.selected });
    setOpen(null);
    sel.clear();
    announce(summary(a, p.role));
    onDone();
  };

  const exportAs = async (format: 'csv' | 'json') => {
    if (exporting) return;
    setExporting(true);
    try {
      const name = sel.all ? await api.exportUsers(tenant, format, match) : exportSelection([...sel.picked.values()], format, tenant);
      toast.success(`Exported to ${name}`);
    } catch (e) {
      if (!isDenied(e)) toast.error(errorText(e, 'Could not export the users.'));
    } finally {
      setExporting(false);
    }
  };

  const answer = ran?.answer;
  // Deleted users leave the count; the others stay in it, before the token.
  const remaining = (action: BulkActionName, offset: number) => Math.max(0, (total ?? 0) - (action === 'delete' ? 0 : offset));
  return (
    <div class="bulk">
      {page.length > 0 && (
        <div class="bulk-select">
          <label class="bulk-check">
            <input ref={pageCheck} type="checkbox" checked={pageAll} onChange={() => sel.setMany(page, !pageAll)} />
            Select all on this page
          </label>
          <span class="muted small">
            {sel.all
              ? `All ${users(count)} that match are selected.`
              : count > 0
                ? `${fmtNumber(count)} selected${count >= MAX_PICKED ? ' (the most one selection holds)' : ''}.`
                : ''}
          </span>
          {pageAll && !sel.all && total !== null && total > page.length && (
            <button type="button" class="link-btn" onClick={() => sel.selectAll()}>
              {`Select all ${fmtNumber(total)} that match`}
            </button>
          )}
          {count > 0 && (
            <button type="button" class="link-btn" onClick={() => sel.clear()}>
              Clear selection
            </button>
          )}
        </div>
      )}
      {count > 0 && (
        <div class="bulk-actions" role="group" aria-label={`Actions on the ${users(count)} selected`}>
          {ACTIONS.map(([action, label]) => (
            <WriteButton
              key={action}
              class={action === 'delete' ? 'btn btn-small btn-danger' : 'btn btn-small'}
              onClick={() => setOpen({ action, offset: 0 })}
            >
              {label}
            </WriteButton>
          ))}
          <span class="bulk-export">
            {(['csv', 'json'] as const).map((f) => (
              <button key={f} type="button" class="btn btn-small" disabled={exporting} onClick={() => exportAs(f)}>
                {`Export selection as ${f.toUpperCase()}`}
              </button>
            ))}
          </span>
        </div>
      )}
      <div class="bulk-result" role="status" aria-live="polite">
        {answer && (
          <div class={answer.failedCount || answer.stopped ? 'alert alert-warn' : 'alert alert-info'}>
            <p>{summary(answer, ran.request.role)}</p>
            {answer.failed.length > 0 && (
              <details>
                <summary>{`Failures (${fmtNumber(answer.failedCount)}${answer.failedCount > answer.failed.length ? `, the first ${answer.failed.length} shown` : ''})`}</summary>
                <ul class="bulk-failures">
                  {answer.failed.map((f) => (
                    <li key={f.userId}>
                      <code>{f.userId}</code>: {f.message}
                    </li>
                  ))}
                </ul>
              </details>
            )}
            <div class="bulk-result-actions">
              {answer.more && answer.continueToken && (
                <WriteButton
                  class="btn btn-small"
                  onClick={() => setOpen({ action: answer.action, token: answer.continueToken, offset: ran.offset })}
                >
                  Run it again on the next users
                </WriteButton>
              )}
              <button type="button" class="link-btn" onClick={() => setRan(null)}>
                Dismiss
              </button>
            </div>
          </div>
        )}
      </div>
      {open && (
        <BulkDialog
          action={open.action}
          count={open.token ? remaining(open.action, open.offset) : count}
          scope={
            open.token
              ? `the next users that match, after the ${users(open.offset)} already reached`
              : sel.all
                ? scopeAll
                : `the ${users(count)} selected`
          }
          onRun={(p) => run(open.action, p, open.token, open.offset)}
          onClose={() => setOpen(null)}
        />
      )}
    </div>
  );
}

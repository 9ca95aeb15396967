// The audit log (a Latchkey extension): the Activity page, and the same list on a user's page.
// Filters by user, actor, event and time; pages newest first; CSV and JSON export.

import { useState } from 'preact/hooks';
import { api, saveDownload, type AuditEvent } from '../api';
import { Link } from '../app';
import { errorText } from '../errors';
import { fmtDateTime, isoDate } from '../format';
import { DISABLED, useLoad } from '../hooks';
import { userPath } from '../router';
import { Card } from '../ui/Card';
import { PageHeading } from '../ui/PageHeading';
import { toast } from '../ui/toast';

const ACTIONS = [
  'signup',
  'signin.success',
  'signin.failure',
  'signin.locked',
  'password_reset.requested',
  'password_reset.completed',
  'email.verified',
  'session.revoked',
  'session.token_theft',
  'user.suspend',
  'user.reinstate',
];

interface Filters {
  userId: string;
  actor: string;
  action: string;
  since: string; // datetime-local
  until: string;
}

const noFilters: Filters = { userId: '', actor: '', action: '', since: '', until: '' };

function toQuery(f: Filters, fixedUser?: string): Record<string, string | undefined> {
  const ms = (v: string) => (v ? String(new Date(v).getTime()) : undefined);
  return {
    userId: fixedUser ?? (f.userId.trim() || undefined),
    actor: f.actor.trim() || undefined,
    action: f.action || undefined,
    since: ms(f.since),
    until: ms(f.until),
  };
}

export function ActivityPage() {
  return (
    <section class="container">
      <PageHeading title="Activity" sub="Who did what, and when: sign-ins, password resets, suspensions and every dashboard change." />
      <AuditLog />
    </section>
  );
}

/**
 * UserActivityCard is the audit log of one user, on the user page. It loads when asked, so that
 * the page's other cards do not move under the operator while it loads.
 */
export function UserActivityCard({ userId }: { userId: string }) {
  const [open, setOpen] = useState(false);
  return (
    <Card
      title="Activity"
      id="sec-activity"
      wide
      actions={
        !open && (
          <button type="button" class="btn btn-small" onClick={() => setOpen(true)}>
            Show activity
          </button>
        )
      }
    >
      {open ? <AuditLog userId={userId} /> : <p class="muted">Sign-ins, password resets, suspensions and dashboard changes of this user.</p>}
    </Card>
  );
}

function AuditLog({ userId }: { userId?: string }) {
  const [draft, setDraft] = useState<Filters>(noFilters);
  const [filters, setFilters] = useState<Filters>(noFilters);
  const [more, setMore] = useState<{ events: AuditEvent[]; next?: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const query = toQuery(filters, userId);
  const first = useLoad(async () => {
    const r = await api.audit({ ...query, limit: 50 });
    if (r.status === 'FEATURE_NOT_ENABLED_ERROR') return DISABLED;
    setMore(null);
    return { events: r.events ?? [], next: r.nextPaginationToken };
  }, [JSON.stringify(query)]);
  const shown = more ?? first.data;
  const idp = userId ? 'u-' : '';
  const set = (k: keyof Filters) => (e: Event) => setDraft({ ...draft, [k]: (e.currentTarget as HTMLInputElement).value });

  const loadMore = async () => {
    if (!shown?.next) return;
    setBusy(true);
    try {
      const r = await api.audit({ ...query, limit: 50, paginationToken: shown.next });
      setMore({ events: [...shown.events, ...(r.events ?? [])], next: r.nextPaginationToken });
    } catch (e) {
      toast.error(errorText(e, 'Could not load more events.'));
    } finally {
      setBusy(false);
    }
  };
  const exportAs = async (format: 'csv' | 'json') => {
    try {
      await saveDownload('/audit/export', { ...query, format });
    } catch (e) {
      toast.error(errorText(e, 'The export failed.'));
    }
  };

  if (first.state === 'disabled') return <p class="muted">This core keeps no audit log.</p>;
  return (
    <div class="audit">
      <form
        class="audit-filters"
        aria-label="Filter events"
        onSubmit={(e) => {
          e.preventDefault();
          setFilters(draft);
        }}
      >
        {!userId && (
          <div class="field-inline">
            <label for={`${idp}audit-user`}>User ID</label>
            <input id={`${idp}audit-user`} type="text" value={draft.userId} onInput={set('userId')} />
          </div>
        )}
        <div class="field-inline">
          <label for={`${idp}audit-actor`}>Actor</label>
          <input id={`${idp}audit-actor`} type="text" placeholder="e.g. ops@example.com" value={draft.actor} onInput={set('actor')} />
        </div>
        <div class="field-inline">
          <label for={`${idp}audit-action`}>Event</label>
          <select id={`${idp}audit-action`} value={draft.action} onChange={set('action')}>
            <option value="">Any</option>
            {ACTIONS.map((a) => (
              <option key={a} value={a}>
                {a}
              </option>
            ))}
          </select>
        </div>
        <div class="field-inline">
          <label for={`${idp}audit-since`}>From</label>
          <input id={`${idp}audit-since`} type="datetime-local" value={draft.since} onInput={set('since')} />
        </div>
        <div class="field-inline">
          <label for={`${idp}audit-until`}>To</label>
          <input id={`${idp}audit-until`} type="datetime-local" value={draft.until} onInput={set('until')} />
        </div>
        <button type="submit" class="btn btn-small">
          Apply filters
        </button>
        <span class="audit-export">
          <button type="button" class="btn btn-small" onClick={() => exportAs('csv')}>
            Export CSV
          </button>
          <button type="button" class="btn btn-small" onClick={() => exportAs('json')}>
            Export JSON
          </button>
        </span>
      </form>
      {first.state === 'loading' && (
        <p class="muted" role="status">
          Loading events…
        </p>
      )}
      {first.state === 'error' && (
        <p class="alert alert-error" role="alert">
          {errorText(first.error, 'Could not load the events.')}
        </p>
      )}
      {first.state === 'ok' && shown && shown.events.length === 0 && <p class="muted">No events.</p>}
      {first.state === 'ok' && shown && shown.events.length > 0 && (
        <div class="table-wrap">
          <table class="table table-stack audit-table">
            <caption class="sr-only">Events, newest first</caption>
            <thead>
              <tr>
                <th scope="col">Time</th>
                <th scope="col">Event</th>
                <th scope="col">Actor</th>
                {!userId && <th scope="col">User</th>}
                <th scope="col">Summary</th>
                <th scope="col">IP address</th>
              </tr>
            </thead>
            <tbody>
              {shown.events.map((e, i) => (
                <tr key={`${e.time}-${i}`}>
                  <td data-label="Time">
                    <time dateTime={isoDate(e.time)}>{fmtDateTime(e.time)}</time>
                  </td>
                  <td data-label="Event">
                    <span class="pill">{e.action}</span>
                  </td>
                  <td data-label="Actor">{e.actor}</td>
                  {!userId && (
                    <td data-label="User">
                      {e.userId ? (
                        <Link to={userPath(e.userId)}>
                          <code class="break">{e.userId}</code>
                        </Link>
                      ) : (
                        <span class="muted">None</span>
                      )}
                    </td>
                  )}
                  <td data-label="Summary" class="break">
                    {e.summary}
                  </td>
                  <td data-label="IP address">{e.clientIp || <span class="muted">Unknown</span>}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {shown?.next && (
        <button type="button" class="btn btn-small" disabled={busy} onClick={loadMore}>
          {busy ? 'Loading…' : 'Load more'}
        </button>
      )}
    </div>
  );
}

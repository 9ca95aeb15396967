// The "Sessions" card: the user's active sessions with their device, IP address and last
// refresh (Latchkey fields), revoke one or all.

import { useState } from 'preact/hooks';
import { api, type User } from '../../api';
import { displayName, fmtDate, fmtDateTime, isoDate, shortHandle } from '../../format';
import { cardControl, useFocusLater, useLoad } from '../../hooks';
import { Card, Status } from '../../ui/Card';
import { ConfirmDialog } from '../../ui/ConfirmDialog';
import { toast } from '../../ui/toast';
import { WriteButton } from '../../ui/WriteButton';

export function SessionsCard({ user }: { user: User }) {
  const sessions = useLoad(async () => (await api.sessions(user.id)).sessions ?? [], [user.id]);
  // What to revoke once confirmed: one session, or all of them.
  const [confirm, setConfirm] = useState<{ handles: string[]; all: boolean } | null>(null);
  const { state, data } = sessions;
  const focusLater = useFocusLater(data);
  const n = data?.length ?? 0;
  const label = (h: string) => `Revoke session ${shortHandle(h)}`;

  const revoke = async ({ handles, all }: { handles: string[]; all: boolean }) => {
    let ok = false;
    try {
      ok = (await api.revokeSessions(handles)).status === 'OK';
    } finally {
      if (ok) {
        // The focus goes to the next session's button, or a neighbour, or the card's heading.
        const list = (data ?? []).map((s) => s.sessionHandle);
        const i = list.indexOf(handles[0]);
        const next = all ? undefined : (list[i + 1] ?? list[i - 1]);
        focusLater(() => (next && cardControl('sec-sessions', label(next))) || document.getElementById('sec-sessions'));
      }
      sessions.reload();
    }
    if (!ok) return 'Could not revoke the session';
    toast.success(all ? 'All sessions revoked' : 'Session revoked');
    setConfirm(null);
  };

  return (
    <Card
      title={`Sessions${data ? ` (${n})` : ''}`}
      id="sec-sessions"
      wide
      actions={
        n > 0 && (
          <WriteButton class="btn btn-small btn-danger-outline" onClick={() => setConfirm({ handles: (data ?? []).map((s) => s.sessionHandle), all: true })}>
            Revoke all sessions
          </WriteButton>
        )
      }
    >
      <Status state={state} loading="Loading sessions…" failed="Could not load the sessions." error={sessions.error} />
      {state === 'ok' && n === 0 && <p class="muted">No active sessions.</p>}
      {state === 'ok' && n > 0 && (
        <div class="table-wrap">
          <table class="table table-stack">
            <caption class="sr-only">Active sessions of this user</caption>
            <thead>
              <tr>
                <th scope="col">Session handle</th>
                <th scope="col">Device</th>
                <th scope="col">IP address</th>
                <th scope="col">Created</th>
                <th scope="col">Last refreshed</th>
                <th scope="col">Expires</th>
                <th scope="col">
                  <span class="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {data!.map((s) => (
                <tr key={s.sessionHandle}>
                  <td data-label="Session handle">
                    <code title={s.sessionHandle}>{shortHandle(s.sessionHandle)}</code>
                    {s.tenantId && s.tenantId !== 'public' && <span class="muted small"> ({s.tenantId})</span>}
                  </td>
                  <td data-label="Device">
                    {s.browser || s.os ? (
                      [s.browser, s.os].filter(Boolean).join(' on ')
                    ) : (
                      <span class="muted">Unknown</span>
                    )}
                  </td>
                  <td data-label="IP address">{s.clientIp ? <code>{s.clientIp}</code> : <span class="muted">Unknown</span>}</td>
                  <td data-label="Created">
                    <time dateTime={isoDate(s.timeCreated)}>{fmtDate(s.timeCreated)}</time>
                  </td>
                  <td data-label="Last refreshed">
                    {s.lastRefreshed ? (
                      <time dateTime={isoDate(s.lastRefreshed)}>{fmtDateTime(s.lastRefreshed)}</time>
                    ) : (
                      <span class="muted">Never</span>
                    )}
                  </td>
                  <td data-label="Expires">
                    <time dateTime={isoDate(s.expiry)}>{fmtDateTime(s.expiry)}</time>
                  </td>
                  <td class="actions-cell">
                    <WriteButton
                      class="btn btn-small btn-danger-outline"
                      aria-label={label(s.sessionHandle)}
                      onClick={() => setConfirm({ handles: [s.sessionHandle], all: false })}
                    >
                      Revoke
                    </WriteButton>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {confirm !== null && (
        <ConfirmDialog
          title={confirm.all ? 'Revoke all sessions?' : 'Revoke session?'}
          confirm={confirm.all ? 'Revoke all' : 'Revoke session'}
          busyLabel="Revoking…"
          onClose={() => setConfirm(null)}
          onConfirm={() => revoke(confirm)}
        >
          {confirm.all ? (
            <p>
              This signs {displayName(user)} out everywhere: {n === 1 ? 'its session' : `all ${n} sessions`} will be revoked.
            </p>
          ) : (
            <p>
              This signs {displayName(user)} out of session <code>{shortHandle(confirm.handles[0] ?? '')}</code>: it can
              no longer be refreshed. This cannot be undone.
            </p>
          )}
        </ConfirmDialog>
      )}
    </Card>
  );
}


// The "Sessions" card: the user's active sessions, revoke one or all.

import { useState } from 'preact/hooks';
import { api, type User } from '../../api';
import { displayName, fmtDate, fmtDateTime, isoDate, shortHandle } from '../../format';
import { useAction, useLoad } from '../../hooks';
import { Card, Status } from '../../ui/Card';
import { ConfirmDialog } from '../../ui/ConfirmDialog';
import { toast } from '../../ui/toast';
import { WriteButton } from '../../ui/WriteButton';

export function SessionsCard({ user }: { user: User }) {
  const sessions = useLoad(async () => (await api.sessions(user.id)).sessions ?? [], [user.id]);
  const [confirmAll, setConfirmAll] = useState(false);
  const act = useAction<string>(toast.error);
  const { state, data } = sessions;

  /** revoke returns the error text, or "" when the sessions are revoked. */
  const revoke = async (handles: string[]) => {
    try {
      const r = await api.revokeSessions(handles);
      return r.status === 'OK' ? '' : 'Could not revoke the session';
    } finally {
      sessions.reload();
    }
  };
  const revokeOne = (handle: string) =>
    act.run(
      handle,
      async () => {
        const msg = await revoke([handle]);
        if (msg) return msg;
        toast.success('Session revoked');
      },
      'Could not revoke the session',
    );

  const n = data?.length ?? 0;
  return (
    <Card
      title={`Sessions${data ? ` (${n})` : ''}`}
      id="sec-sessions"
      wide
      actions={
        n > 0 && (
          <WriteButton class="btn btn-small btn-danger-outline" onClick={() => setConfirmAll(true)}>
            Revoke all sessions
          </WriteButton>
        )
      }
    >
      <Status state={state} loading="Loading sessions…" failed="Could not load the sessions." />
      {state === 'ok' && n === 0 && <p class="muted">No active sessions.</p>}
      {state === 'ok' && n > 0 && (
        <div class="table-wrap">
          <table class="table table-stack">
            <caption class="sr-only">Active sessions of this user</caption>
            <thead>
              <tr>
                <th scope="col">Session handle</th>
                <th scope="col">Created</th>
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
                  <td data-label="Created">
                    <time dateTime={isoDate(s.timeCreated)}>{fmtDate(s.timeCreated)}</time>
                  </td>
                  <td data-label="Expires">
                    <time dateTime={isoDate(s.expiry)}>{fmtDateTime(s.expiry)}</time>
                  </td>
                  <td class="actions-cell">
                    <WriteButton
                      class="btn btn-small btn-danger-outline"
                      aria-label={`Revoke session ${shortHandle(s.sessionHandle)}`}
                      disabled={act.busy !== null}
                      onClick={() => revokeOne(s.sessionHandle)}
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
      {confirmAll && (
        <ConfirmDialog
          title="Revoke all sessions?"
          confirm="Revoke all"
          busyLabel="Revoking…"
          onClose={() => setConfirmAll(false)}
          onConfirm={async () => {
            const msg = await revoke(data!.map((s) => s.sessionHandle));
            if (msg) return msg;
            toast.success('All sessions revoked');
            setConfirmAll(false);
          }}
        >
          <p>
            This signs {displayName(user)} out everywhere: {n === 1 ? 'its session' : `all ${n} sessions`} will be revoked.
          </p>
        </ConfirmDialog>
      )}
    </Card>
  );
}


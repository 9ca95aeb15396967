// The "Access" card (a Latchkey extension): whether the user is suspended, by whom, when, why and
// until when, with Suspend and Reinstate. Read-only accounts see the buttons disabled.

import { useState } from 'preact/hooks';
import { api, type Suspension, type User } from '../../api';
import { DISABLED, useAction, useLoad } from '../../hooks';
import { fmtDateTime, isoDate } from '../../format';
import { Card, Status } from '../../ui/Card';
import { ConfirmDialog } from '../../ui/ConfirmDialog';
import { Dialog } from '../../ui/Dialog';
import { FormActions, FormError, TextAreaField } from '../../ui/forms';
import { toast } from '../../ui/toast';
import { WriteButton } from '../../ui/WriteButton';

export function SuspensionCard({ user }: { user: User }) {
  const loaded = useLoad<Suspension | null>(async () => {
    const r = await api.suspension(user.id);
    if (r.status === 'FEATURE_NOT_ENABLED_ERROR') return DISABLED;
    return r.suspension ?? null;
  }, [user.id]);
  const [suspending, setSuspending] = useState(false);
  const [reinstating, setReinstating] = useState(false);
  if (loaded.state === 'disabled') return null;
  const su = loaded.data;
  return (
    <Card
      title="Access"
      id="sec-access"
      actions={
        loaded.state === 'ok' &&
        (su ? (
          <WriteButton class="btn btn-small" onClick={() => setReinstating(true)}>
            Reinstate user
          </WriteButton>
        ) : (
          <WriteButton class="btn btn-small btn-danger" onClick={() => setSuspending(true)}>
            Suspend user
          </WriteButton>
        ))
      }
    >
      <Status state={loaded.state} loading="Loading access…" failed="Could not load the user's access." error={loaded.error} />
      {loaded.state === 'ok' &&
        (su ? (
          <dl class="props" aria-label="Suspension">
            <dt>Status</dt>
            <dd>
              <span class="pill pill-danger">Suspended</span>
            </dd>
            <dt>Suspended by</dt>
            <dd>{su.actor || <span class="muted">Unknown</span>}</dd>
            <dt>Suspended on</dt>
            <dd>
              <time dateTime={isoDate(su.suspendedAt)}>{fmtDateTime(su.suspendedAt)}</time>
            </dd>
            <dt>Reason</dt>
            <dd class="break">{su.reason}</dd>
            <dt>Until</dt>
            <dd>
              {su.until === null ? (
                'Until reinstated'
              ) : (
                <time dateTime={isoDate(su.until)}>{fmtDateTime(su.until)}</time>
              )}
            </dd>
          </dl>
        ) : (
          <dl class="props">
            <dt>Status</dt>
            <dd>
              <span class="pill pill-ok">Active</span>
            </dd>
          </dl>
        ))}
      {suspending && (
        <SuspendDialog
          user={user}
          onClose={() => setSuspending(false)}
          onDone={() => {
            setSuspending(false);
            loaded.reload();
          }}
        />
      )}
      {reinstating && (
        <ConfirmDialog
          title="Reinstate user?"
          confirm="Reinstate"
          busyLabel="Reinstating…"
          onClose={() => setReinstating(false)}
          onConfirm={async () => {
            const r = await api.reinstate(user.id);
            if (r.status !== 'OK' && r.status !== 'NOT_SUSPENDED_ERROR') return 'Could not reinstate the user. Please try again.';
            toast.success('User reinstated');
            setReinstating(false);
            loaded.reload();
          }}
        >
          <p>The user will be able to sign in again.</p>
        </ConfirmDialog>
      )}
    </Card>
  );
}

function SuspendDialog({ user, onClose, onDone }: { user: User; onClose: () => void; onDone: () => void }) {
  const [reason, setReason] = useState('');
  const [until, setUntil] = useState('');
  const [reasonErr, setReasonErr] = useState('');
  const [untilErr, setUntilErr] = useState('');
  const [err, setErr] = useState('');
  const act = useAction(setErr, onClose);
  const submit = (e: Event) => {
    e.preventDefault();
    setErr('');
    const r = reason.trim();
    setReasonErr(r ? '' : 'Give a reason: operators will read it later');
    // datetime-local is the operator's local time.
    const end = until ? new Date(until).getTime() : null;
    const badEnd = end !== null && (Number.isNaN(end) || end <= Date.now());
    setUntilErr(badEnd ? 'The end must be in the future' : '');
    if (!r || badEnd) return;
    act.run(true, async () => {
      const res = await api.suspend(user.id, r, end);
      if (res.status === 'ALREADY_SUSPENDED_ERROR') return 'The user is already suspended.';
      if (res.status === 'UNKNOWN_USER_ERROR') return 'The user no longer exists.';
      if (res.status !== 'OK') return 'Could not suspend the user. Please try again.';
      toast.success(`User suspended; ${res.revokedSessions ?? 0} session(s) revoked`);
      onDone();
    });
  };
  return (
    <Dialog title="Suspend user" onClose={onClose}>
      <form class="form" onSubmit={submit} noValidate>
        <FormError text={err} />
        <p>
          A suspended user cannot sign in, refresh a session or get a new one; their sessions are revoked now. Access
          tokens already issued work until they expire.
        </p>
        <TextAreaField id="suspend-reason" label="Reason" maxLength={1000} value={reason} error={reasonErr} onValue={setReason} />
        <div class="field">
          <label for="suspend-until">Until (optional)</label>
          <input
            id="suspend-until"
            type="datetime-local"
            value={until}
            aria-invalid={untilErr ? 'true' : undefined}
            aria-describedby={untilErr ? 'suspend-until-err suspend-until-hint' : 'suspend-until-hint'}
            onInput={(e) => setUntil(e.currentTarget.value)}
          />
          <p id="suspend-until-hint" class="field-hint">
            Leave empty to suspend until someone reinstates the user.
          </p>
          {untilErr && (
            <p id="suspend-until-err" class="field-error">
              {untilErr}
            </p>
          )}
        </div>
        <FormActions onCancel={onClose} label="Suspend" busyLabel="Suspending…" busy={act.busy !== null} danger />
      </form>
    </Dialog>
  );
}

// The "Login methods" card: one article per login method with its ids, contact, provider,
// tenants, and the actions it allows (edit, change password, a password reset email, email
// verification, and, for a user with linked login methods, unlink or delete only that one). The
// primary user's own login method is marked.

import { useEffect, useRef, useState } from 'preact/hooks';
import { api, type LoginMethod, type User } from '../../api';
import { ConfirmDialog } from '../../ui/ConfirmDialog';
import { tenantOf } from './update';
import { useApp } from '../../context';
import { RESTORED, takeDraft } from '../../drafts';
import { fmtDateTime, isoDate, methodLabel } from '../../format';
import { navigate, userPath } from '../../router';
import { Card, Pills } from '../../ui/Card';
import { CopyButton } from '../../ui/Copy';
import { toast } from '../../ui/toast';
import { WriteButton } from '../../ui/WriteButton';
import { EditMethodDialog } from './EditMethodDialog';
import { MethodActionDialog } from './MethodActionDialog';
import { PasswordDialog } from './PasswordDialog';
import { VerifyControl } from './VerifyControl';

export function LoginMethodsCard({ user, onChanged }: { user: User; onChanged: () => void }) {
  return (
    <Card title="Login methods" id="sec-methods">
      {user.loginMethods.length === 0 ? (
        <p class="muted">This user has no login methods.</p>
      ) : (
        <ul class="methods">
          {user.loginMethods.map((m) => (
            <li key={m.recipeUserId + m.recipeId}>
              <MethodCard user={user} m={m} onChanged={onChanged} />
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}

function MethodCard({ user, m, onChanged }: { user: User; m: LoginMethod; onChanged: () => void }) {
  const { config } = useApp();
  const [dialog, setDialog] = useState<'' | 'edit' | 'password' | 'unlink' | 'delete' | 'reset'>('');
  // An edit cut short by an expired session comes back after signing in again.
  const [draft, setDraft] = useState<Record<string, string> | null>(null);
  useEffect(() => {
    const d = takeDraft(`method:${m.recipeId}:${m.recipeUserId}`);
    if (!d) return;
    setDraft(d);
    setDialog('edit');
    toast.info(RESTORED);
  }, []);
  const idRef = useRef<HTMLElement>(null);
  const ev = config.recipes.emailverification && !!m.email;
  const editable = m.recipeId === 'emailpassword' || m.recipeId === 'passwordless';
  const title = methodLabel(m);
  const headId = `m-${m.recipeId}-${m.recipeUserId}`;
  const primary = user.isPrimaryUser && m.recipeUserId === user.id;
  const linked = user.loginMethods.length > 1;
  // When the primary user's own login method goes, the person lives on under another
  // login method's id (the oldest remaining one): show that one.
  const after = () => {
    const rest = user.loginMethods.filter((o) => o.recipeUserId !== m.recipeUserId);
    if (m.recipeUserId === user.id && rest.length > 0) {
      navigate(userPath(rest[0].recipeUserId));
      return;
    }
    onChanged();
  };
  return (
    <article class="method" aria-labelledby={headId}>
      <h3 id={headId}>
        <span class="pill pill-strong">{title}</span>
        {primary && <span class="pill pill-ok">Primary</span>}
      </h3>
      <dl class="props">
        <dt>User ID</dt>
        <dd>
          <code ref={idRef} class="break">
            {m.recipeUserId}
          </code>{' '}
          <CopyButton text={m.recipeUserId} target={() => idRef.current} label={`Copy ${title} user ID`} compact />
        </dd>
        {m.email && (
          <>
            <dt>Email</dt>
            <dd>
              <span class="break">{m.email}</span>{' '}
              {ev && (
                <span class={m.verified ? 'pill pill-ok' : 'pill pill-warn'}>{m.verified ? 'Verified' : 'Not verified'}</span>
              )}
            </dd>
          </>
        )}
        {m.recipeId === 'emailpassword' && m.email && <SignInLock user={user} m={m} />}
        {m.phoneNumber && (
          <>
            <dt>Phone</dt>
            <dd>{m.phoneNumber}</dd>
          </>
        )}
        {m.thirdParty && (
          <>
            <dt>Provider</dt>
            <dd>
              {m.thirdParty.id} | <code class="break">{m.thirdParty.userId}</code>
            </dd>
          </>
        )}
        <dt>Created on</dt>
        <dd>
          <time dateTime={isoDate(m.timeJoined)}>{fmtDateTime(m.timeJoined)}</time>
        </dd>
        <dt>Tenants</dt>
        <dd>
          <Pills label="Tenants" items={m.tenantIds} />
        </dd>
      </dl>
      <div class="method-actions">
        {editable && (
          <WriteButton class="btn btn-small" onClick={() => setDialog('edit')} aria-label={`Edit ${title} login`}>
            Edit
          </WriteButton>
        )}
        {m.recipeId === 'emailpassword' && (
          <WriteButton class="btn btn-small" onClick={() => setDialog('password')}>
            Change password
          </WriteButton>
        )}
        {m.recipeId === 'emailpassword' && m.email && (
          <WriteButton class="btn btn-small" onClick={() => setDialog('reset')}>
            Send password reset email
          </WriteButton>
        )}
        {ev && <VerifyControl user={user} m={m} onChanged={onChanged} />}
        {(linked || user.isPrimaryUser) && (
          <WriteButton class="btn btn-small" onClick={() => setDialog('unlink')} aria-label={`Unlink ${title} login`}>
            Unlink
          </WriteButton>
        )}
        {linked && (
          <WriteButton class="btn btn-small btn-danger" onClick={() => setDialog('delete')} aria-label={`Delete ${title} login`}>
            Delete
          </WriteButton>
        )}
      </div>
      {dialog === 'unlink' && (
        <MethodActionDialog
          title="Unlink login method?"
          m={m}
          text={
            m.recipeUserId === user.id && linked
              ? `The ${title} login is the primary user’s own: unlinking it deletes it, and the user keeps the other login methods.`
              : `The ${title} login becomes a user of its own.`
          }
          label="Unlink"
          busyLabel="Unlinking…"
          onClose={() => setDialog('')}
          run={async () => {
            const r = await api.unlink(m.recipeUserId);
            if (r.status !== 'OK') return 'The login method is not unlinked';
            toast.success('User unlinked successfully');
            setDialog('');
            after();
          }}
        />
      )}
      {dialog === 'delete' && (
        <MethodActionDialog
          title="Delete login method?"
          m={m}
          text={`This deletes only the ${title} login; the user keeps the other login methods.`}
          label="Delete"
          busyLabel="Deleting…"
          onClose={() => setDialog('')}
          run={async () => {
            const r = await api.deleteLoginMethod(m.recipeUserId);
            if (r.status !== 'OK') return 'The login method is not deleted';
            toast.success('Login method deleted');
            setDialog('');
            after();
          }}
        />
      )}
      {dialog === 'edit' && (
        <EditMethodDialog
          user={user}
          m={m}
          draft={draft}
          onClose={() => {
            setDialog('');
            setDraft(null);
          }}
          onSaved={onChanged}
        />
      )}
      {dialog === 'password' && <PasswordDialog user={user} m={m} onClose={() => setDialog('')} />}
      {dialog === 'reset' && (
        <ConfirmDialog
          title="Send a password reset email?"
          confirm="Send email"
          busyLabel="Sending…"
          onClose={() => setDialog('')}
          onConfirm={async () => {
            const r = await api.sendPasswordReset(tenantOf(m, user), m.recipeUserId);
            if (r.status === 'FEATURE_NOT_ENABLED_ERROR') return 'Email-password sign-in is not enabled.';
            if (r.status !== 'OK') return 'Could not send the email. Please try again.';
            toast.success(`Password reset email sent to ${m.email}`);
            setDialog('');
          }}
        >
          <p>
            {m.email} will get a link to set a new password. The current password keeps working until it is changed.
          </p>
        </ConfirmDialog>
      )}
    </article>
  );
}

type Lock = { locked?: boolean; lockedUntil?: number; failures?: number };

// SignInLock shows that brute-force protection locked the account's sign-in, and lets an admin
// unlock it. It shows nothing when the account is not locked or the backend cannot tell.
function SignInLock({ user, m }: { user: User; m: LoginMethod }) {
  const [lock, setLock] = useState<Lock | null>(null);
  const [busy, setBusy] = useState(false);
  const tenant = tenantOf(m, user);
  const load = () =>
    api.signInLock(tenant, m.email || '').then(
      (r) => setLock(r.status === 'OK' ? r : null),
      () => setLock(null),
    );
  useEffect(() => {
    void load();
  }, [tenant, m.email]);
  if (!lock?.locked || !lock.lockedUntil) return null;
  const unlock = async () => {
    setBusy(true);
    try {
      await api.unlockSignIn(tenant, m.email || '');
      toast.success('Sign-in unlocked');
      await load();
    } catch {
      toast.error('Could not unlock the sign-in');
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <dt>Sign-in</dt>
      <dd>
        <span class="pill pill-warn">
          Locked until <time dateTime={isoDate(lock.lockedUntil)}>{fmtDateTime(lock.lockedUntil)}</time>
        </span>{' '}
        <span class="muted">({lock.failures} failed attempts)</span>{' '}
        <WriteButton class="btn btn-small" onClick={unlock} disabled={busy}>
          Unlock
        </WriteButton>
      </dd>
    </>
  );
}

// The "Login methods" card: one article per login method with its ids, contact, provider,
// tenants, and the actions it allows (edit, change password, a password reset email, email
// verification).

import { useEffect, useRef, useState } from 'preact/hooks';
import { api, type LoginMethod, type User } from '../../api';
import { ConfirmDialog } from '../../ui/ConfirmDialog';
import { tenantOf } from './update';
import { useApp } from '../../context';
import { RESTORED, takeDraft } from '../../drafts';
import { fmtDateTime, isoDate, methodLabel } from '../../format';
import { Card, Pills } from '../../ui/Card';
import { CopyButton } from '../../ui/Copy';
import { toast } from '../../ui/toast';
import { WriteButton } from '../../ui/WriteButton';
import { EditMethodDialog } from './EditMethodDialog';
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
  const [dialog, setDialog] = useState<'' | 'edit' | 'password' | 'reset'>('');
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
  return (
    <article class="method" aria-labelledby={headId}>
      <h3 id={headId}>
        <span class="pill pill-strong">{title}</span>
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
      </div>
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

// The "User information" card: names (from the user metadata), emails, phones, sign-up time,
// tenants, activity (last sign-in, last active, sign-ins: Latchkey fields), and "Edit info".

import { useEffect, useState } from 'preact/hooks';
import type { User } from '../../api';
import { useApp } from '../../context';
import { RESTORED, takeDraft } from '../../drafts';
import { fmtDateTime, isoDate } from '../../format';
import { Card, Pills } from '../../ui/Card';
import { toast } from '../../ui/toast';
import { WriteButton } from '../../ui/WriteButton';
import { EditInfoDialog } from './EditInfoDialog';

export function InfoCard({ user, onChanged }: { user: User; onChanged: () => void }) {
  const { config } = useApp();
  const [editing, setEditing] = useState(false);
  // An edit cut short by an expired session comes back after signing in again.
  const [draft, setDraft] = useState<Record<string, string> | null>(null);
  useEffect(() => {
    const d = takeDraft(`info:${user.id}`);
    if (!d) return;
    setDraft(d);
    setEditing(true);
    toast.info(RESTORED);
  }, []);
  const namesEnabled =
    config.recipes.usermetadata && user.firstName !== 'FEATURE_NOT_ENABLED' && user.lastName !== 'FEATURE_NOT_ENABLED';
  const show = (v: string | undefined) => (namesEnabled ? v || <span class="muted">Not set</span> : <span class="muted">Feature not enabled</span>);
  return (
    <Card
      title="User information"
      id="sec-info"
      actions={
        namesEnabled && (
          <WriteButton class="btn btn-small" onClick={() => setEditing(true)}>
            Edit info
          </WriteButton>
        )
      }
    >
      <dl class="props">
        <dt>First name</dt>
        <dd>{show(user.firstName)}</dd>
        <dt>Last name</dt>
        <dd>{show(user.lastName)}</dd>
        <dt>Email</dt>
        <dd>{user.emails.length ? user.emails.join(', ') : <span class="muted">None</span>}</dd>
        <dt>Phone</dt>
        <dd>{user.phoneNumbers.length ? user.phoneNumbers.join(', ') : <span class="muted">None</span>}</dd>
        <dt>Signed up on</dt>
        <dd>
          <time dateTime={isoDate(user.timeJoined)}>{fmtDateTime(user.timeJoined)}</time>
        </dd>
        <dt>Tenants</dt>
        <dd>
          <Pills label="Tenants" items={user.tenantIds} />
        </dd>
        <dt>Primary user</dt>
        <dd>{user.isPrimaryUser ? 'Yes' : 'No'}</dd>
        <dt>Last sign-in</dt>
        <dd>
          {user.activity ? (
            <time dateTime={isoDate(user.activity.lastSignIn)}>{fmtDateTime(user.activity.lastSignIn)}</time>
          ) : (
            <span class="muted">Never</span>
          )}
        </dd>
        <dt>Last active</dt>
        <dd>
          {user.activity ? (
            <time dateTime={isoDate(user.activity.lastActive)}>{fmtDateTime(user.activity.lastActive)}</time>
          ) : (
            <span class="muted">Never</span>
          )}
        </dd>
        <dt>Sign-ins</dt>
        <dd>{user.activity?.signIns ?? 0}</dd>
      </dl>
      {!namesEnabled && (
        <p class="muted small">Names come from the user metadata keys first_name and last_name; the UserMetadata recipe is not enabled.</p>
      )}
      {editing && (
        <EditInfoDialog
          user={user}
          draft={draft}
          onClose={() => {
            setEditing(false);
            setDraft(null);
          }}
          onSaved={onChanged}
        />
      )}
    </Card>
  );
}

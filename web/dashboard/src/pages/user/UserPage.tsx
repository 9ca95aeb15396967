// One user (reference/dashboard.md §5.8): the page shell that loads the user and lays out its
// cards: information, access (suspension), login methods, roles, metadata and sessions.

import { api, type User } from '../../api';
import { Link } from '../../app';
import { errorText } from '../../errors';
import { NOT_FOUND, useLoad } from '../../hooks';
import { BackIcon } from '../../ui/icons';
import { PageHeading } from '../../ui/PageHeading';
import { InfoCard } from './InfoCard';
import { LoginMethodsCard } from './LoginMethodsCard';
import { MetadataCard } from './MetadataCard';
import { RolesCard } from './RolesCard';
import { SessionsCard } from './SessionsCard';
import { SuspensionCard } from './SuspensionCard';
import { UserActivityCard } from '../Activity';
import { UserHeader } from './UserHeader';

export function UserPage({ id }: { id: string }) {
  const loaded = useLoad<User>(async () => {
    const r = await api.user(id);
    return r.status === 'OK' && 'user' in r ? r.user : NOT_FOUND;
  }, [id]);
  const { state, data: user } = loaded;

  const back = (
    <p class="back">
      <Link to="/">
        <BackIcon /> Back to all users
      </Link>
    </p>
  );

  if (state === 'loading' && !user) {
    return (
      <section class="container">
        {back}
        <p role="status" class="muted">
          Loading user…
        </p>
      </section>
    );
  }
  if (state === 'notfound' || state === 'error' || !user) {
    return (
      <section class="container">
        {back}
        <PageHeading title={state === 'notfound' ? 'User could not be found' : 'Could not load the user'} />
        {state === 'error' && (
          <p class="alert alert-error" role="alert">
            {errorText(loaded.error, 'Failed to load the user. Please refresh to try again.')}
          </p>
        )}
      </section>
    );
  }
  return (
    <section class="container">
      {back}
      <UserHeader user={user} />
      <div class="detail-grid">
        <InfoCard user={user} onChanged={loaded.reload} />
        <SuspensionCard user={user} />
        <LoginMethodsCard user={user} onChanged={loaded.reload} />
        <RolesCard user={user} />
        <MetadataCard user={user} onChanged={loaded.reload} />
        <SessionsCard user={user} />
        <UserActivityCard userId={user.id} />
      </div>
    </section>
  );
}

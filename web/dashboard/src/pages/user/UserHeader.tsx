// The user page's heading: initials, display name, the user id with a copy button, and Delete.

import { useRef, useState } from 'preact/hooks';
import type { User } from '../../api';
import { displayName, initials } from '../../format';
import { CopyButton } from '../../ui/Copy';
import { TrashIcon } from '../../ui/icons';
import { PageHeading } from '../../ui/PageHeading';
import { WriteButton } from '../../ui/WriteButton';
import { DeleteUserDialog } from './DeleteUserDialog';

export function UserHeader({ user }: { user: User }) {
  const [deleting, setDeleting] = useState(false);
  const idRef = useRef<HTMLElement>(null);
  return (
    <div class="user-header">
      <span class="avatar" aria-hidden="true">
        {initials(user)}
      </span>
      <div class="user-header-main">
        <PageHeading title={displayName(user)} />
        <p class="user-id">
          <span class="muted">User ID:</span>{' '}
          <code ref={idRef} class="break">
            {user.id}
          </code>{' '}
          <CopyButton text={user.id} target={() => idRef.current} label="Copy user ID" compact />
        </p>
      </div>
      <WriteButton class="btn btn-danger" onClick={() => setDeleting(true)}>
        <TrashIcon />
        <span>Delete user</span>
      </WriteButton>
      {deleting && <DeleteUserDialog user={user} onClose={() => setDeleting(false)} />}
    </div>
  );
}

// One user (reference/dashboard.md §5.8): information, login methods, roles, metadata,
// sessions, and delete with type-to-confirm.

import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, api, type LoginMethod, type Session, type User } from '../api';
import { Link } from '../app';
import { useApp } from '../context';
import { errorText, isDenied } from '../errors';
import {
  displayName,
  fmtDate,
  fmtDateTime,
  initials,
  isoDate,
  methodLabel,
  primaryEmail,
  primaryMethod,
  primaryPhone,
  shortHandle,
  toE164,
} from '../format';
import { navigate } from '../router';
import { CopyButton } from '../ui/Copy';
import { Dialog } from '../ui/Dialog';
import { Field, FormError } from '../ui/forms';
import { BackIcon, MailIcon, PlusIcon, TrashIcon } from '../ui/icons';
import { JsonView } from '../ui/JsonView';
import { PageHeading } from '../ui/PageHeading';
import { toast } from '../ui/toast';
import { WriteButton } from '../ui/WriteButton';

const tenantOf = (m: LoginMethod | undefined, u: User) => m?.tenantIds?.[0] ?? u.tenantIds[0] ?? 'public';

export function UserPage({ id }: { id: string }) {
  const [user, setUser] = useState<User | null>(null);
  const [state, setState] = useState<'loading' | 'ok' | 'notfound' | 'error'>('loading');
  const [err, setErr] = useState('');
  const [version, setVersion] = useState(0);

  useEffect(() => {
    let live = true;
    api
      .user(id)
      .then((r) => {
        if (!live) return;
        if (r.status === 'OK' && 'user' in r) {
          setUser(r.user);
          setState('ok');
        } else setState('notfound');
      })
      .catch((e) => {
        if (!live) return;
        setErr(errorText(e, 'Failed to load the user. Please refresh to try again.'));
        setState('error');
      });
    return () => {
      live = false;
    };
  }, [id, version]);

  const refresh = () => setVersion((v) => v + 1);

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
            {err}
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
        <UserInfo user={user} onChanged={refresh} />
        <LoginMethods user={user} onChanged={refresh} />
        <UserRoles user={user} />
        <Metadata user={user} onChanged={refresh} />
        <Sessions user={user} />
      </div>
    </section>
  );
}

function UserHeader({ user }: { user: User }) {
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

function DeleteUserDialog({ user, onClose }: { user: User; onClose: () => void }) {
  const confirmText = primaryEmail(user) || primaryPhone(user) || user.id;
  const [typed, setTyped] = useState('');
  const [busy, setBusy] = useState(false);
  const [err, setErr] = useState('');
  const ok = typed.trim() === confirmText;
  const submit = async (e: Event) => {
    e.preventDefault();
    if (!ok) return;
    setBusy(true);
    try {
      const r = await api.deleteUser(user.id);
      if (r.status === 'OK') {
        toast.success('User deleted successfully');
        onClose();
        navigate('/');
        return;
      }
      setErr('User is not deleted');
    } catch (e2) {
      if (isDenied(e2)) return onClose();
      setErr(errorText(e2, 'User is not deleted'));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Dialog title="Delete User?" alert onClose={onClose}>
      <form class="form" onSubmit={submit} noValidate>
        <p>
          This permanently deletes <strong>{displayName(user)}</strong>, their sessions, metadata and roles. This will
          also delete any accounts linked to this user.
        </p>
        <FormError text={err} />
        <Field
          id="delete-confirm"
          label={`Type ${confirmText} to confirm`}
          autoComplete="off"
          spellcheck={false}
          value={typed}
          onValue={setTyped}
        />
        <div class="dialog-actions">
          <button type="button" class="btn" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" class="btn btn-danger" disabled={!ok || busy}>
            {busy ? 'Deleting…' : 'Delete Forever'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

function Section({
  title,
  id,
  actions,
  wide,
  children,
}: {
  title: string;
  id: string;
  actions?: ComponentChildren;
  wide?: boolean;
  children: ComponentChildren;
}) {
  return (
    <section class={wide ? 'card card-wide' : 'card'} aria-labelledby={id}>
      <div class="card-head">
        <h2 id={id}>{title}</h2>
        {actions && <div class="card-actions">{actions}</div>}
      </div>
      {children}
    </section>
  );
}

function Tenants({ ids }: { ids: string[] }) {
  return (
    <ul class="pills" aria-label="Tenants">
      {ids.map((t) => (
        <li key={t} class="pill">
          {t}
        </li>
      ))}
    </ul>
  );
}

// ---- User information ----

function UserInfo({ user, onChanged }: { user: User; onChanged: () => void }) {
  const { config } = useApp();
  const [editing, setEditing] = useState(false);
  const namesEnabled =
    config.recipes.usermetadata && user.firstName !== 'FEATURE_NOT_ENABLED' && user.lastName !== 'FEATURE_NOT_ENABLED';
  const show = (v: string | undefined) => (namesEnabled ? v || <span class="muted">Not set</span> : <span class="muted">Feature not enabled</span>);
  return (
    <Section
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
          <Tenants ids={user.tenantIds} />
        </dd>
        <dt>Primary user</dt>
        <dd>{user.isPrimaryUser ? 'Yes' : 'No'}</dd>
      </dl>
      {!namesEnabled && (
        <p class="muted small">Names come from the user metadata keys first_name and last_name; the UserMetadata recipe is not enabled.</p>
      )}
      {editing && <EditNamesDialog user={user} onClose={() => setEditing(false)} onSaved={onChanged} />}
    </Section>
  );
}

async function putUser(
  user: User,
  m: LoginMethod,
  fields: { firstName?: string; lastName?: string; email?: string; phone?: string },
): Promise<string> {
  // Empty strings mean "do not change" (reference §6.3).
  const r = await api.updateUser(tenantOf(m, user), {
    userId: user.id,
    recipeUserId: m.recipeUserId,
    recipeId: m.recipeId,
    firstName: fields.firstName ?? '',
    lastName: fields.lastName ?? '',
    email: fields.email ?? '',
    phone: fields.phone ?? '',
  });
  switch (r.status) {
    case 'OK':
      return '';
    case 'EMAIL_ALREADY_EXISTS_ERROR':
      return 'A user with this email already exists';
    case 'PHONE_ALREADY_EXISTS_ERROR':
      return 'A user with this phone number already exists';
    case 'INVALID_EMAIL_ERROR':
      return r.error || 'Email is invalid';
    case 'INVALID_PHONE_ERROR':
      return r.error || 'Phone number is invalid';
    case 'EMAIL_CHANGE_NOT_ALLOWED_ERROR':
      return r.error || 'The email of this user cannot be changed';
    case 'PHONE_NUMBER_CHANGE_NOT_ALLOWED_ERROR':
      return r.error || 'The phone number of this user cannot be changed';
    default:
      return 'Something went wrong. Please try again.';
  }
}

function EditNamesDialog({ user, onClose, onSaved }: { user: User; onClose: () => void; onSaved: () => void }) {
  const [first, setFirst] = useState(user.firstName ?? '');
  const [last, setLast] = useState(user.lastName ?? '');
  const [err, setErr] = useState('');
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    const m = primaryMethod(user);
    if (!m) return setErr('This user has no login method.');
    setBusy(true);
    setErr('');
    try {
      const msg = await putUser(user, m, { firstName: first.trim(), lastName: last.trim() });
      if (msg) return setErr(msg);
      toast.success('User information updated successfully');
      onClose();
      onSaved();
    } catch (e2) {
      if (isDenied(e2)) return onClose();
      setErr(errorText(e2));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Dialog title="Edit user information" onClose={onClose}>
      <form class="form" onSubmit={submit} noValidate>
        <FormError text={err} />
        <Field id="edit-first" label="First name" autoComplete="off" value={first} onValue={setFirst} />
        <Field id="edit-last" label="Last name" autoComplete="off" value={last} onValue={setLast} />
        <p class="muted small">Saved in the user metadata as first_name and last_name. An empty field keeps its current value.</p>
        <div class="dialog-actions">
          <button type="button" class="btn" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" class="btn btn-primary" disabled={busy}>
            {busy ? 'Saving…' : 'Save'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

// ---- Login methods ----

function LoginMethods({ user, onChanged }: { user: User; onChanged: () => void }) {
  return (
    <Section title="Login methods" id="sec-methods">
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
    </Section>
  );
}

function MethodCard({ user, m, onChanged }: { user: User; m: LoginMethod; onChanged: () => void }) {
  const { config } = useApp();
  const [dialog, setDialog] = useState<'' | 'edit' | 'password'>('');
  const [busy, setBusy] = useState(false);
  const idRef = useRef<HTMLElement>(null);
  const ev = config.recipes.emailverification && !!m.email;
  const editable = m.recipeId === 'emailpassword' || m.recipeId === 'passwordless';
  const title = methodLabel(m);
  const t = tenantOf(m, user);

  const setVerified = async (verified: boolean) => {
    setBusy(true);
    try {
      const r = await api.setVerified(t, m.recipeUserId, verified);
      if (r.status === 'OK') {
        toast.success(verified ? 'Email marked as verified' : 'Email marked as unverified');
        onChanged();
      } else if (r.status === 'FEATURE_NOT_ENABLED_ERROR') toast.error('EmailVerification feature is not enabled');
      else toast.error('Could not change the verification status');
    } catch (e) {
      if (!isDenied(e)) toast.error(errorText(e, 'Could not change the verification status'));
    } finally {
      setBusy(false);
    }
  };

  const sendEmail = async () => {
    setBusy(true);
    try {
      const r = await api.sendVerifyEmail(t, m.recipeUserId);
      if (r.status === 'OK') toast.success('Email Sent!');
      else if (r.status === 'EMAIL_ALREADY_VERIFIED_ERROR') {
        toast.info('This email is already verified');
        onChanged();
      } else if (r.status === 'FEATURE_NOT_ENABLED_ERROR') toast.error('EmailVerification feature is not enabled');
      else toast.error('Could not send the verification email');
    } catch (e) {
      if (!isDenied(e)) toast.error(errorText(e, 'Could not send the verification email'));
    } finally {
      setBusy(false);
    }
  };

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
          <Tenants ids={m.tenantIds} />
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
        {ev && (
          <WriteButton class="btn btn-small" disabled={busy} onClick={() => setVerified(!m.verified)}>
            {m.verified ? 'Set as unverified' : 'Set as verified'}
          </WriteButton>
        )}
        {ev && !m.verified && (
          <WriteButton class="btn btn-small" disabled={busy} onClick={sendEmail}>
            <MailIcon />
            <span>Send verification email</span>
          </WriteButton>
        )}
      </div>
      {dialog === 'edit' && <EditMethodDialog user={user} m={m} onClose={() => setDialog('')} onSaved={onChanged} />}
      {dialog === 'password' && <PasswordDialog user={user} m={m} onClose={() => setDialog('')} />}
    </article>
  );
}

function EditMethodDialog({ user, m, onClose, onSaved }: { user: User; m: LoginMethod; onClose: () => void; onSaved: () => void }) {
  const [email, setEmail] = useState(m.email ?? '');
  const [phone, setPhone] = useState(m.phoneNumber ?? '');
  const [err, setErr] = useState('');
  const [busy, setBusy] = useState(false);
  const showEmail = m.recipeId === 'emailpassword' || m.recipeId === 'passwordless';
  const showPhone = m.recipeId === 'passwordless';
  const submit = async (e: Event) => {
    e.preventDefault();
    setErr('');
    const newEmail = email.trim();
    const newPhone = phone.trim() ? toE164(phone) : '';
    const fields = {
      email: newEmail && newEmail !== m.email ? newEmail : '',
      phone: newPhone && newPhone !== m.phoneNumber ? newPhone : '',
    };
    if (!fields.email && !fields.phone) {
      onClose();
      return;
    }
    setBusy(true);
    try {
      const msg = await putUser(user, m, fields);
      if (msg) return setErr(msg);
      toast.success('User information updated successfully');
      onClose();
      onSaved();
    } catch (e2) {
      if (isDenied(e2)) return onClose();
      setErr(errorText(e2));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Dialog title={`Edit ${methodLabel(m)} login`} onClose={onClose}>
      <form class="form" onSubmit={submit} noValidate>
        <FormError text={err} />
        {showEmail && <Field id="edit-email" label="Email" type="email" autoComplete="off" value={email} onValue={setEmail} />}
        {showPhone && (
          <Field
            id="edit-phone"
            label="Phone number"
            type="tel"
            autoComplete="off"
            value={phone}
            onValue={setPhone}
            hint="International format, e.g. +1 555 010 0000."
          />
        )}
        <div class="dialog-actions">
          <button type="button" class="btn" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" class="btn btn-primary" disabled={busy}>
            {busy ? 'Saving…' : 'Save'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

function PasswordDialog({ user, m, onClose }: { user: User; m: LoginMethod; onClose: () => void }) {
  const [pw, setPw] = useState('');
  const [pw2, setPw2] = useState('');
  const [pwErr, setPwErr] = useState('');
  const [pw2Err, setPw2Err] = useState('');
  const [err, setErr] = useState('');
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    setErr('');
    setPwErr(pw ? '' : 'Password cannot be empty');
    setPw2Err(pw && pw !== pw2 ? 'Passwords do not match' : '');
    if (!pw || pw !== pw2) return;
    setBusy(true);
    try {
      const r = await api.changePassword(tenantOf(m, user), m.recipeUserId, pw);
      if (r.status === 'OK') {
        toast.success('Password updated');
        onClose();
      } else if (r.status === 'INVALID_PASSWORD_ERROR') setPwErr(r.error || 'Password is invalid');
      else setErr('Something went wrong. Please try again.');
    } catch (e2) {
      if (isDenied(e2)) return onClose();
      setErr(errorText(e2));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Dialog title="Change Password" onClose={onClose}>
      <form class="form" onSubmit={submit} noValidate>
        <FormError text={err} />
        <Field id="new-password" label="New Password" type="password" autoComplete="new-password" value={pw} onValue={setPw} error={pwErr} />
        <Field
          id="confirm-password"
          label="Confirm Password"
          type="password"
          autoComplete="new-password"
          value={pw2}
          onValue={setPw2}
          error={pw2Err}
        />
        <div class="dialog-actions">
          <button type="button" class="btn" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" class="btn btn-primary" disabled={busy}>
            {busy ? 'Saving…' : 'Change password'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

// ---- Roles ----

function UserRoles({ user }: { user: User }) {
  const { config } = useApp();
  const [tenant, setTenant] = useState(user.tenantIds.includes('public') ? 'public' : user.tenantIds[0] ?? 'public');
  const [roles, setRoles] = useState<string[] | null>(null);
  const [state, setState] = useState<'loading' | 'ok' | 'disabled' | 'error'>('loading');
  const [assigning, setAssigning] = useState(false);
  const [version, setVersion] = useState(0);
  const [busy, setBusy] = useState('');

  useEffect(() => {
    if (!config.recipes.userroles) return setState('disabled');
    let live = true;
    setState('loading');
    api
      .userRoles(tenant, user.id)
      .then((r) => {
        if (!live) return;
        if (r.status === 'FEATURE_NOT_ENABLED_ERROR') return setState('disabled');
        setRoles(r.roles ?? []);
        setState('ok');
      })
      .catch(() => live && setState('error'));
    return () => {
      live = false;
    };
  }, [tenant, version]);

  const remove = async (role: string) => {
    setBusy(role);
    try {
      const r = await api.removeRole(tenant, user.id, role);
      if (r.status === 'OK') {
        toast.success(`Role "${role}" removed`);
        setVersion((v) => v + 1);
      } else if (r.status === 'UNKNOWN_ROLE_ERROR') {
        toast.error(`Role "${role}" does not exist any more`);
        setVersion((v) => v + 1);
      } else toast.error('Could not remove the role');
    } catch (e) {
      if (!isDenied(e)) toast.error(errorText(e, 'Could not remove the role'));
    } finally {
      setBusy('');
    }
  };

  return (
    <Section
      title="User roles"
      id="sec-roles"
      actions={
        state === 'ok' && (
          <WriteButton class="btn btn-small" onClick={() => setAssigning(true)}>
            <PlusIcon />
            <span>Assign role</span>
          </WriteButton>
        )
      }
    >
      {user.tenantIds.length > 1 && state !== 'disabled' && (
        <div class="field-inline">
          <label for="roles-tenant">Roles for tenant</label>
          <select id="roles-tenant" value={tenant} onChange={(e) => setTenant(e.currentTarget.value)}>
            {user.tenantIds.map((t) => (
              <option key={t} value={t}>
                {t}
              </option>
            ))}
          </select>
        </div>
      )}
      {state === 'disabled' && (
        <p class="alert alert-info">Feature is not enabled. Initialise the UserRoles recipe on the backend to use roles.</p>
      )}
      {state === 'error' && (
        <p class="alert alert-error" role="alert">
          Could not load the roles of this user.
        </p>
      )}
      {state === 'loading' && (
        <p class="muted" role="status">
          Loading roles…
        </p>
      )}
      {state === 'ok' && roles && (
        roles.length === 0 ? (
          <p class="muted">No assigned user roles{user.tenantIds.length > 1 ? ` in ${tenant}` : ''}.</p>
        ) : (
          <ul class="chips" aria-label="Assigned roles">
            {roles.map((r) => (
              <li key={r} class="chip">
                <span>{r}</span>
                <WriteButton class="chip-x" aria-label={`Remove role ${r}`} disabled={busy === r} onClick={() => remove(r)}>
                  ×
                </WriteButton>
              </li>
            ))}
          </ul>
        )
      )}
      {assigning && roles && (
        <AssignRoleDialog
          tenant={tenant}
          userId={user.id}
          assigned={roles}
          onClose={() => setAssigning(false)}
          onDone={() => setVersion((v) => v + 1)}
        />
      )}
    </Section>
  );
}

function AssignRoleDialog({
  tenant,
  userId,
  assigned,
  onClose,
  onDone,
}: {
  tenant: string;
  userId: string;
  assigned: string[];
  onClose: () => void;
  onDone: () => void;
}) {
  const [all, setAll] = useState<string[] | null>(null);
  const [role, setRole] = useState('');
  const [err, setErr] = useState('');
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    api
      .roles()
      .then((r) => {
        const avail = (r.roles ?? []).filter((x) => !assigned.includes(x));
        setAll(r.roles ?? []);
        setRole(avail[0] ?? '');
      })
      .catch((e) => setErr(errorText(e, 'Could not load the roles')));
  }, []);
  const avail = (all ?? []).filter((x) => !assigned.includes(x));
  const submit = async (e: Event) => {
    e.preventDefault();
    if (!role) return;
    setBusy(true);
    try {
      const r = await api.assignRole(tenant, userId, role);
      if (r.status === 'OK') {
        toast.success(`Role "${role}" assigned`);
        onClose();
        onDone();
      } else if (r.status === 'UNKNOWN_ROLE_ERROR') setErr('This role does not exist any more.');
      else setErr('Could not assign the role.');
    } catch (e2) {
      if (isDenied(e2)) return onClose();
      setErr(errorText(e2));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Dialog title="Assign User Roles" onClose={onClose}>
      <form class="form" onSubmit={submit} noValidate>
        <FormError text={err} />
        {all === null && !err && (
          <p role="status" class="muted">
            Loading roles…
          </p>
        )}
        {all !== null && all.length === 0 && (
          <p>
            You have not created any User Roles. <Link to="/roles">Create roles</Link>
          </p>
        )}
        {all !== null && all.length > 0 && avail.length === 0 && (
          <p>
            All User Roles are already assigned! <Link to="/roles">Manage roles</Link>
          </p>
        )}
        {avail.length > 0 && (
          <div class="field">
            <label for="assign-role">Role</label>
            <select id="assign-role" value={role} onChange={(e) => setRole(e.currentTarget.value)}>
              {avail.map((r) => (
                <option key={r} value={r}>
                  {r}
                </option>
              ))}
            </select>
            <p class="field-hint">Assigned in tenant {tenant}.</p>
          </div>
        )}
        <div class="dialog-actions">
          <button type="button" class="btn" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" class="btn btn-primary" disabled={busy || !role}>
            {busy ? 'Assigning…' : 'Assign role'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

// ---- Metadata ----

function Metadata({ user, onChanged }: { user: User; onChanged: () => void }) {
  const { config } = useApp();
  const [data, setData] = useState<Record<string, unknown> | null>(null);
  const [state, setState] = useState<'loading' | 'ok' | 'disabled' | 'error'>('loading');
  const [editing, setEditing] = useState(false);
  const [text, setText] = useState('');
  const [err, setErr] = useState('');
  const [busy, setBusy] = useState(false);
  const [version, setVersion] = useState(0);

  useEffect(() => {
    if (!config.recipes.usermetadata) return setState('disabled');
    let live = true;
    api
      .metadata(user.id)
      .then((r) => {
        if (!live) return;
        if (r.status === 'FEATURE_NOT_ENABLED_ERROR') return setState('disabled');
        setData(r.data ?? {});
        setState('ok');
      })
      .catch(() => live && setState('error'));
    return () => {
      live = false;
    };
  }, [user.id, version]);

  const startEdit = () => {
    setText(JSON.stringify(data ?? {}, null, 2));
    setErr('');
    setEditing(true);
  };

  const save = async (e: Event) => {
    e.preventDefault();
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
      setErr('User meta data must be a valid JSON object');
      document.getElementById('metadata-editor')?.focus();
      return;
    }
    setErr('');
    setBusy(true);
    try {
      const r = await api.setMetadata(user.id, JSON.stringify(parsed));
      if (r.status !== 'OK') throw new ApiError(500, '');
      toast.success('User metadata updated');
      setEditing(false);
      setVersion((v) => v + 1);
      onChanged();
    } catch (e2) {
      if (isDenied(e2)) return setEditing(false);
      setErr('Could not update user meta data');
    } finally {
      setBusy(false);
    }
  };

  return (
    <Section
      title="User metadata"
      id="sec-metadata"
      actions={
        state === 'ok' &&
        !editing && (
          <WriteButton class="btn btn-small" onClick={startEdit}>
            Edit
          </WriteButton>
        )
      }
    >
      {state === 'disabled' && <p class="alert alert-info">Feature Not Enabled</p>}
      {state === 'error' && (
        <p class="alert alert-error" role="alert">
          Could not load the user metadata.
        </p>
      )}
      {state === 'loading' && (
        <p class="muted" role="status">
          Loading metadata…
        </p>
      )}
      {state === 'ok' && !editing && <JsonView value={data} />}
      {state === 'ok' && editing && (
        <form class="form" onSubmit={save} noValidate>
          <div class="field">
            <label for="metadata-editor">Metadata (a JSON object; replaces the whole object)</label>
            <textarea
              id="metadata-editor"
              class="code-input"
              rows={Math.min(20, Math.max(6, text.split('\n').length + 1))}
              spellcheck={false}
              value={text}
              onInput={(e) => setText(e.currentTarget.value)}
              aria-invalid={err ? 'true' : undefined}
              aria-describedby={err ? 'metadata-error' : undefined}
            />
            {err && (
              <p id="metadata-error" class="field-error" role="alert">
                {err}
              </p>
            )}
          </div>
          <div class="dialog-actions">
            <button type="button" class="btn" onClick={() => setEditing(false)}>
              Cancel
            </button>
            <button type="submit" class="btn btn-primary" disabled={busy}>
              {busy ? 'Saving…' : 'Save'}
            </button>
          </div>
        </form>
      )}
    </Section>
  );
}

// ---- Sessions ----

function Sessions({ user }: { user: User }) {
  const [sessions, setSessions] = useState<Session[] | null>(null);
  const [state, setState] = useState<'loading' | 'ok' | 'error'>('loading');
  const [version, setVersion] = useState(0);
  const [confirmAll, setConfirmAll] = useState(false);
  const [busy, setBusy] = useState('');

  useEffect(() => {
    let live = true;
    api
      .sessions(user.id)
      .then((r) => {
        if (!live) return;
        setSessions(r.sessions ?? []);
        setState('ok');
      })
      .catch(() => live && setState('error'));
    return () => {
      live = false;
    };
  }, [user.id, version]);

  const revoke = async (handles: string[], label: string) => {
    setBusy(label);
    try {
      const r = await api.revokeSessions(handles);
      if (r.status === 'OK') toast.success(handles.length === 1 && label !== 'all' ? 'Session revoked' : 'All sessions revoked');
      else toast.error('Could not revoke the session');
    } catch (e) {
      if (!isDenied(e)) toast.error(errorText(e, 'Could not revoke the session'));
    } finally {
      setBusy('');
      setConfirmAll(false);
      setVersion((v) => v + 1);
    }
  };

  const n = sessions?.length ?? 0;
  return (
    <Section
      title={`Sessions${sessions ? ` (${n})` : ''}`}
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
      {state === 'loading' && (
        <p class="muted" role="status">
          Loading sessions…
        </p>
      )}
      {state === 'error' && (
        <p class="alert alert-error" role="alert">
          Could not load the sessions.
        </p>
      )}
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
              {sessions!.map((s) => (
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
                      disabled={busy !== ''}
                      onClick={() => revoke([s.sessionHandle], s.sessionHandle)}
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
        <Dialog title="Revoke all sessions?" alert onClose={() => setConfirmAll(false)}>
          <p>
            This signs {displayName(user)} out everywhere: {n === 1 ? 'its session' : `all ${n} sessions`} will be revoked.
          </p>
          <div class="dialog-actions">
            <button type="button" class="btn" data-autofocus onClick={() => setConfirmAll(false)}>
              Cancel
            </button>
            <button
              type="button"
              class="btn btn-danger"
              disabled={busy !== ''}
              onClick={() => revoke(sessions!.map((s) => s.sessionHandle), 'all')}
            >
              Revoke all
            </button>
          </div>
        </Dialog>
      )}
    </Section>
  );
}

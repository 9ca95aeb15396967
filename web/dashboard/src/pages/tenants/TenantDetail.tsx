// A tenant's page (reference/dashboard.md §5.10, "?tenantId=<id>"): its users, login methods,
// secondary factors, third-party providers, core config, and deleting it.

import { useState } from 'preact/hooks';
import { Link } from '../../app';
import { storage } from '../../api';
import { useApp } from '../../context';
import { fmtNumber } from '../../format';
import { NOT_FOUND, useAction, useLoad } from '../../hooks';
import { navigate, userPath } from '../../router';
import { loadTenants } from '../../tenants';
import { Card, Status } from '../../ui/Card';
import { ConfirmDialog } from '../../ui/ConfirmDialog';
import { BackIcon, PlusIcon, TrashIcon } from '../../ui/icons';
import { PageHeading } from '../../ui/PageHeading';
import { toast } from '../../ui/toast';
import { WriteButton } from '../../ui/WriteButton';
import { CoreConfigCard } from './CoreConfigCard';
import { ProviderDialog, type ProviderTarget } from './ProviderEditor';
import { FIRST_FACTORS, tenantApi, userAddError, type TenantInfo } from './tenantApi';

export function TenantDetail({ id }: { id: string }) {
  const loaded = useLoad<TenantInfo>(async () => {
    const r = await tenantApi.get(id);
    if (r.status === 'UNKNOWN_TENANT_ERROR' || !r.tenant) return NOT_FOUND;
    return r.tenant;
  }, [id]);
  const [deleting, setDeleting] = useState(false);
  const t = loaded.data;
  const back = (
    <Link to="/tenants" class="back">
      <BackIcon />
      <span>All tenants</span>
    </Link>
  );

  if (loaded.state === 'notfound') {
    return (
      <section class="container">
        {back}
        <PageHeading title="Tenant not found" />
        <p class="alert alert-error" role="alert">
          Cannot find a tenant for the given tenant id
        </p>
      </section>
    );
  }

  return (
    <section class="container">
      {back}
      <PageHeading title={`Tenant ${id}`} sub="Its login methods, providers and core config.">
        {t && id !== 'public' && (
          <WriteButton class="btn btn-danger-outline" onClick={() => setDeleting(true)}>
            <TrashIcon />
            <span>Delete Tenant</span>
          </WriteButton>
        )}
      </PageHeading>
      <Status state={loaded.state} loading="Loading the tenant…" failed="Could not load the tenant." error={loaded.error} />
      {loaded.state === 'error' && (
        <button type="button" class="btn btn-small" onClick={loaded.reload}>
          Retry
        </button>
      )}
      {t && (
        <div class="tenant-cards">
          <TenantHeader t={t} />
          <LoginMethodsCard t={t} reload={loaded.reload} />
          <SecondaryFactorsCard t={t} />
          {t.firstFactors.includes('thirdparty') && <ProvidersCard t={t} reload={loaded.reload} />}
          <TenantUsersCard t={t} reload={loaded.reload} />
          <CoreConfigCard t={t} reload={loaded.reload} />
        </div>
      )}
      {deleting && (
        <ConfirmDialog
          title="Delete Tenant?"
          confirm="Delete tenant"
          busyLabel="Deleting…"
          onClose={() => setDeleting(false)}
          onConfirm={async () => {
            const r = await tenantApi.remove(id);
            if (r.status === 'CANNOT_DELETE_PUBLIC_TENANT_ERROR') return 'The public tenant cannot be deleted.';
            if (r.status !== 'OK') return r.message || `Could not delete the tenant (${r.status}).`;
            if (storage.tenant() === id) storage.setTenant('public');
            void loadTenants(true);
            toast.success(`Tenant "${id}" deleted`);
            setDeleting(false);
            navigate('/tenants');
          }}
        >
          <p>
            Delete the tenant <strong>{id}</strong>? Its login methods, providers and config go with it, and its users
            can no longer sign in to it. This cannot be undone.
          </p>
        </ConfirmDialog>
      )}
    </section>
  );
}

function TenantHeader({ t }: { t: TenantInfo }) {
  return (
    <Card title="Tenant" id="tenant-info">
      <dl class="props">
        <dt>Tenant Id</dt>
        <dd>
          <code>{t.tenantId}</code>
        </dd>
        <dt>No. of Users</dt>
        <dd>{fmtNumber(t.userCount ?? 0)}</dd>
      </dl>
      <div class="card-foot">
        <button
          type="button"
          class="btn btn-small"
          onClick={() => {
            // The users page opens on the tenant stored here (as the reference's "See Users").
            storage.setTenant(t.tenantId);
            void loadTenants(true).then(() => navigate('/'));
          }}
        >
          See Users
        </button>
      </div>
    </Card>
  );
}

function LoginMethodsCard({ t, reload }: { t: TenantInfo; reload: () => void }) {
  const [errs, setErrs] = useState<Record<string, string>>({});
  const [pending, setPending] = useState<string | null>(null);
  const act = useAction<string>((m) => toast.error(m));
  const toggle = (factorId: string, enable: boolean) =>
    act.run(factorId, async () => {
      setPending(factorId);
      try {
        const r = await tenantApi.setFirstFactor(t.tenantId, factorId, enable);
        if (r.status === 'RECIPE_NOT_CONFIGURED_ON_BACKEND_SDK_ERROR') {
          setErrs((e) => ({ ...e, [factorId]: r.message || 'The recipe of this login method is not initialised on the backend.' }));
          return;
        }
        if (r.status === 'UNKNOWN_TENANT_ERROR') return 'This tenant does not exist any more.';
        if (r.status !== 'OK') return r.message || `Could not change the login method (${r.status}).`;
        setErrs((e) => ({ ...e, [factorId]: '' }));
        toast.success(`${enable ? 'Enabled' : 'Disabled'} ${factorId} for ${t.tenantId}`);
        void loadTenants(true);
        reload();
      } finally {
        setPending(null);
      }
    });
  return (
    <Card title="Enabled Login Methods" id="tenant-login-methods">
      {t.firstFactors.length === 0 && (
        <p class="alert alert-warn" role="status">
          No login methods are enabled for this tenant: nobody can sign in to it. Enable one below.
        </p>
      )}
      <ul class="switch-list">
        {FIRST_FACTORS.map((f) => {
          const on = t.firstFactors.includes(f.id);
          const err = errs[f.id];
          const errId = `ff-${f.id}-err`;
          return (
            <li key={f.id}>
              <WriteButton
                role="switch"
                class="switch"
                aria-checked={on ? 'true' : 'false'}
                aria-busy={pending === f.id ? 'true' : undefined}
                aria-describedby={err ? errId : undefined}
                onClick={() => toggle(f.id, !on)}
              >
                <span class="switch-track" aria-hidden="true">
                  <span class="switch-thumb" />
                </span>
                <span class="switch-label">
                  {f.label} <code>{f.id}</code>
                </span>
              </WriteButton>
              {err && (
                <p id={errId} class="field-error" role="alert">
                  {err}
                </p>
              )}
            </li>
          );
        })}
      </ul>
    </Card>
  );
}

function SecondaryFactorsCard({ t }: { t: TenantInfo }) {
  const req = t.requiredSecondaryFactors ?? [];
  return (
    <Card title="Secondary Factors" id="tenant-secondary">
      <p class="alert alert-info">
        Multi-factor authentication is not initialised on the backend, so this tenant cannot require secondary factors
        (totp, otp-email, otp-phone). Latchkey has no MFA recipe yet.
      </p>
      {req.length > 0 && (
        <p>
          The core lists these as required: <code>{req.join(', ')}</code>.
        </p>
      )}
    </Card>
  );
}

function ProvidersCard({ t, reload }: { t: TenantInfo; reload: () => void }) {
  const [target, setTarget] = useState<ProviderTarget | null>(null);
  const providers = t.thirdParty?.providers ?? [];
  return (
    <Card
      title="Social / Enterprise providers"
      id="tenant-providers"
      actions={
        <WriteButton class="btn btn-small" onClick={() => setTarget({ kind: 'pick' })}>
          <PlusIcon />
          <span>Add new</span>
        </WriteButton>
      }
    >
      {providers.length === 0 ? (
        <p class="alert alert-warn" role="status">
          Third Party is enabled but this tenant has no provider yet: add one so that its users can sign in with it.
        </p>
      ) : (
        <ul class="provider-list" aria-label="Providers">
          {providers.map((p) => (
            <li key={p.thirdPartyId}>
              <button
                type="button"
                class="btn provider-btn"
                aria-label={`Edit provider ${p.thirdPartyId}`}
                onClick={() => setTarget({ kind: 'edit', thirdPartyId: p.thirdPartyId })}
              >
                <span>{p.name || p.thirdPartyId}</span>
                <code class="muted">{p.thirdPartyId}</code>
              </button>
            </li>
          ))}
        </ul>
      )}
      {target && (
        <ProviderDialog
          tenantId={t.tenantId}
          target={target}
          existing={providers.map((p) => p.thirdPartyId)}
          onTarget={setTarget}
          onClose={() => setTarget(null)}
          onSaved={() => {
            setTarget(null);
            reload();
          }}
        />
      )}
    </Card>
  );
}

/** TenantUsersCard adds an existing user to the tenant, or takes one out of it, by user id. */
function TenantUsersCard({ t, reload }: { t: TenantInfo; reload: () => void }) {
  const [userId, setUserId] = useState('');
  const [err, setErr] = useState('');
  const [done, setDone] = useState<{ id: string; text: string } | null>(null);
  const [removing, setRemoving] = useState<string | null>(null);
  const act = useAction<string>(setErr);
  const { canWrite } = useApp();
  const id = userId.trim();
  const add = (e: Event) => {
    e.preventDefault();
    if (!canWrite) return;
    if (!id) return setErr('Enter the id of an existing user.');
    setErr('');
    setDone(null);
    act.run('add', async () => {
      const r = await tenantApi.addUser(t.tenantId, id);
      if (r.status !== 'OK') return userAddError(r);
      setDone({ id, text: r.wasAlreadyAssociated ? 'was already in this tenant' : 'is now in this tenant' });
      setUserId('');
      reload();
    });
  };
  return (
    <Card title="Users of this tenant" id="tenant-users">
      <form class="form" onSubmit={add} noValidate>
        <div class="field">
          <label for="tenant-user-id">User ID</label>
          <div class="input-row">
            <input
              id="tenant-user-id"
              value={userId}
              autoComplete="off"
              spellcheck={false}
              aria-invalid={err ? 'true' : undefined}
              aria-describedby={err ? 'tenant-user-err' : 'tenant-user-hint'}
              onInput={(e) => {
                setUserId(e.currentTarget.value);
                setErr('');
              }}
            />
          </div>
          <p id="tenant-user-hint" class="field-hint">
            The id of an existing user (from the users page). Users keep their other tenants.
          </p>
          {err && (
            <p id="tenant-user-err" class="field-error" role="alert">
              {err}
            </p>
          )}
        </div>
        <div class="form-actions">
          <WriteButton type="submit" class="btn btn-primary">
            {act.busy === 'add' ? 'Adding…' : 'Add user to this tenant'}
          </WriteButton>
          <WriteButton
            class="btn btn-danger-outline"
            onClick={() => {
              if (!id) return setErr('Enter the id of the user to remove.');
              setErr('');
              setRemoving(id);
            }}
          >
            Remove user from this tenant
          </WriteButton>
        </div>
      </form>
      {done && (
        <p class="alert alert-info" role="status">
          User <Link to={userPath(done.id)}>{done.id}</Link> {done.text}.
        </p>
      )}
      {removing !== null && (
        <ConfirmDialog
          title="Remove user from tenant?"
          confirm="Remove from tenant"
          busyLabel="Removing…"
          onClose={() => setRemoving(null)}
          onConfirm={async () => {
            const r = await tenantApi.removeUser(t.tenantId, removing);
            if (r.status !== 'OK') return userAddError(r);
            setDone({ id: removing, text: r.wasAssociated === false ? 'was not in this tenant' : 'is no longer in this tenant' });
            setUserId('');
            setRemoving(null);
            reload();
          }}
        >
          <p>
            Take the user <code>{removing}</code> out of the tenant <strong>{t.tenantId}</strong>? They can no longer sign
            in to it; they stay in their other tenants.
          </p>
        </ConfirmDialog>
      )}
    </Card>
  );
}

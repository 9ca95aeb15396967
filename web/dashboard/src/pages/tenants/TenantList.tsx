// Tenant Management list (reference/dashboard.md §5.10): a client-side filter, 10 tenants a page,
// each row a link to its detail, and the "Create New Tenant" dialog.

import { useState } from 'preact/hooks';
import { Link } from '../../app';
import { api, type Tenant } from '../../api';
import { fmtNumber } from '../../format';
import { useAction, useLoad } from '../../hooks';
import { navigate } from '../../router';
import { factorLabels, loadTenants, sortTenants } from '../../tenants';
import { Dialog } from '../../ui/Dialog';
import { Field, FormActions, FormError } from '../../ui/forms';
import { PlusIcon } from '../../ui/icons';
import { PageHeading } from '../../ui/PageHeading';
import { PagerButtons } from '../../ui/Pager';
import { toast } from '../../ui/toast';
import { WriteButton } from '../../ui/WriteButton';
import { tenantApi } from './tenantApi';

const PER_PAGE = 10;

/** tenantPath is the detail page of a tenant. */
export function tenantPath(id: string): string {
  return '/tenants?tenantId=' + encodeURIComponent(id);
}

export function TenantList() {
  const loaded = useLoad<Tenant[]>(async () => sortTenants((await api.tenants()).tenants ?? []), []);
  const [filter, setFilter] = useState('');
  const [page, setPage] = useState(0);
  const [creating, setCreating] = useState(false);
  const f = filter.trim().toLowerCase();
  const list = (loaded.data ?? []).filter((t) => t.tenantId.toLowerCase().includes(f));
  const pages = Math.max(1, Math.ceil(list.length / PER_PAGE));
  const p = Math.min(page, pages - 1);
  const shown = list.slice(p * PER_PAGE, p * PER_PAGE + PER_PAGE);

  return (
    <section class="container">
      <PageHeading title="Tenant Management" sub="Create and manage the tenants of this app: their login methods, providers and core config.">
        {loaded.data && (
          <WriteButton class="btn btn-primary" onClick={() => setCreating(true)}>
            <PlusIcon />
            <span>Add Tenant</span>
          </WriteButton>
        )}
      </PageHeading>
      {loaded.state === 'loading' && (
        <p class="muted" role="status">
          Loading tenants…
        </p>
      )}
      {loaded.state === 'error' && (
        <div class="alert alert-error" role="alert">
          <p>Something went wrong! Could not load the tenants.</p>
          <button type="button" class="btn btn-small" onClick={loaded.reload}>
            Retry
          </button>
        </div>
      )}
      {loaded.data && (
        <>
          <div class="field-inline toolbar">
            <label for="tenant-filter">Search tenants</label>
            <input
              id="tenant-filter"
              type="search"
              value={filter}
              placeholder="Tenant ID"
              onInput={(e) => {
                setFilter(e.currentTarget.value);
                setPage(0);
              }}
            />
          </div>
          <div class="table-wrap">
            <table class="table table-stack">
              <caption class="sr-only">Tenants</caption>
              <thead>
                <tr>
                  <th scope="col">Tenant ID</th>
                  <th scope="col">Login Methods</th>
                  <th scope="col" class="num">
                    No. of users
                  </th>
                </tr>
              </thead>
              <tbody>
                {shown.map((t) => {
                  const labels = factorLabels(t.firstFactors);
                  return (
                    <tr key={t.tenantId}>
                      <th scope="row" data-label="Tenant ID">
                        <Link to={tenantPath(t.tenantId)} class="row-link tenant-link" aria-label={`Tenant ${t.tenantId}`}>
                          <code>{t.tenantId}</code>
                        </Link>
                      </th>
                      <td data-label="Login Methods">
                        {labels.length ? (
                          <ul class="pills" aria-label={`Login methods of ${t.tenantId}`}>
                            {labels.map((l) => (
                              <li key={l} class="pill">
                                {l}
                              </li>
                            ))}
                          </ul>
                        ) : (
                          <span class="muted">No login methods enabled for this tenant.</span>
                        )}
                      </td>
                      <td data-label="No. of users" class="num">
                        {typeof t.userCount === 'number' ? fmtNumber(t.userCount) : '—'}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
          {list.length === 0 && <p class="muted">No tenant matches “{filter}”.</p>}
          {list.length > 0 && (
            <div class="pager">
              <p class="pager-range" aria-live="polite">
                {`${p * PER_PAGE + 1} - ${p * PER_PAGE + shown.length} of ${list.length}`}
              </p>
              <PagerButtons hasPrev={p > 0} hasNext={p < pages - 1} onPrev={() => setPage(p - 1)} onNext={() => setPage(p + 1)} />
            </div>
          )}
        </>
      )}
      {creating && <CreateTenantDialog onClose={() => setCreating(false)} />}
    </section>
  );
}

/** createError words a refusal of POST /tenant as the reference does. */
function createError(r: { status: string; message?: string }): string {
  switch (r.status) {
    case 'MULTITENANCY_NOT_ENABLED_IN_CORE_ERROR':
      return 'Multitenancy is a paid feature of the SuperTokens core, and the core this app uses does not have it enabled. Sign up for it, or use a Latchkey core.';
    case 'TENANT_ID_ALREADY_EXISTS_ERROR':
      return 'Provided tenant id already exists.';
    case 'INVALID_TENANT_ID_ERROR':
      return r.message || 'Invalid tenant id.';
    default:
      return r.message || `Could not create the tenant (${r.status}).`;
  }
}

function CreateTenantDialog({ onClose }: { onClose: () => void }) {
  const [id, setId] = useState('');
  const [idErr, setIdErr] = useState('');
  const [err, setErr] = useState('');
  const act = useAction(setErr, onClose);
  const submit = (e: Event) => {
    e.preventDefault();
    const tenantId = id.trim();
    if (!tenantId) return setIdErr('Tenant Id cannot be empty');
    setIdErr('');
    setErr('');
    act.run(true, async () => {
      const r = await tenantApi.create(tenantId);
      if (r.status !== 'OK') {
        if (r.status === 'TENANT_ID_ALREADY_EXISTS_ERROR' || r.status === 'INVALID_TENANT_ID_ERROR') {
          setIdErr(createError(r));
          return;
        }
        return createError(r);
      }
      void loadTenants(true);
      toast.success(`Tenant "${tenantId.toLowerCase()}" created`);
      onClose();
      navigate(tenantPath(tenantId.toLowerCase()));
    });
  };
  return (
    <Dialog title="Create New Tenant" onClose={onClose}>
      <form class="form" onSubmit={submit} noValidate>
        <FormError text={err} />
        <Field
          id="new-tenant-id"
          label="Tenant Id"
          value={id}
          autoComplete="off"
          spellcheck={false}
          error={idErr}
          hint="Letters, digits and hyphens; stored in lower case."
          onValue={(v) => {
            setId(v);
            setIdErr('');
          }}
        />
        <FormActions onCancel={onClose} label="Create Now" busyLabel="Creating…" busy={act.busy !== null} />
      </form>
    </Dialog>
  );
}

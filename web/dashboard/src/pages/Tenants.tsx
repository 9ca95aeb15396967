// Tenants (read-only): the list from GET /dashboard/api/tenants with their login methods.

import { useEffect, useState } from 'preact/hooks';
import { api, storage, type Tenant } from '../api';
import { errorText } from '../errors';
import { navigate } from '../router';
import { factorLabels, sortTenants } from '../tenants';
import { PageHeading } from '../ui/PageHeading';

export function Tenants() {
  const [tenants, setTenants] = useState<Tenant[] | null>(null);
  const [err, setErr] = useState('');
  const [filter, setFilter] = useState('');
  useEffect(() => {
    api
      .tenants()
      .then((r) => setTenants(sortTenants(r.tenants ?? [])))
      .catch((e) => setErr(errorText(e, 'Could not load the tenants.')));
  }, []);
  const f = filter.trim().toLowerCase();
  const shown = (tenants ?? []).filter((t) => t.tenantId.toLowerCase().includes(f));
  return (
    <section class="container">
      <PageHeading title="Tenants" sub="The tenants of this app and the login methods each one allows. This list is read-only." />
      {err && (
        <p class="alert alert-error" role="alert">
          {err}
        </p>
      )}
      {!tenants && !err && (
        <p class="muted" role="status">
          Loading tenants…
        </p>
      )}
      {tenants && (
        <>
          {tenants.length > 5 && (
            <div class="field-inline toolbar">
              <label for="tenant-filter">Filter tenants</label>
              <input id="tenant-filter" type="search" value={filter} onInput={(e) => setFilter(e.currentTarget.value)} />
            </div>
          )}
          <div class="table-wrap">
            <table class="table table-stack">
              <caption class="sr-only">Tenants</caption>
              <thead>
                <tr>
                  <th scope="col">Tenant ID</th>
                  <th scope="col">Login methods</th>
                  <th scope="col">
                    <span class="sr-only">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {shown.map((t) => {
                  const labels = factorLabels(t.firstFactors);
                  return (
                    <tr key={t.tenantId}>
                      <th scope="row" data-label="Tenant ID">
                        <code>{t.tenantId}</code>
                      </th>
                      <td data-label="Login methods">
                        {labels.length ? (
                          <ul class="pills" aria-label={`Login methods of ${t.tenantId}`}>
                            {labels.map((l) => (
                              <li key={l} class="pill">
                                {l}
                              </li>
                            ))}
                          </ul>
                        ) : (
                          <span class="muted">
                            {Array.isArray(t.firstFactors) ? 'No login methods enabled for this tenant.' : 'Not reported'}
                          </span>
                        )}
                      </td>
                      <td class="actions-cell">
                        <button
                          type="button"
                          class="btn btn-small"
                          aria-label={`See users of ${t.tenantId}`}
                          onClick={() => {
                            storage.setTenant(t.tenantId);
                            navigate('/');
                          }}
                        >
                          See users
                        </button>
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
          {shown.length === 0 && <p class="muted">No tenant matches “{filter}”.</p>}
        </>
      )}
    </section>
  );
}

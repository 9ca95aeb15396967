// The user list (reference/dashboard.md §5.5–§5.6): count, pages with a selectable size,
// newest first, search chips by tag, empty/loading/error states, and "Add user"; a Suspended badge
// and a filter for suspended users (Latchkey).

import { useEffect, useMemo, useState } from 'preact/hooks';
import { api, storage, type Tenant, type User } from '../api';
import { Link } from '../app';
import { useApp } from '../context';
import { serverProblem } from '../errors';
import { authMethodLabel, fmtDateTime, fullName, isoDate, plural, primaryEmail, primaryPhone } from '../format';
import { navigate, userPath } from '../router';
import { loadTenants } from '../tenants';
import { PlusIcon } from '../ui/icons';
import { PageHeading } from '../ui/PageHeading';
import { PagerButtons } from '../ui/Pager';
import { WriteButton } from '../ui/WriteButton';
import { CreateUserDialog } from './CreateUser';

const PAGE_SIZES = [10, 25, 50, 100];
const TAG_LABELS: Record<string, string> = {
  email: 'Email',
  phone: 'Phone Number',
  // The core matches third-party provider ids only (google, github): the label says so.
  provider: 'Third-party provider',
  recipe: 'Auth Method',
};
const TAG_EXAMPLES: Record<string, string> = {
  email: 'e.g. ann, or example.com',
  phone: 'e.g. +1 415 555',
  provider: 'e.g. google',
};
const tagLabel = (t: string) => TAG_LABELS[t] ?? t;

interface Chip {
  tag: string;
  value: string;
}
interface Page {
  users: User[];
  next?: string;
}

export function Users() {
  const { config, urlTenant } = useApp();
  const [tenants, setTenants] = useState<Tenant[] | null>(null);
  const [tenant, setTenant] = useState('');
  const [pageSize, setPageSize] = useState(10);
  const [index, setIndex] = useState(0);
  const [count, setCount] = useState<number | null>(null);
  const [reload, setReload] = useState(0);
  const [chips, setChips] = useState<Chip[]>([]);
  const [tags, setTags] = useState<string[]>(['email', 'phone', 'provider']);
  const [creating, setCreating] = useState(false);
  // show is 'suspended' to list only suspended users, most recently suspended first.
  const [show, setShow] = useState<'all' | 'suspended'>('all');

  // Tenants first: the list and count are per tenant.
  useEffect(() => {
    let live = true;
    loadTenants().then((list) => {
      if (!live) return;
      const ids = list.map((t) => t.tenantId);
      const want = [urlTenant, storage.tenant()].find((t) => t && ids.includes(t));
      setTenants(list);
      setTenant(want ?? ids[0] ?? 'public');
    });
    if (config.isSearchEnabled) {
      api
        .searchTags()
        .then((r) => {
          if (live && Array.isArray(r.tags) && r.tags.length) setTags(r.tags);
        })
        .catch(() => {});
    }
    return () => {
      live = false;
    };
  }, []);

  // First page + count whenever the tenant, page size or a reload changes. Results are stored
  // with the key they answer, so a stale answer is never shown as the current one.
  const listKey = `${tenant}|${pageSize}|${reload}|${show}`;
  const searchKey = `${tenant}|${reload}|${JSON.stringify(chips)}`;
  const [listed, setListed] = useState<{ key: string; pages: Page[] } | null>(null);
  const [found, setFound] = useState<{ key: string; users: User[] } | null>(null);
  const [failed, setFailedKey] = useState('');
  const [failure, setFailure] = useState<unknown>(null);
  const setFailed = (key: string, e: unknown) => {
    setFailure(e);
    setFailedKey(key);
  };
  const searching = chips.length > 0;

  useEffect(() => {
    if (!tenant || searching) return;
    let live = true;
    setIndex(0);
    Promise.all([
      show === 'all' ? api.usersCount(tenant) : Promise.resolve(null),
      api.users(tenant, { limit: pageSize, timeJoinedOrder: 'DESC', suspended: show === 'suspended' ? 'true' : undefined }),
    ])
      .then(([c, u]) => {
        if (!live) return;
        setCount(c ? c.count : null);
        setListed({ key: listKey, pages: [{ users: u.users, next: u.nextPaginationToken }] });
      })
      .catch((e) => live && setFailed(listKey, e));
    return () => {
      live = false;
    };
  }, [listKey, searching]);

  // Search: every chip change re-queries with limit=1000 (values of one tag joined with ';').
  useEffect(() => {
    if (!tenant || !searching) return;
    let live = true;
    const q: Record<string, string | number> = { limit: 1000, timeJoinedOrder: 'DESC' };
    for (const c of chips) q[c.tag] = q[c.tag] ? `${q[c.tag]};${c.value}` : c.value;
    api
      .users(tenant, q)
      .then((r) => live && setFound({ key: searchKey, users: r.users }))
      .catch((e) => live && setFailed(searchKey, e));
    return () => {
      live = false;
    };
  }, [searchKey]);

  const pages = listed?.key === listKey ? listed.pages : [];
  const [paging, setPaging] = useState(false);
  const goNext = async () => {
    const cur = pages[index];
    if (pages[index + 1]) return setIndex(index + 1);
    if (!cur?.next || !listed) return;
    setPaging(true);
    try {
      const u = await api.users(tenant, {
        limit: pageSize,
        timeJoinedOrder: 'DESC',
        paginationToken: cur.next,
        suspended: show === 'suspended' ? 'true' : undefined,
      });
      setListed({ key: listed.key, pages: [...pages, { users: u.users, next: u.nextPaginationToken }] });
      setIndex(index + 1);
    } catch (e) {
      setFailed(listKey, e);
    } finally {
      setPaging(false);
    }
  };

  const key = searching ? searchKey : listKey;
  const status: 'loading' | 'ok' | 'error' =
    failed === key ? 'error' : paging || !(searching ? found?.key === searchKey : listed?.key === listKey) ? 'loading' : 'ok';
  const list = searching ? (found?.key === searchKey ? found.users : []) : pages[index]?.users ?? [];
  const from = index * pageSize + 1;
  const hasNext = !!pages[index]?.next || !!pages[index + 1];

  const chooseTenant = (t: string) => {
    storage.setTenant(t);
    setTenant(t);
  };

  return (
    <section class="container">
      <PageHeading
        title="User Management"
        sub="One place to manage all your users, revoke access and edit information according to your needs."
      >
        <WriteButton class="btn btn-primary" disabled={!tenants} onClick={() => setCreating(true)}>
          <PlusIcon />
          <span>Add user</span>
        </WriteButton>
      </PageHeading>

      <div class="toolbar">
        {tenants && tenants.length > 1 && (
          <div class="field-inline">
            <label for="tenant-select">Tenant ID:</label>
            <select id="tenant-select" value={tenant} onChange={(e) => chooseTenant(e.currentTarget.value)}>
              {tenants.map((t) => (
                <option key={t.tenantId} value={t.tenantId}>
                  {t.tenantId}
                </option>
              ))}
            </select>
          </div>
        )}
        {!searching && (
          <div class="field-inline">
            <label for="show-select">Show</label>
            <select id="show-select" value={show} onChange={(e) => setShow(e.currentTarget.value === 'suspended' ? 'suspended' : 'all')}>
              <option value="all">All users</option>
              <option value="suspended">Suspended users</option>
            </select>
          </div>
        )}
        {count !== null && show === 'all' && (
          <p class="total" aria-live="polite">
            Total users: <strong>{count}</strong>
            {tenants && tenants.length > 1 && <span class="muted"> in {tenant}</span>}
          </p>
        )}
      </div>

      {config.isSearchEnabled && <SearchBar tags={tags} chips={chips} onChange={setChips} />}

      <UserTable
        users={list}
        status={status}
        failure={failure}
        searching={searching}
        suspendedOnly={show === 'suspended' && !searching}
        onRetry={() => setReload(reload + 1)}
      />

      {status !== 'error' && !(status === 'ok' && list.length === 0 && index === 0) && (
        <div class="pager">
          {searching ? (
            <p aria-live="polite">{status === 'ok' ? plural(list.length, 'result', 'results') : ''}</p>
          ) : (
            <>
              <div class="field-inline">
                <label for="page-size">Rows per page</label>
                <select
                  id="page-size"
                  value={String(pageSize)}
                  onChange={(e) => setPageSize(Number(e.currentTarget.value))}
                >
                  {PAGE_SIZES.map((n) => (
                    <option key={n} value={String(n)}>
                      {n}
                    </option>
                  ))}
                </select>
              </div>
              <p aria-live="polite" class="pager-range">
                {list.length > 0 && count !== null && show === 'all' ? `${from} - ${from + list.length - 1} of ${count}` : ''}
              </p>
              <PagerButtons
                hasPrev={index > 0}
                hasNext={hasNext}
                busy={status === 'loading'}
                onPrev={() => setIndex(index - 1)}
                onNext={goNext}
              />
            </>
          )}
        </div>
      )}

      {creating && tenants && (
        <CreateUserDialog
          tenants={tenants}
          tenant={tenant}
          onClose={() => setCreating(false)}
          onCreated={(t) => {
            setCreating(false);
            if (t !== tenant) chooseTenant(t);
            else setReload(reload + 1);
          }}
        />
      )}
    </section>
  );
}

function SearchBar({ tags, chips, onChange }: { tags: string[]; chips: Chip[]; onChange: (c: Chip[]) => void }) {
  const [tag, setTag] = useState(tags.includes('email') ? 'email' : tags[0] ?? 'email');
  const [value, setValue] = useState('');
  useEffect(() => {
    if (!tags.includes(tag)) setTag(tags[0] ?? 'email');
  }, [tags]);
  const submit = (e: Event) => {
    e.preventDefault();
    let v = value.trim();
    if (!v) return;
    // Phone numbers go as typed: the SDK reads a national number in its default region.
    if (tag !== 'phone') v = v.toLowerCase();
    if (!chips.some((c) => c.tag === tag && c.value === v)) onChange([...chips, { tag, value: v }]);
    setValue('');
  };
  return (
    <div class="search">
      <form class="search-form" role="search" aria-label="Search users" onSubmit={submit}>
        <div class="field-inline">
          <label for="search-tag">Search by</label>
          <select id="search-tag" value={tag} onChange={(e) => setTag(e.currentTarget.value)}>
            {tags.map((t) => (
              <option key={t} value={t}>
                {tagLabel(t)}
              </option>
            ))}
          </select>
        </div>
        <label for="search-value" class="sr-only">
          Search value
        </label>
        <input
          id="search-value"
          type="search"
          placeholder={TAG_EXAMPLES[tag] ?? 'Type here'}
          value={value}
          onInput={(e) => setValue(e.currentTarget.value)}
        />
        <button type="submit" class="btn">
          Search
        </button>
      </form>
      {chips.length > 0 && (
        <div class="chips-row">
          <ul class="chips" aria-label="Active search filters">
            {chips.map((c, i) => (
              <li key={`${c.tag}:${c.value}`} class="chip">
                <span>
                  <span class="chip-tag">{tagLabel(c.tag)}</span> {c.value}
                </span>
                <button
                  type="button"
                  class="chip-x"
                  aria-label={`Remove filter ${tagLabel(c.tag)}: ${c.value}`}
                  onClick={() => onChange(chips.filter((_, j) => j !== i))}
                >
                  ×
                </button>
              </li>
            ))}
          </ul>
          <button type="button" class="link-btn" onClick={() => onChange([])}>
            Clear search
          </button>
        </div>
      )}
    </div>
  );
}

function UserTable({
  users,
  status,
  failure,
  searching,
  suspendedOnly,
  onRetry,
}: {
  users: User[];
  status: 'loading' | 'ok' | 'error';
  failure: unknown;
  searching: boolean;
  suspendedOnly: boolean;
  onRetry: () => void;
}) {
  const skeleton = useMemo(() => Array.from({ length: 5 }, (_, i) => i), []);
  // Sorting by last activity orders the rows shown (this page), newest or oldest first.
  const [sort, setSort] = useState<'' | 'desc' | 'asc'>('');
  const shown = useMemo(() => {
    if (!sort) return users;
    const at = (u: User) => u.activity?.lastActive ?? 0;
    return [...users].sort((a, b) => (sort === 'desc' ? at(b) - at(a) : at(a) - at(b)));
  }, [users, sort]);
  if (status === 'error') {
    return (
      <div class="alert alert-error" role="alert">
        <p>Server Error: Failed to load user list. Please refresh to try again.</p>
        {serverProblem(failure) && <p>{serverProblem(failure)}</p>}
        <button type="button" class="btn btn-small" onClick={onRetry}>
          Retry
        </button>
      </div>
    );
  }
  if (status === 'ok' && users.length === 0) {
    if (suspendedOnly)
      return (
        <div class="empty" role="status">
          <p class="empty-title">No user is suspended.</p>
        </div>
      );
    return searching ? (
      <div class="empty" role="status">
        <p class="empty-title">No search results.</p>
      </div>
    ) : (
      <div class="empty" role="status">
        <p class="empty-title">Currently, you don't have any users.</p>
        <p class="muted">
          If you are using just the session management feature of Latchkey, your users will not appear in this list.
        </p>
      </div>
    );
  }
  return (
    <div class="table-wrap">
      <table class="table table-stack users-table" aria-busy={status === 'loading' ? 'true' : undefined}>
        <caption class="sr-only">
          {searching ? 'Search results' : suspendedOnly ? 'Suspended users, most recently suspended first' : 'Users, newest first'}
        </caption>
        <thead>
          <tr>
            <th scope="col">User</th>
            <th scope="col">Auth method</th>
            <th scope="col">Time joined</th>
            <th scope="col" aria-sort={sort === 'desc' ? 'descending' : sort === 'asc' ? 'ascending' : undefined}>
              <button
                type="button"
                class="link-btn sort-btn"
                aria-label={`Last active: sort this page ${sort === 'desc' ? 'oldest' : 'most recent'} first`}
                onClick={() => setSort(sort === 'desc' ? 'asc' : 'desc')}
              >
                Last active {sort === 'desc' ? '↓' : sort === 'asc' ? '↑' : ''}
              </button>
            </th>
          </tr>
        </thead>
        <tbody>
          {status === 'loading'
            ? skeleton.map((i) => (
                <tr key={i} class="skeleton-row" aria-hidden="true">
                  <td>
                    <span class="skeleton" />
                  </td>
                  <td>
                    <span class="skeleton" />
                  </td>
                  <td>
                    <span class="skeleton" />
                  </td>
                  <td>
                    <span class="skeleton" />
                  </td>
                </tr>
              ))
            : shown.map((u) => <UserRow key={u.id} u={u} />)}
        </tbody>
      </table>
      {status === 'loading' && (
        <p class="sr-only" role="status">
          Loading users…
        </p>
      )}
    </div>
  );
}

function UserRow({ u }: { u: User }) {
  const name = fullName(u);
  const email = primaryEmail(u);
  const phone = primaryPhone(u);
  const primary = name || email || phone || u.id;
  const secondary = [name ? email : '', name || email ? phone : ''].filter(Boolean);
  return (
    <tr
      class="row-link"
      onClick={(e) => {
        // A click anywhere in the row opens the user, unless the operator is selecting text.
        if ((e.target as HTMLElement).closest('a')) return;
        if (window.getSelection()?.toString()) return;
        navigate(userPath(u.id));
      }}
    >
      <td data-label="User">
        <Link to={userPath(u.id)} class="user-link">
          {primary}
        </Link>
        {u.suspension && (
          <span class="pill pill-danger badge-suspended" title={`Suspended: ${u.suspension.reason}`}>
            Suspended
          </span>
        )}
        {secondary.map((s) => (
          <div key={s} class="muted small">
            {s}
          </div>
        ))}
      </td>
      <td data-label="Auth method">
        <span class="pill">{authMethodLabel(u)}</span>
        {u.loginMethods.length === 1 && u.loginMethods[0].thirdParty && (
          <div class="muted small provider-user-id" title="The user's id at the provider">
            {u.loginMethods[0].thirdParty.userId}
          </div>
        )}
      </td>
      <td data-label="Time joined">
        <time dateTime={isoDate(u.timeJoined)}>{fmtDateTime(u.timeJoined)}</time>
      </td>
      <td data-label="Last active">
        {u.activity ? (
          <time dateTime={isoDate(u.activity.lastActive)}>{fmtDateTime(u.activity.lastActive)}</time>
        ) : (
          <span class="muted">Never</span>
        )}
      </td>
    </tr>
  );
}

// The user list (reference/dashboard.md §5.5–§5.6): count, pages with a selectable size,
// newest first, search chips by tag, empty/loading/error states, and "Add user". Filters are in
// UserFilters.tsx and the pager, with its jumps to the first and last page, in UsersPager.tsx.

import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { api, storage, type Tenant, type User } from '../api';
import { Link } from '../app';
import { useApp } from '../context';
import { serverProblem } from '../errors';
import { authMethodLabel, fmtDateTime, fmtNumber, fullName, isoDate, primaryEmail, primaryPhone } from '../format';
import { navigate, userPath } from '../router';
import { loadTenants } from '../tenants';
import { PlusIcon } from '../ui/icons';
import { PageHeading } from '../ui/PageHeading';
import { WriteButton } from '../ui/WriteButton';
import { CreateUserDialog } from './CreateUser';
import { ExportUsers } from './ExportUsers';
import { filterParams, hasFilters, METHODS, readFilters, UserFilters, writeFilters, type Filters } from './UserFilters';
import { PAGE_SIZES, UsersPager } from './UsersPager';
import { BulkBar } from './users/BulkBar';
import { RowCheck, type Selection, useSelection } from './users/selection';
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

/** The list's place, kept in the URL so that Back from a user returns to it. */
interface Place {
  size: number;
  order: 'DESC' | 'ASC';
  /** by is what the list is sorted by: join time, last activity or last sign-in (Latchkey; users who signed in). */
  by: 'joined' | 'active' | 'signin';
  /** show is 'suspended' to list only suspended users, most recently suspended first (Latchkey). */
  show: 'all' | 'suspended';
  /** method keeps only users with this login method ('' for all). */
  method: string;
  /** filters are email verified, role and the days joined (UserFilters). */
  filters: Filters;
  chips: Chip[];
  /** index is the page shown, from 0; tokens[i] fetches page i ('' for the first). */
  index: number;
  tokens: string[];
  /** end counts the pages from the last (index 0), fetched in the other order from the end. */
  end: boolean;
}

/** readPlace reads the list's place from the URL (and the token chain from history.state). */
function readPlace(): Place {
  const q = new URLSearchParams(location.search);
  const size = PAGE_SIZES.includes(Number(q.get('size'))) ? Number(q.get('size')) : 10;
  const order = q.get('order') === 'asc' ? 'ASC' : 'DESC';
  const by = q.get('sort') === 'active' ? 'active' : q.get('sort') === 'signin' ? 'signin' : 'joined';
  const show = q.get('show') === 'suspended' ? 'suspended' : 'all';
  const method = METHODS.some(([id]) => id === q.get('method')) ? q.get('method') ?? '' : '';
  const chips: Chip[] = q.getAll('s').flatMap((v) => {
    const i = v.indexOf(':');
    return i > 0 && v.slice(i + 1) ? [{ tag: v.slice(0, i), value: v.slice(i + 1) }] : [];
  });
  const page = Math.max(1, Math.floor(Number(q.get('page')) || 1));
  const at = q.get('at') ?? '';
  const saved = (history.state as { tokens?: unknown } | null)?.tokens;
  let tokens: string[] = [''];
  if (Array.isArray(saved) && saved.length >= page && saved[page - 1] === at && saved.every((t) => typeof t === 'string')) {
    tokens = saved as string[];
  } else if (page > 1 && at) {
    // Reached from a link: this page is known, the ones before it are not (First page goes back).
    tokens = Array.from({ length: page }, (_, i) => (i === page - 1 ? at : i === 0 ? '' : '?'));
  }
  const index = page > 1 && tokens[page - 1] !== '?' ? page - 1 : 0;
  return { size, order, by, show, method, filters: readFilters(q), chips, index, tokens, end: q.get('end') === '1' };
}

/** writePlace puts the place in the URL, replacing the current history entry. */
function writePlace(p: Place): void {
  const q = new URLSearchParams();
  if (p.size !== 10) q.set('size', String(p.size));
  if (p.order === 'ASC') q.set('order', 'asc');
  if (p.by !== 'joined') q.set('sort', p.by);
  if (p.show === 'suspended') q.set('show', 'suspended');
  if (p.method) q.set('method', p.method);
  writeFilters(q, p.filters);
  if (p.end) q.set('end', '1');
  for (const c of p.chips) q.append('s', `${c.tag}:${c.value}`);
  if (p.index > 0) {
    q.set('page', String(p.index + 1));
    q.set('at', p.tokens[p.index]);
  }
  const qs = q.toString();
  const url = location.pathname + (qs ? '?' + qs : '');
  if (url !== location.pathname + location.search || JSON.stringify(history.state?.tokens) !== JSON.stringify(p.tokens)) {
    history.replaceState({ ...(history.state ?? {}), tokens: p.tokens }, '', url);
  }
}

export function Users() {
  const { config, urlTenant } = useApp();
  const [tenants, setTenants] = useState<Tenant[] | null>(null);
  const [tenant, setTenant] = useState('');
  const [place, setPlace] = useState<Place>(readPlace);
  const [count, setCount] = useState<{ key: string; n: number | null; capped: boolean } | null>(null);
  const [reload, setReload] = useState(0);
  const [tags, setTags] = useState<string[]>(['email', 'phone', 'provider']);
  const [creating, setCreating] = useState(false);
  const { size: pageSize, order, chips, index } = place;
  const suspendedOnly = place.show === 'suspended' && chips.length === 0;
  // A search or a filter narrows the list: the suspended list and the sorts by activity, which
  // read their own indexes across the tenant, do not combine with it (the UI says so).
  const filtering = !!place.method || hasFilters(place.filters);
  const narrowed = chips.length > 0 || filtering;
  const byActive = place.by !== 'joined' && !narrowed && !suspendedOnly;
  const activityOff = narrowed || suspendedOnly;
  // The filters apply to the list, the search, the count and the export.
  const filterQuery = useMemo(() => {
    const q: Record<string, string> = {};
    if (suspendedOnly) return q;
    if (place.method) q.recipeIds = place.method;
    return { ...q, ...filterParams(place.filters) };
  }, [place.method, place.filters, suspendedOnly]);
  const end = place.end && !suspendedOnly;
  useEffect(() => writePlace(place), [place]);

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

  // The search's tags, with the values of one tag joined with ';'.
  const searchTerms = useMemo(() => {
    const q: Record<string, string> = {};
    for (const c of chips) q[c.tag] = q[c.tag] ? `${q[c.tag]};${c.value}` : c.value;
    return q;
  }, [chips]);
  const searching = chips.length > 0;

  // What is listed: the tenant, the search, the order and the page size. Answers are stored with
  // the key they answer, so a stale answer is never shown as the current one.
  const countKey = `${tenant}|${reload}|${JSON.stringify(filterQuery)}|${JSON.stringify(chips)}`;
  const total = count && count.key === countKey ? count : null;
  const listKey = `${tenant}|${pageSize}|${order}|${byActive && place.by}|${suspendedOnly}|${end}|${JSON.stringify(filterQuery)}|${reload}|${JSON.stringify(chips)}`;
  // The last page holds what is left after whole pages, so it needs the total first (unless
  // there is none to have: a capped search count, the sorts by activity).
  const exactN = total?.n != null && !total.capped && !byActive ? total.n : null;
  const exact = exactN != null;
  const needsTotal = end && index === 0 && !byActive && !total;
  const limit = end && index === 0 && exactN != null ? exactN % pageSize || pageSize : pageSize;
  const pageKey = `${listKey}|${index}|${place.tokens[index] ?? ''}|${limit}`;
  const [shown, setShown] = useState<{ key: string; page: Page } | null>(null);
  const [failed, setFailedKey] = useState('');
  const [failure, setFailure] = useState<unknown>(null);
  const setFailed = (key: string, e: unknown) => {
    setFailure(e);
    setFailedKey(key);
  };

  // The count, once per tenant and search.
  useEffect(() => {
    if (!tenant) return;
    let live = true;
    const key = countKey;
    api
      .usersCount(tenant, { ...searchTerms, ...filterQuery })
      .then((c) => live && setCount({ key, n: c.count ?? null, capped: !!c.countIsCapped }))
      .catch(() => live && setCount({ key, n: null, capped: false }));
    return () => {
      live = false;
    };
  }, [countKey]);

  // Pages already fetched for this list, so that Previous shows at once.
  const cache = useRef({ listKey: '', pages: new Map<string, Page>() });
  if (cache.current.listKey !== listKey) cache.current = { listKey, pages: new Map() };

  // The page shown. A search pages like the list (pagedSearch, a Latchkey extension; another
  // core answers its one page of up to 1,000, without a token).
  useEffect(() => {
    if (!tenant || needsTotal) return;
    const cached = cache.current.pages.get(pageKey);
    if (cached) {
      setShown({ key: pageKey, page: cached });
      return;
    }
    let live = true;
    const token = place.tokens[index] ?? '';
    api
      .users(tenant, {
        ...searchTerms,
        limit,
        // From the end, the other order: its first page is the list's last.
        timeJoinedOrder: end ? (order === 'ASC' ? 'DESC' : 'ASC') : order,
        paginationToken: token || undefined,
        pagedSearch: searching ? 'true' : undefined,
        suspended: suspendedOnly ? 'true' : undefined,
        orderBy: byActive ? (place.by === 'signin' ? 'lastSignIn' : 'lastActive') : undefined,
        ...filterQuery,
      })
      .then((u) => {
        if (!live) return;
        const p = { users: end ? [...u.users].reverse() : u.users, next: u.nextPaginationToken };
        if (cache.current.listKey === listKey) cache.current.pages.set(pageKey, p);
        setShown({ key: pageKey, page: p });
      })
      .catch((e) => live && setFailed(pageKey, e));
    return () => {
      live = false;
    };
  }, [pageKey]);

  const page = shown?.key === pageKey ? shown.page : null;
  const status: 'loading' | 'ok' | 'error' = failed === pageKey ? 'error' : page ? 'ok' : 'loading';
  const list = page?.users ?? [];
  // While the next page loads, the buttons stay as they were (the one pressed keeps the focus).
  const sameList = shown?.key.startsWith(listKey + '|');
  // more: the list goes on past this page, in the order fetched.
  const more = !!(page ?? (sameList ? shown?.page : null))?.next;
  const hasNext = end ? index > 0 : more;
  const hasPrev = end ? more : index > 0 && place.tokens[index - 1] !== '?';
  const pages = exactN != null ? Math.max(1, Math.ceil(exactN / pageSize)) : null;
  // The rows shown, counted from the first user of the list.
  const from = !end
    ? index * pageSize + 1
    : exactN != null
      ? exactN - (index === 0 ? 0 : limitOfLast(exactN) + (index - 1) * pageSize) - list.length + 1
      : 0;
  // The selection (users/selection.tsx) belongs to one search, filter and tenant.
  const sel = useSelection(`${tenant}|${suspendedOnly}|${JSON.stringify(filterQuery)}|${JSON.stringify(chips)}`, list);

  /** restart changes the place from the first page: a new search, order, filter or page size. */
  const restart = (p: Partial<Place>) => setPlace({ ...place, ...p, index: 0, tokens: [''], end: false });
  /** further moves one page on in the order fetched. */
  const further = () => {
    if (!page?.next) return;
    const tokens = [...place.tokens.slice(0, index + 1), page.next];
    setPlace({ ...place, index: index + 1, tokens });
  };
  const goNext = () => (end ? index > 0 && setPlace({ ...place, index: index - 1 }) : further());
  const goPrev = () => (end ? further() : hasPrev && setPlace({ ...place, index: index - 1 }));
  function limitOfLast(n: number) {
    return n % pageSize || pageSize;
  }
  const chooseTenant = (t: string) => {
    storage.setTenant(t);
    setTenant(t);
    restart({});
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
            <select
              id="show-select"
              value={suspendedOnly ? 'suspended' : 'all'}
              onChange={(e) => restart({ show: e.currentTarget.value === 'suspended' ? 'suspended' : 'all' })}
            >
              <option value="all">All users</option>
              <option value="suspended" disabled={filtering && !suspendedOnly}>
                {filtering && !suspendedOnly ? 'Suspended users (clear the filters first)' : 'Suspended users'}
              </option>
            </select>
          </div>
        )}
        {total?.n != null && !suspendedOnly && (
          <p class="total" aria-live="polite">
            {searching ? (
              <>{`${total.capped ? 'more than ' : ''}${fmtNumber(total.n)} ${total.n === 1 && !total.capped ? 'result' : 'results'}`}</>
            ) : (
              <>
                Total users: <strong>{fmtNumber(total.n)}</strong>
              </>
            )}
            {tenants && tenants.length > 1 && <span class="muted"> in {tenant}</span>}
          </p>
        )}
        <div class="field-inline">
          <label for="order-select">Sort</label>
          <select
            id="order-select"
            value={`${byActive ? place.by : 'joined'}-${order}`}
            aria-describedby={activityOff ? 'sort-reason' : undefined}
            onChange={(e) => {
              const [b, o] = e.currentTarget.value.split('-');
              restart({ by: b === 'active' || b === 'signin' ? b : 'joined', order: o === 'ASC' ? 'ASC' : 'DESC' });
            }}
          >
            <option value="joined-DESC">Newest first</option>
            <option value="joined-ASC">Oldest first</option>
            {(
              [
                ['active-DESC', 'Recently active first'],
                ['active-ASC', 'Least recently active first'],
                ['signin-DESC', 'Recently signed in first'],
                ['signin-ASC', 'Least recently signed in first'],
              ] as const
            ).map(([v, label]) => (
              <option key={v} value={v} disabled={activityOff}>
                {activityOff ? `${label} (off: see below)` : label}
              </option>
            ))}
          </select>
        </div>
        <ExportUsers tenant={tenant} query={{ ...searchTerms, ...filterQuery }} disabled={!tenant} />
      </div>
      {activityOff && (
        <p id="sort-reason" class="muted small">
          {suspendedOnly
            ? 'The suspended list is ordered by suspension: the sorts by activity do not apply to it.'
            : 'Sorting by last activity or last sign-in lists every user who signed in, so it is off while a search or filter is set.'}
        </p>
      )}
      <UserFilters
        method={place.method}
        filters={place.filters}
        disabledReason={
          suspendedOnly ? 'The suspended list shows every suspended user: choose All users under Show to filter.' : undefined
        }
        onChange={(p) => restart(p)}
      />

      {byActive && (
        <p class="muted small">{`The users who have signed in, by their last ${place.by === 'signin' ? 'sign-in' : 'activity'}.`}</p>
      )}
      {config.isSearchEnabled && <SearchBar tags={tags} chips={chips} onChange={(c) => restart({ chips: c })} />}

      <BulkBar
        sel={sel}
        tenant={tenant}
        page={status === 'ok' ? list : []}
        total={total?.n != null && !total.capped && !suspendedOnly && !byActive ? total.n : null}
        match={{ ...searchTerms, ...filterQuery, ...(suspendedOnly ? { suspended: 'true' } : {}) }}
        onDone={() => setReload(reload + 1)}
      />

      <UserTable
        sel={sel}
        users={list}
        status={status}
        failure={failure}
        searching={searching}
        suspendedOnly={suspendedOnly}
        order={order}
        onRetry={() => setReload(reload + 1)}
      />

      {status !== 'error' && !(status === 'ok' && list.length === 0 && index === 0) && (
        <UsersPager
          size={pageSize}
          onSize={(n) => restart({ size: n })}
          range={
            list.length > 0 && (!end || exact)
              ? `${fmtNumber(from)} - ${fmtNumber(from + list.length - 1)}` +
                (total?.n != null && !suspendedOnly && !byActive ? ` of ${total.capped ? `more than ${fmtNumber(total.n)}` : fmtNumber(total.n)}` : '')
              : ''
          }
          pageLabel={
            list.length === 0 || suspendedOnly
              ? ''
              : pages
                ? pages > 1
                  ? `Page ${fmtNumber(end ? pages - index : index + 1)} of ${fmtNumber(pages)}`
                  : ''
                : end && index === 0
                  ? 'Last page'
                  : ''
          }
          atFirst={end ? !hasPrev : index === 0}
          atLast={end ? index === 0 : !hasNext}
          canJump={!suspendedOnly}
          hasPrev={hasPrev}
          hasNext={hasNext}
          busy={status === 'loading'}
          onFirst={() => setPlace(end ? { ...place, index: 0, tokens: [''], end: false } : { ...place, index: 0 })}
          onPrev={goPrev}
          onNext={goNext}
          onLast={() => setPlace({ ...place, index: 0, tokens: [''], end: true })}
        />
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
      <p class="field-hint search-hint">
        Terms of one field match any of them; terms of different fields must all match. An email term matches the
        start of an address or of its domain (<code>ann</code>, <code>example.com</code>); a phone term the start of
        the number.
      </p>
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
  sel,
  users,
  status,
  failure,
  searching,
  suspendedOnly,
  order,
  onRetry,
}: {
  sel: Selection;
  users: User[];
  status: 'loading' | 'ok' | 'error';
  failure: unknown;
  searching: boolean;
  suspendedOnly: boolean;
  order: 'DESC' | 'ASC';
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
          {suspendedOnly
            ? 'Suspended users, most recently suspended first'
            : `${searching ? 'Search results' : 'Users'}, ${order === 'ASC' ? 'oldest' : 'newest'} first`}
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
            : shown.map((u) => <UserRow key={u.id} u={u} sel={sel} />)}
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

function UserRow({ u, sel }: { u: User; sel: Selection }) {
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
        if ((e.target as HTMLElement).closest('a, input')) return;
        if (window.getSelection()?.toString()) return;
        navigate(userPath(u.id));
      }}
    >
      <td data-label="User">
        <RowCheck sel={sel} u={u} />
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

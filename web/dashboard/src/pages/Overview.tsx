// The overview (a Latchkey extension): sign-ups per day over 30, 90 or 365 days, daily, weekly and
// monthly active users of the app, and users by login method and by tenant. Charts are SVG drawn here (no CDN, nothing inline that the CSP
// refuses), coloured by the stylesheet for light and dark mode; each has a table behind it for
// screen readers and for anyone who wants the numbers.

import { useState } from 'preact/hooks';
import { api, storage, type UserStats } from '../api';
import { useApp } from '../context';
import { errorText } from '../errors';
import { fmtNumber } from '../format';
import { DISABLED, useLoad } from '../hooks';
import { Card } from '../ui/Card';
import { PageHeading } from '../ui/PageHeading';

const PERIODS = [30, 90, 365] as const;

const METHOD_LABELS: Record<string, string> = {
  emailpassword: 'Email password',
  passwordless: 'Passwordless',
  thirdparty: 'Third-party',
  webauthn: 'Passkeys',
};

/** useTenant returns the tenant the overview is about: the URL's, else the one the user list last showed. */
function useTenant(): string {
  const { urlTenant } = useApp();
  return urlTenant || storage.tenant() || 'public';
}

export function Overview() {
  const tenant = useTenant();
  const [days, setDays] = useState<(typeof PERIODS)[number]>(30);
  const loaded = useLoad<UserStats>(async () => {
    const r = await api.overview(tenant, days);
    if (r.status === 'FEATURE_NOT_ENABLED_ERROR') return DISABLED;
    return r.stats;
  }, [tenant, days]);
  // The figures say the period of the data they show (st.days), not the one just chosen, which
  // is still loading.
  const st = loaded.data;
  const total = st ? st.signUpsPerDay.reduce((n, d) => n + d.count, 0) : 0;
  const inTenant = st ? Object.values(st.usersByLoginMethod).reduce((n, c) => n + c, 0) : 0;
  return (
    <section class="container">
      <PageHeading title="Overview" sub={`Sign-ups and users of the tenant ${tenant}, and of the whole app.`} />
      <fieldset class="segmented">
        <legend class="sr-only">Period</legend>
        {PERIODS.map((p) => (
          <label key={p} class="segment">
            <input type="radio" name="overview-period" checked={days === p} onChange={() => setDays(p)} />
            <span>{p} days</span>
          </label>
        ))}
      </fieldset>
      {loaded.state === 'disabled' && (
        <p class="alert alert-info">The overview needs a Latchkey core: the core this backend uses does not count sign-ups.</p>
      )}
      {loaded.state === 'error' && (
        <div class="alert alert-error" role="alert">
          <p>{errorText(loaded.error, 'Could not load the overview.')}</p>
          <button type="button" class="btn btn-small" onClick={loaded.reload}>
            Retry
          </button>
        </div>
      )}
      {loaded.state === 'loading' && !st && (
        <p class="muted" role="status">
          Loading the overview…
        </p>
      )}
      {st && (
        <div class="overview">
          <dl class="figures" aria-label="Figures">
            <div>
              <dt>Users in the app</dt>
              <dd>{fmtNumber(st.totalUsers)}</dd>
            </div>
            <div>
              <dt>Users in {tenant}</dt>
              <dd>{fmtNumber(inTenant)}</dd>
            </div>
            <div>
              <dt>Sign-ups, last {st.days} days</dt>
              <dd>{fmtNumber(total)}</dd>
            </div>
            <div>
              <dt>Sign-ups today</dt>
              <dd>{fmtNumber(st.signUpsPerDay[st.signUpsPerDay.length - 1]?.count ?? 0)}</dd>
            </div>
          </dl>
          {st.activeUsers && (
            <dl class="figures" aria-label="Active users in the app">
              <div>
                <dt>Active in the last day</dt>
                <dd>{fmtNumber(st.activeUsers.daily)}</dd>
              </div>
              <div>
                <dt>Active in the last 7 days</dt>
                <dd>{fmtNumber(st.activeUsers.weekly)}</dd>
              </div>
              <div>
                <dt>Active in the last 30 days</dt>
                <dd>{fmtNumber(st.activeUsers.monthly)}</dd>
              </div>
            </dl>
          )}
          <Card title={`Sign-ups per day, last ${st.days} days`} id="overview-signups" wide>
            <DayChart days={st.signUpsPerDay} />
          </Card>
          <div class="overview-pair">
            <Card title="Users by login method" id="overview-methods">
              <BarList
                label="Users by login method"
                rows={Object.entries(st.usersByLoginMethod)
                  .sort((a, b) => b[1] - a[1])
                  .map(([k, n]) => ({ name: METHOD_LABELS[k] ?? k, count: n }))}
              />
            </Card>
            <Card title="Users by tenant" id="overview-tenants">
              <BarList label="Users by tenant" rows={topTenants(st)} />
            </Card>
          </div>
        </div>
      )}
    </section>
  );
}

/** topTenants keeps the ten largest tenants and sums the rest. */
function topTenants(st: UserStats): { name: string; count: number }[] {
  const rows = st.usersByTenant.slice(0, 10).map((t) => ({ name: t.tenantId, count: t.count }));
  const rest = st.usersByTenant.slice(10).reduce((n, t) => n + t.count, 0);
  if (rest > 0) rows.push({ name: `${st.usersByTenant.length - 10} other tenants`, count: rest });
  return rows;
}

const W = 1000;
const H = 200;

/** DayChart is a bar per day, with the busiest day's count and the range's dates as labels. */
function DayChart({ days }: { days: { day: string; count: number }[] }) {
  const max = Math.max(1, ...days.map((d) => d.count));
  const bw = W / days.length;
  const peak = days.reduce((a, d) => (d.count > a.count ? d : a), days[0]);
  const summary = `${fmtNumber(days.reduce((n, d) => n + d.count, 0))} sign-ups from ${days[0]?.day} to ${days[days.length - 1]?.day}; the busiest day, ${peak?.day}, had ${fmtNumber(peak?.count ?? 0)}.`;
  return (
    <figure class="chart">
      <p class="chart-scale muted small" aria-hidden="true">
        {fmtNumber(max)}
      </p>
      <svg viewBox={`0 0 ${W} ${H}`} class="chart-svg" role="img" aria-label={summary} preserveAspectRatio="none">
        <line class="chart-axis" x1="0" y1={H} x2={W} y2={H} />
        {days.map((d, i) => {
          const h = (d.count / max) * H;
          return (
            <rect key={d.day} class="chart-bar" x={i * bw + bw * 0.1} y={H - h} width={Math.max(bw * 0.8, 0.5)} height={h}>
              <title>{`${d.day}: ${fmtNumber(d.count)}`}</title>
            </rect>
          );
        })}
      </svg>
      <p class="chart-dates muted small" aria-hidden="true">
        <span>{days[0]?.day}</span>
        <span>{days[days.length - 1]?.day}</span>
      </p>
      <figcaption class="muted small">{summary}</figcaption>
      <details class="chart-table">
        <summary>Show as a table</summary>
        <div class="table-wrap">
          <table class="table">
            <caption class="sr-only">Sign-ups per day</caption>
            <thead>
              <tr>
                <th scope="col">Day</th>
                <th scope="col" class="num">
                  Sign-ups
                </th>
              </tr>
            </thead>
            <tbody>
              {days.map((d) => (
                <tr key={d.day}>
                  <th scope="row">{d.day}</th>
                  <td class="num">{fmtNumber(d.count)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </figure>
  );
}

/** BarList is a horizontal bar per row: a table whose last column draws the share. */
function BarList({ label, rows }: { label: string; rows: { name: string; count: number }[] }) {
  if (rows.length === 0) return <p class="muted">No users yet.</p>;
  const max = Math.max(1, ...rows.map((r) => r.count));
  return (
    <table class="table bar-list">
      <caption class="sr-only">{label}</caption>
      <thead class="sr-only">
        <tr>
          <th scope="col">Name</th>
          <th scope="col">Users</th>
          <th scope="col">Share</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.name}>
            <th scope="row" class="break">
              {r.name}
            </th>
            <td class="num">{fmtNumber(r.count)}</td>
            <td class="bar-cell" aria-hidden="true">
              <svg viewBox="0 0 100 10" preserveAspectRatio="none" class="bar-svg">
                <rect class="chart-bar" x="0" y="0" width={(r.count / max) * 100} height="10" />
              </svg>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

// The application shell: sign-in gate, header and navigation, read-only note, page routing,
// the Access-denied dialog, toasts and the screen-reader announcer.

import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { ApiError, api, onAccessDenied, onUnauthorised, storage } from './api';
import type { Config } from './config';
import { AppContext, READ_ONLY_REASON, type AppState } from './context';
import { dropDrafts, hasDrafts, keepDrafts } from './drafts';
import { serverProblem } from './errors';
import { cls } from './format';
import { href, navigate, useLocation } from './router';
import { Announcer, announce } from './ui/announce';
import { Dialog } from './ui/Dialog';
import { ErrorBoundary } from './ui/ErrorBoundary';
import { LockIcon } from './ui/icons';
import { PageHeading } from './ui/PageHeading';
import { Toasts, toast } from './ui/toast';
import { SignIn } from './pages/SignIn';
import { Users } from './pages/Users';
import { UserPage } from './pages/user/UserPage';
import { Roles } from './pages/Roles';
import { Tenants } from './pages/Tenants';
import { Team } from './pages/Team';
import { Overview } from './pages/Overview';
import { ActivityPage } from './pages/Activity';
import { loadTenants } from './tenants';
import { NotFound } from './pages/NotFound';

type Phase = 'checking' | 'signedOut' | 'signedIn' | 'error';

/** Why the sign-in screen shows: "" when the operator is not signed in yet or signed out. */
export type SignInNotice = '' | 'expired' | 'password';

/** Link is an <a> with a real href that navigates in-app on a plain click. */
export function Link(props: { to: string; class?: string; children: ComponentChildren; 'aria-current'?: 'page'; 'aria-label'?: string }) {
  const { to, children, ...rest } = props;
  return (
    <a
      {...rest}
      href={href(to)}
      onClick={(e) => {
        if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
        e.preventDefault();
        navigate(to);
      }}
    >
      {children}
    </a>
  );
}

export function App({ cfg }: { cfg: Config }) {
  const [phase, setPhase] = useState<Phase>(storage.token() ? 'checking' : 'signedOut');
  const [me, setMe] = useState({ email: storage.email() ?? '', canWrite: true, authMode: '' });
  const [denied, setDenied] = useState<string | null>(null);
  const [errText, setErrText] = useState('');
  const [notice, setNotice] = useState<SignInNotice>('');
  const loc = useLocation();

  useEffect(
    () =>
      onUnauthorised(() => {
        // The session ended under the operator (it expired, or was signed out elsewhere):
        // say so on the sign-in screen, and keep what they were typing for afterwards.
        keepDrafts();
        toast.clear();
        setNotice('expired');
        setPhase('signedOut');
      }),
    [],
  );
  // From the error screen, following a link tries again.
  useEffect(() => {
    if (phase === 'error') setPhase('checking');
  }, [loc]);
  useEffect(() => onAccessDenied((m) => setDenied(m)), []);

  useEffect(() => {
    if (phase !== 'checking') return;
    let live = true;
    (async () => {
      try {
        const r = await api.me();
        if (!live) return;
        if (r.status === 'INVALID_SESSION_ERROR') {
          // A stored token that no longer works (expired, or signed out elsewhere).
          storage.clearAuth();
          setNotice('expired');
          setPhase('signedOut');
          return;
        }
        // The users page needs the tenants first: start fetching them now. Not before /me has
        // answered: with a stale token that call would answer 401, which the browser logs.
        void loadTenants(true);
        setMe({
          email: r.email ?? storage.email() ?? '',
          canWrite: r.canWrite !== false,
          authMode: r.authMode ?? '',
        });
        setPhase('signedIn');
      } catch (e) {
        if (!live) return;
        if (e instanceof ApiError && e.status === 401) {
          storage.clearAuth();
          setNotice('expired');
          setPhase('signedOut');
        } else if (e instanceof ApiError && e.status === 404) {
          // A backend without /api/me: assume full access; the server still enforces 403.
          setMe({ email: storage.email() ?? '', canWrite: true, authMode: '' });
          setPhase('signedIn');
        } else {
          setErrText(serverProblem(e) || (e instanceof Error ? e.message : 'Something went wrong.'));
          setPhase('error');
        }
      }
    })();
    return () => {
      live = false;
    };
  }, [phase]);

  /** endSession forgets the session and shows the sign-in screen with the notice. */
  const endSession = (n: SignInNotice) => {
    storage.clearAuth();
    dropDrafts();
    toast.clear();
    setNotice(n);
    setPhase('signedOut');
  };

  const signOut = async () => {
    try {
      await api.signOut();
    } catch {
      /* the token is dropped locally either way */
    }
    endSession('');
    announce('Signed out');
  };

  let body: ComponentChildren;
  if (phase === 'checking') {
    body = (
      <main class="auth-page" id="main" aria-busy="true">
        <p class="muted" role="status">
          Loading…
        </p>
      </main>
    );
  } else if (phase === 'signedOut') {
    body = (
      <SignIn
        cfg={cfg}
        notice={notice}
        drafts={notice === 'expired' && hasDrafts()}
        onSignedIn={() => {
          setNotice('');
          setPhase('checking');
        }}
      />
    );
  } else {
    const failed = phase === 'error';
    const state: AppState = { config: cfg, canWrite: me.canWrite, email: me.email, urlTenant: loc.tenant, authMode: me.authMode, endSession };
    // The team page needs accounts: API-key mode has none.
    const hasTeam = me.authMode !== 'api-key';
    const r = loc.route;
    let page: ComponentChildren;
    if (failed) {
      // The shell stays (navigation, Sign Out): only the page says what is wrong.
      page = (
        <section class="container">
          <PageHeading title="The dashboard cannot load" />
          <p class="alert alert-error" role="alert">
            {errText}
          </p>
          <button type="button" class="btn btn-primary" onClick={() => setPhase('checking')}>
            Try again
          </button>
        </section>
      );
    } else {
      switch (r.name) {
        case 'users':
          page = <Users />;
          break;
        case 'user':
          page = <UserPage key={r.id} id={r.id} />;
          break;
        case 'roles':
          page = <Roles />;
          break;
        case 'tenants':
          page = <Tenants />;
          break;
        case 'overview':
          page = <Overview />;
          break;
        case 'team':
          page = hasTeam ? <Team /> : <NotFound />;
          break;
        case 'activity':
          page = <ActivityPage />;
          break;
        default:
          page = <NotFound />;
      }
    }
    const nav = [
      { to: '/', label: 'Users', active: r.name === 'users' || r.name === 'user' },
      { to: '/overview', label: 'Overview', active: r.name === 'overview' },
      { to: '/roles', label: 'Roles', long: 'Roles and Permissions', active: r.name === 'roles' },
      { to: '/tenants', label: 'Tenants', active: r.name === 'tenants' },
      ...(hasTeam ? [{ to: '/team', label: 'Team', active: r.name === 'team' }] : []),
      { to: '/activity', label: 'Activity', active: r.name === 'activity' },
    ];
    body = (
      <AppContext.Provider value={state}>
        <a
          class="skip-link"
          href={href('/')}
          onClick={(e) => {
            e.preventDefault();
            document.getElementById('main-heading')?.focus();
          }}
        >
          Skip to content
        </a>
        <header class="topbar">
          <div class="topbar-inner">
            <Link to="/" class="brand" aria-label="Latchkey dashboard home">
              <span class="brand-mark" aria-hidden="true" />
              <span>Latchkey</span>
            </Link>
            <nav class="nav" aria-label="Main">
              <ul>
                {nav.map((n) => (
                  <li key={n.to}>
                    <Link to={n.to} class={cls('nav-link', n.active && 'active')} aria-current={n.active ? 'page' : undefined}>
                      {n.long ? (
                        <>
                          <span class="nav-short">{n.label}</span>
                          <span class="nav-long">{n.long}</span>
                        </>
                      ) : (
                        n.label
                      )}
                    </Link>
                  </li>
                ))}
              </ul>
            </nav>
            <div class="account">
              {me.email && (
                <span class="account-email" title={`Signed in as ${me.email}`}>
                  {me.email}
                </span>
              )}
              {!me.canWrite && <span class="pill pill-warn">Read-only</span>}
              <button type="button" class="btn btn-small" onClick={signOut}>
                Sign Out
              </button>
            </div>
          </div>
        </header>
        {!me.canWrite && !failed && (
          <div class="readonly-banner" role="note">
            <LockIcon />
            <p id="readonly-note">
              {READ_ONLY_REASON}. You can view everything, but actions that change data are disabled.
            </p>
          </div>
        )}
        <main id="main" class="page">
          <ErrorBoundary key={failed ? 'error' : r.name === 'user' ? `user:${r.id}` : r.name}>{page}</ErrorBoundary>
        </main>
      </AppContext.Provider>
    );
  }

  return (
    <>
      {body}
      <Toasts />
      <Announcer />
      {denied !== null && (
        <Dialog title="Access Denied" alert onClose={() => setDenied(null)}>
          <p>{denied}</p>
          <div class="dialog-actions">
            <button type="button" class="btn btn-primary" data-autofocus onClick={() => setDenied(null)}>
              OK
            </button>
          </div>
        </Dialog>
      )}
    </>
  );
}

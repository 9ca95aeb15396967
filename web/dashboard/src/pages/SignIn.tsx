// Sign-in (reference/dashboard.md §5.1–§5.3): email + password, or the API key; plus the
// "Add a new user" and "Forgot password" screens with the core curl commands.

import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, api, storage } from '../api';
import type { SignInNotice } from '../app';
import type { Config } from '../config';
import { CopyButton } from '../ui/Copy';
import { Field } from '../ui/forms';

type View = 'signin' | 'signup' | 'reset';

const EMAIL_RE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function curlCommand(cfg: Config, kind: 'signup' | 'reset'): string {
  const lines = [
    `curl --location --request ${kind === 'signup' ? 'POST' : 'PUT'} '${cfg.connectionURI}/recipe/dashboard/user'`,
    `--header 'rid: dashboard'`,
  ];
  if (cfg.coreAPIKeyRequired) lines.push(`--header 'api-key: <YOUR-API-KEY>'`);
  lines.push(`--header 'Content-Type: application/json'`);
  lines.push(
    kind === 'signup'
      ? `--data-raw '{"email": "<YOUR_EMAIL>","password": "<YOUR_PASSWORD>"}'`
      : `--data-raw '{"email": "<YOUR_EMAIL>","newPassword": "<YOUR_NEW_PASSWORD>"}'`,
  );
  return lines.join(' \\\n');
}

function AuthCard({ title, children }: { title: string; children: ComponentChildren }) {
  const h1 = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = `${title} · Latchkey dashboard`;
    // After switching views the button that was focused is gone: start again at the heading.
    if (!document.activeElement || document.activeElement === document.body) h1.current?.focus();
  }, [title]);
  return (
    <main class="auth-page" id="main">
      <div class="auth-card">
        <p class="brand brand-auth" aria-hidden="true">
          <span class="brand-mark" />
          Latchkey
        </p>
        <h1 id="main-heading" tabIndex={-1} ref={h1}>
          {title}
        </h1>
        {children}
      </div>
    </main>
  );
}

function CurlView({ cfg, kind, onBack }: { cfg: Config; kind: 'signup' | 'reset'; onBack: () => void }) {
  const cmd = curlCommand(cfg, kind);
  const pre = useRef<HTMLPreElement>(null);
  return (
    <AuthCard title={kind === 'signup' ? 'Sign Up' : 'Reset your password'}>
      <p>Run the below command in your terminal</p>
      <div class="code-block">
        <pre ref={pre} tabIndex={0} aria-label="Command">
          <code>{cmd}</code>
        </pre>
        <div class="code-actions">
          <CopyButton text={cmd} target={() => pre.current} label="Copy command" />
        </div>
      </div>
      {kind === 'reset' ? (
        <p class="muted">
          Replace the placeholders. To change the email address instead, send <code>"newEmail"</code> in place of{' '}
          <code>"newPassword"</code> (or both).
        </p>
      ) : (
        <p class="muted">
          Replace the placeholders. The password needs at least 8 characters, with a letter and a digit.
        </p>
      )}
      {!cfg.coreAPIKeyRequired && <p class="muted">This core does not need an API key.</p>}
      <p>
        {kind === 'signup' ? 'Account exists? ' : ''}
        <button type="button" class="link-btn" onClick={onBack}>
          {kind === 'signup' ? 'Sign In' : 'Back'}
        </button>
      </p>
    </AuthCard>
  );
}

/** Notice says why the sign-in screen shows, when the session ended under the operator. */
function Notice({ notice, drafts }: { notice: SignInNotice; drafts: boolean }) {
  if (notice === 'password')
    return (
      <div class="alert alert-info" role="status">
        Your password was changed and you were signed out everywhere. Sign in with the new password.
      </div>
    );
  if (notice !== 'expired') return null;
  return (
    <div class="alert alert-info" role="status">
      Your dashboard session has ended: it expired, or was signed out elsewhere. Sign in again to continue
      {drafts ? '; your unsaved changes will be restored.' : '.'}
    </div>
  );
}

export function SignIn({
  cfg,
  notice,
  drafts,
  onSignedIn,
}: {
  cfg: Config;
  notice: SignInNotice;
  drafts: boolean;
  onSignedIn: () => void;
}) {
  const [view, setView] = useState<View>('signin');
  const note = <Notice notice={notice} drafts={drafts} />;
  if (cfg.authMode === 'api-key') return <ApiKeyForm onSignedIn={onSignedIn} note={note} />;
  if (view !== 'signin') return <CurlView cfg={cfg} kind={view} onBack={() => setView('signin')} />;
  return <EmailPasswordForm onSignedIn={onSignedIn} onView={setView} note={note} />;
}

function EmailPasswordForm({ onSignedIn, onView, note }: { onSignedIn: () => void; onView: (v: View) => void; note: ComponentChildren }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [emailErr, setEmailErr] = useState('');
  const [pwErr, setPwErr] = useState('');
  const [serverErr, setServerErr] = useState('');
  const [busy, setBusy] = useState(false);

  const submit = async (e: Event) => {
    e.preventDefault();
    const em = email.trim();
    const ee = em === '' ? 'Email cannot be empty' : EMAIL_RE.test(em) ? '' : 'Email is invalid';
    const pe = password === '' ? 'Password cannot be empty' : '';
    setEmailErr(ee);
    setPwErr(pe);
    setServerErr('');
    if (ee || pe) {
      (document.getElementById(ee ? 'signin-email' : 'signin-password') as HTMLInputElement | null)?.focus();
      return;
    }
    setBusy(true);
    try {
      const r = await api.signIn(em, password);
      if (r.status === 'OK' && r.sessionId) {
        storage.setAuth(r.sessionId, em);
        onSignedIn();
        return;
      }
      if (r.status === 'USER_LIMIT_REACHED_ERROR') setServerErr(r.message || 'User limit reached');
      else if (r.status === 'USER_SUSPENDED_ERROR')
        setServerErr(
          'User is currently suspended. Please sign in with another account, or reactivate the SuperTokens core license key.',
        );
      // A Latchkey backend adds a message to a throttled sign-in.
      else setServerErr(r.message || 'Incorrect email and password combination');
    } catch (err) {
      setServerErr(err instanceof ApiError && err.status === 0 ? err.message : 'Something went wrong');
    } finally {
      setBusy(false);
    }
  };

  return (
    <AuthCard title="User Management Dashboard">
      {note}
      <p>
        Not registered yet?{' '}
        <button type="button" class="link-btn strong" onClick={() => onView('signup')}>
          Add a new user
        </button>
      </p>
      <form class="form" onSubmit={submit} noValidate aria-describedby={serverErr ? 'signin-error' : undefined}>
        {serverErr && (
          <div id="signin-error" class="alert alert-error" role="alert">
            {serverErr}
          </div>
        )}
        <Field id="signin-email" label="Email" type="email" autoComplete="username" value={email} onValue={setEmail} error={emailErr} />
        <Field
          id="signin-password"
          label="Password"
          type="password"
          autoComplete="current-password"
          value={password}
          onValue={setPassword}
          error={pwErr}
        />
        <button type="submit" class="btn btn-primary btn-block" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign In'}
        </button>
      </form>
      <p class="center">
        <button type="button" class="link-btn" onClick={() => onView('reset')}>
          Forgot Password?
        </button>
      </p>
    </AuthCard>
  );
}

function ApiKeyForm({ onSignedIn, note }: { onSignedIn: () => void; note: ComponentChildren }) {
  const [key, setKey] = useState('');
  const [err, setErr] = useState('');
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    if (key.trim() === '') {
      setErr('API Key field cannot be empty');
      document.getElementById('signin-key')?.focus();
      return;
    }
    setErr('');
    setBusy(true);
    try {
      const r = await api.validateKey(key.trim());
      if (r.status === 'OK') {
        storage.setAuth(key.trim(), null);
        onSignedIn();
        return;
      }
      setErr('Invalid API Key');
    } catch (e2) {
      setErr(e2 instanceof ApiError && e2.status === 401 ? 'Invalid API Key' : 'Something went wrong');
    } finally {
      setBusy(false);
    }
  };
  return (
    <AuthCard title="Enter your API Key">
      {note}
      <p>Please enter the API key that you used to connect with your backend</p>
      <form class="form" onSubmit={submit} noValidate>
        <div class="field">
          <label for="signin-key">API Key</label>
          <input
            id="signin-key"
            type="password"
            placeholder="Your API Key"
            autoComplete="current-password"
            value={key}
            onInput={(e) => setKey(e.currentTarget.value)}
            aria-invalid={err ? 'true' : undefined}
            aria-describedby={err ? 'signin-key-err' : undefined}
          />
          {err && (
            <p id="signin-key-err" class="field-error" role="alert">
              {err}
            </p>
          )}
        </div>
        <button type="submit" class="btn btn-primary btn-block" disabled={busy}>
          {busy ? 'Checking…' : 'Continue'}
        </button>
      </form>
    </AuthCard>
  );
}

// The demo website: every page of a typical sign-in flow, built on the
// official SuperTokens frontend library (supertokens-web-js) talking to a
// Go backend that uses the Latchkey SDK. No framework: a page is a
// function that fills <main>.
import SuperTokens from 'supertokens-web-js';
import Session from 'supertokens-web-js/recipe/session';
import EmailPassword from 'supertokens-web-js/recipe/emailpassword';
import EmailVerification from 'supertokens-web-js/recipe/emailverification';
import Passwordless from 'supertokens-web-js/recipe/passwordless';
import ThirdParty from 'supertokens-web-js/recipe/thirdparty';
import Multitenancy from 'supertokens-web-js/recipe/multitenancy';
import STGeneralError from 'supertokens-web-js/utils/error';
import './style.css';
import { el, field, formError, setBusy, fieldErrors } from './dom';

// Config is what the website server tells us about the backend.
interface Config {
  appName: string;
  apiDomain: string;
  apiBasePath: string;
  websiteBasePath: string;
}

let config: Config;
const main = document.getElementById('main') as HTMLElement;
const nav = document.getElementById('nav') as HTMLElement;

async function start(): Promise<void> {
  config = await (await fetch('/config.json')).json();
  SuperTokens.init({
    appInfo: { appName: config.appName, apiDomain: config.apiDomain, apiBasePath: config.apiBasePath },
    recipeList: [
      Session.init(),
      EmailPassword.init(),
      EmailVerification.init(),
      Passwordless.init(),
      ThirdParty.init(),
      Multitenancy.init(),
    ],
  });
  document.addEventListener('click', (e) => {
    const a = (e.target as HTMLElement).closest('a');
    if (a && a.origin === location.origin && !a.hasAttribute('download') && !e.metaKey && !e.ctrlKey) {
      e.preventDefault();
      go(a.pathname + a.search);
    }
  });
  window.addEventListener('popstate', () => void render());
  await render();
}

function go(path: string): void {
  history.pushState(null, '', path);
  void render();
}

// render shows the page for the current path.
async function render(): Promise<void> {
  const signedIn = await Session.doesSessionExist();
  nav.replaceChildren(
    signedIn
      ? el('button', { type: 'button', class: 'link', onclick: signOut }, 'Sign out')
      : el('a', { href: `${config.websiteBasePath}` }, 'Sign in'),
  );
  const base = config.websiteBasePath;
  const path = location.pathname.replace(/\/+$/, '') || '/';
  let page: () => Promise<Node> | Node;
  if (path === `${base}/reset-password`) page = resetPassword;
  else if (path === `${base}/verify-email`) page = verifyEmail;
  else if (path === `${base}/verify`) page = magicLink;
  else if (path === `${base}/code`) page = signedIn ? () => redirect('/account') : codePage;
  else if (path.startsWith(`${base}/callback/`)) page = callbackPage;
  else if (path === base) page = signedIn ? () => redirect('/account') : authPage;
  else if (path === '/account') page = signedIn ? account : () => redirect(base);
  else page = () => redirect(signedIn ? '/account' : base);
  main.replaceChildren(await page());
  main.focus();
}

function redirect(path: string): Node {
  history.replaceState(null, '', path);
  queueMicrotask(() => void render());
  return el('p', {}, 'Redirecting…');
}

async function signOut(): Promise<void> {
  await Session.signOut();
  go(config.websiteBasePath);
}

// authPage is sign-in and sign-up, one form with a switch.
function authPage(): Node {
  let mode: 'signin' | 'signup' = new URLSearchParams(location.search).get('show') === 'signup' ? 'signup' : 'signin';
  const wrap = el('section', { class: 'card', 'aria-labelledby': 'auth-title' });
  const draw = () => {
    const title = el('h1', { id: 'auth-title' }, mode === 'signin' ? 'Sign in' : 'Sign up');
    const email = field('email', 'Email', 'email', 'username');
    const password = field('password', 'Password', 'password', mode === 'signin' ? 'current-password' : 'new-password');
    const error = formError();
    const submit = el('button', { type: 'submit' }, mode === 'signin' ? 'Sign in' : 'Sign up');
    const form = el('form', { novalidate: '' }, email.row, password.row, error, submit);
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      setBusy(submit, true);
      error.textContent = '';
      try {
        const formFields = [
          { id: 'email', value: email.input.value },
          { id: 'password', value: password.input.value },
        ];
        const res = mode === 'signin' ? await EmailPassword.signIn({ formFields }) : await EmailPassword.signUp({ formFields });
        if (res.status === 'OK') {
          go('/account');
        } else if (res.status === 'FIELD_ERROR') {
          fieldErrors(res.formFields, { email, password });
        } else if (res.status === 'WRONG_CREDENTIALS_ERROR') {
          error.textContent = 'Incorrect email and password combination.';
        } else {
          error.textContent = 'Signing in is not allowed for this account.';
        }
      } catch {
        error.textContent = 'Something went wrong. Please try again.';
      } finally {
        setBusy(submit, false);
      }
    });
    const switcher = el(
      'p',
      {},
      mode === 'signin' ? 'No account yet? ' : 'Already have an account? ',
      el(
        'button',
        {
          type: 'button',
          class: 'link',
          onclick: () => {
            mode = mode === 'signin' ? 'signup' : 'signin';
            draw();
          },
        },
        mode === 'signin' ? 'Sign up' : 'Sign in',
      ),
    );
    const forgot = el('p', {}, el('a', { href: `${config.websiteBasePath}/reset-password` }, 'Forgot your password?'));
    const code = el('p', {}, el('a', { href: `${config.websiteBasePath}/code` }, 'Sign in with a code instead (email or phone)'));
    wrap.replaceChildren(title, providerButtons(), form, switcher, ...(mode === 'signin' ? [forgot] : []), code);
    email.input.focus();
  };
  draw();
  return wrap;
}

// providerButtons is "Continue with …" for every provider the backend
// offers (GET /auth/loginmethods), filled in once the backend answers.
function providerButtons(): HTMLElement {
  const box = el('div', { class: 'providers', id: 'providers' });
  const error = formError();
  void (async () => {
    try {
      const methods = await Multitenancy.getLoginMethods();
      if (methods.status !== 'OK') return;
      const buttons = methods.thirdParty.providers.map((p) =>
        el('button', { type: 'button', class: 'secondary provider', id: `continue-${p.id}`, onclick: () => void continueWith(p.id, error) }, `Continue with ${p.name}`),
      );
      if (buttons.length > 0) box.replaceChildren(...buttons, error, el('p', { class: 'or' }, 'or'));
    } catch {
      // No providers: the forms below still work.
    }
  })();
  return box;
}

// continueWith sends the browser to the provider. web-js makes the state
// and keeps it with the flow secret the backend returns; the provider
// sends the browser back to /auth/callback/<id>. Apple posts its answer to
// the backend, which sends the browser on to the same page.
async function continueWith(thirdPartyId: string, error: HTMLElement): Promise<void> {
  error.textContent = '';
  try {
    const frontendRedirectURI = `${location.origin}${config.websiteBasePath}/callback/${thirdPartyId}`;
    const url = await ThirdParty.getAuthorisationURLWithQueryParamsAndSetState({
      thirdPartyId,
      frontendRedirectURI,
      ...(thirdPartyId.startsWith('apple') ? { redirectURIOnProviderDashboard: `${config.apiDomain}${config.apiBasePath}/callback/apple` } : {}),
    });
    location.assign(url);
  } catch (err) {
    error.textContent = errorMessage(err);
  }
}

// callbackPage is where a provider sends the browser back: web-js checks
// the state, and the backend exchanges the code and signs the user in.
async function callbackPage(): Promise<Node> {
  const card = el('section', { class: 'card', 'aria-labelledby': 'callback-title' });
  let message: string;
  try {
    const res = await ThirdParty.signInAndUp();
    if (res.status === 'OK') return redirect('/account');
    message =
      res.status === 'NO_EMAIL_GIVEN_BY_PROVIDER'
        ? 'The provider did not give an email address, which this app needs. Sign in another way.'
        : res.reason;
  } catch (err) {
    message = STGeneralError.isThisError(err) ? err.message : 'The sign-in did not complete (it may have expired, or been started in another tab). Please try again.';
  }
  card.append(
    el('h1', { id: 'callback-title' }, 'Signing in'),
    el('p', { role: 'alert' }, message),
    el('p', {}, el('a', { href: config.websiteBasePath }, 'Back to sign in')),
  );
  return card;
}

// resetPassword asks for an email, or, with a token in the link, for the
// new password.
function resetPassword(): Node {
  const hasToken = new URLSearchParams(location.search).has('token');
  const card = el('section', { class: 'card', 'aria-labelledby': 'reset-title' });
  const error = formError();
  if (!hasToken) {
    const email = field('email', 'Email', 'email', 'username');
    const submit = el('button', { type: 'submit' }, 'Email me a reset link');
    const form = el('form', { novalidate: '' }, email.row, error, submit);
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      setBusy(submit, true);
      error.textContent = '';
      try {
        const res = await EmailPassword.sendPasswordResetEmail({ formFields: [{ id: 'email', value: email.input.value }] });
        if (res.status === 'OK') {
          card.replaceChildren(
            el('h1', { id: 'reset-title' }, 'Check your email'),
            el('p', { role: 'status' }, 'If an account exists for that email, a reset link is on its way. In the demo, the link is printed in the terminal that runs `latchkey demo`.'),
          );
        } else if (res.status === 'FIELD_ERROR') {
          fieldErrors(res.formFields, { email });
        } else {
          error.textContent = 'A password reset is not allowed for this account.';
        }
      } catch {
        error.textContent = 'Something went wrong. Please try again.';
      } finally {
        setBusy(submit, false);
      }
    });
    card.append(el('h1', { id: 'reset-title' }, 'Reset your password'), form);
    return card;
  }
  const password = field('password', 'New password', 'password', 'new-password');
  const submit = el('button', { type: 'submit' }, 'Change password');
  const form = el('form', { novalidate: '' }, password.row, error, submit);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    setBusy(submit, true);
    error.textContent = '';
    try {
      const res = await EmailPassword.submitNewPassword({ formFields: [{ id: 'password', value: password.input.value }] });
      if (res.status === 'OK') {
        card.replaceChildren(
          el('h1', { id: 'reset-title' }, 'Password changed'),
          el('p', { role: 'status' }, 'Your password has been changed. ', el('a', { href: config.websiteBasePath }, 'Sign in')),
        );
      } else if (res.status === 'FIELD_ERROR') {
        fieldErrors(res.formFields, { password });
      } else {
        error.textContent = 'This reset link is invalid or has expired. Ask for a new one.';
      }
    } catch {
      error.textContent = 'Something went wrong. Please try again.';
    } finally {
      setBusy(submit, false);
    }
  });
  card.append(el('h1', { id: 'reset-title' }, 'Choose a new password'), form);
  return card;
}

// verifyEmail consumes the token in an email-verification link.
async function verifyEmail(): Promise<Node> {
  const card = el('section', { class: 'card', 'aria-labelledby': 'verify-title' });
  if (!new URLSearchParams(location.search).has('token')) {
    card.append(el('h1', { id: 'verify-title' }, 'Verify your email'), el('p', {}, 'Open the link from the verification email.'));
    return card;
  }
  let message: string;
  try {
    const res = await EmailVerification.verifyEmail();
    message = res.status === 'OK' ? 'Your email is verified.' : 'This verification link is invalid or has expired.';
  } catch {
    message = 'Something went wrong. Please try again.';
  }
  card.append(
    el('h1', { id: 'verify-title' }, 'Email verification'),
    el('p', { role: 'status' }, message),
    el('p', {}, el('a', { href: '/account' }, 'Go to your account')),
  );
  return card;
}

// codePage is passwordless sign-in: an email or a phone number gets a
// one-time code (and a link), then the code signs in, or up.
function codePage(): Node {
  const card = el('section', { class: 'card', 'aria-labelledby': 'code-title' });
  const error = formError();
  const askContact = () => {
    const contact = field('contact', 'Email or phone number (with country code, like +1 201 555 0123)', 'text', 'username');
    const submit = el('button', { type: 'submit' }, 'Send me a code');
    const form = el('form', { novalidate: '' }, contact.row, error, submit);
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      setBusy(submit, true);
      error.textContent = '';
      try {
        const value = contact.input.value.trim();
        const res = await Passwordless.createCode(value.includes('@') ? { email: value } : { phoneNumber: value });
        if (res.status === 'OK') askCode(value);
        else error.textContent = 'Signing in is not allowed for this account.';
      } catch (err) {
        error.textContent = errorMessage(err);
      } finally {
        setBusy(submit, false);
      }
    });
    card.replaceChildren(el('h1', { id: 'code-title' }, 'Sign in with a code'), form);
    contact.input.focus();
  };
  const askCode = (sentTo: string) => {
    const code = field('code', 'Code', 'text', 'one-time-code');
    code.input.setAttribute('inputmode', 'numeric');
    const submit = el('button', { type: 'submit' }, 'Sign in');
    const resend = el('button', { type: 'button', class: 'link' }, 'Send a new code');
    const restart = el('button', { type: 'button', class: 'link' }, 'Use another email or phone');
    const form = el('form', { novalidate: '' }, code.row, error, submit);
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      setBusy(submit, true);
      error.textContent = '';
      try {
        const res = await Passwordless.consumeCode({ userInputCode: code.input.value.trim() });
        if (res.status === 'OK') {
          await Passwordless.clearLoginAttemptInfo();
          go('/account');
        } else if (res.status === 'INCORRECT_USER_INPUT_CODE_ERROR' || res.status === 'EXPIRED_USER_INPUT_CODE_ERROR') {
          const left = res.maximumCodeInputAttempts - res.failedCodeInputAttemptCount;
          error.textContent = `${res.status === 'EXPIRED_USER_INPUT_CODE_ERROR' ? 'That code has expired.' : 'That code is not right.'} ${left} ${left === 1 ? 'try' : 'tries'} left.`;
        } else {
          await Passwordless.clearLoginAttemptInfo();
          askContact();
          error.textContent = 'Too many tries, or the code has expired: start again.';
        }
      } catch (err) {
        error.textContent = errorMessage(err);
      } finally {
        setBusy(submit, false);
      }
    });
    resend.addEventListener('click', async () => {
      error.textContent = '';
      const res = await Passwordless.resendCode();
      error.textContent = res.status === 'OK' ? 'A new code is on its way.' : 'Start again.';
    });
    restart.addEventListener('click', async () => {
      await Passwordless.clearLoginAttemptInfo();
      error.textContent = '';
      askContact();
    });
    card.replaceChildren(
      el('h1', { id: 'code-title' }, 'Enter your code'),
      el('p', { role: 'status' }, `A code and a sign-in link were sent to ${sentTo}. In the demo, they are printed in the terminal that runs \`latchkey demo\`.`),
      form,
      el('p', {}, resend, ' · ', restart),
    );
    code.input.focus();
  };
  askContact();
  return card;
}

// magicLink signs in with the link from a sign-in email or text.
async function magicLink(): Promise<Node> {
  const card = el('section', { class: 'card', 'aria-labelledby': 'link-title' });
  let message: string;
  try {
    const res = await Passwordless.consumeCode();
    if (res.status === 'OK') {
      await Passwordless.clearLoginAttemptInfo();
      return redirect('/account');
    }
    message = 'This sign-in link is invalid, expired or already used. Ask for a new code.';
  } catch (err) {
    message = errorMessage(err);
  }
  card.append(
    el('h1', { id: 'link-title' }, 'Sign in with a link'),
    el('p', { role: 'alert' }, message),
    el('p', {}, el('a', { href: `${config.websiteBasePath}/code` }, 'Get a new code')),
  );
  return card;
}

// errorMessage shows a backend's GENERAL_ERROR message (such as an
// invalid phone number), or a generic line.
function errorMessage(err: unknown): string {
  if (STGeneralError.isThisError(err)) return err.message;
  return 'Something went wrong. Please try again.';
}

interface UserInfo {
  userId: string;
  email: string;
  phoneNumber: string;
  emailVerified: boolean;
  timeJoined: number;
  thirdParty: { id: string; userId: string }[];
}

interface SessionInfo {
  sessionHandle: string;
  userId: string;
  accessTokenPayload: Record<string, unknown>;
}

async function api<T>(path: string): Promise<T> {
  const res = await fetch(config.apiDomain + path, { credentials: 'include' });
  if (!res.ok) throw new Error(`${path}: ${res.status}`);
  return (await res.json()) as T;
}

// account is the protected page: who is signed in, and their session.
async function account(): Promise<Node> {
  const card = el('section', { class: 'card wide', 'aria-labelledby': 'account-title' });
  let user: UserInfo;
  let session: SessionInfo;
  try {
    [user, session] = await Promise.all([api<UserInfo>('/userinfo'), api<SessionInfo>('/sessioninfo')]);
  } catch {
    card.append(el('h1', { id: 'account-title' }, 'Your account'), el('p', { role: 'alert' }, 'Could not load your account. Try signing in again.'));
    return card;
  }
  const verifyStatus = el('span', { id: 'verify-status' });
  const verifyButton = el('button', { type: 'button', class: 'secondary' }, 'Send verification email');
  verifyButton.addEventListener('click', async () => {
    setBusy(verifyButton, true);
    try {
      const res = await EmailVerification.sendVerificationEmail();
      verifyStatus.textContent =
        res.status === 'OK' ? ' Sent: the link is printed in the terminal that runs `latchkey demo`.' : ' Your email is already verified.';
    } catch {
      verifyStatus.textContent = ' Could not send the email.';
    } finally {
      setBusy(verifyButton, false);
    }
  });
  card.append(
    el('h1', { id: 'account-title' }, 'Your account'),
    el(
      'dl',
      { class: 'facts' },
      el('dt', {}, 'User ID'),
      el('dd', { id: 'user-id' }, user.userId),
      ...(user.email
        ? [
            el('dt', {}, 'Email'),
            el('dd', { id: 'user-email' }, user.email),
            el('dt', {}, 'Email verified'),
            el('dd', {}, user.emailVerified ? 'Yes' : 'No', ...(user.emailVerified ? [] : [' ', verifyButton, verifyStatus])),
          ]
        : []),
      ...(user.phoneNumber ? [el('dt', {}, 'Phone'), el('dd', { id: 'user-phone' }, user.phoneNumber)] : []),
      ...(user.thirdParty.length > 0
        ? [el('dt', {}, 'Signed in with'), el('dd', { id: 'user-provider' }, user.thirdParty.map((t) => `${t.id} (account ${t.userId})`).join(', '))]
        : []),
      el('dt', {}, 'Joined'),
      el('dd', {}, new Date(user.timeJoined).toLocaleString()),
      el('dt', {}, 'Session handle'),
      el('dd', { id: 'session-handle' }, session.sessionHandle),
    ),
    el('h2', {}, 'Access-token payload'),
    el('pre', { id: 'access-token-payload', tabindex: '0' }, JSON.stringify(session.accessTokenPayload, null, 2)),
  );
  return card;
}

void start();

// Walks every flow of the dashboard in headless Chromium against the built dist/ served under
// CSP with the mock API, asserting what a person would check. Fails on any console error, CSP
// violation or failed request (except the 401s a step provokes on purpose). Dev-only.
//   npm run build && npm run e2e

import assert from 'node:assert/strict';
import { launch, startServer } from './browser.mjs';

const port = Number(process.env.PORT || 5176);
const base = `http://127.0.0.1:${port}`;
const server = await startServer(port);
const ctl = (path) => fetch(`${base}/__mock/${path}`).then((r) => r.json());

let passed = 0;
let failed = 0;
async function step(name, fn) {
  try {
    await fn();
    passed++;
    console.log(`ok   ${name}`);
  } catch (e) {
    failed++;
    // Close whatever a failed step left open so the next steps can run.
    for (let i = 0; i < 3; i++) await page.keyboard.press('Escape').catch(() => {});
    console.log(`FAIL ${name}\n     ${String(e.message || e).split('\n').slice(0, 6).join('\n     ')}`);
  }
}

const b = await launch({ viewport: { width: 1280, height: 900 } });
const { page } = b;
await b.ctx.addInitScript(() => {
  new MutationObserver((_, obs) => {
    if (document.querySelector('tbody .user-link')) {
      window.__firstUsers = performance.now();
      obs.disconnect();
    }
  }).observe(document, { subtree: true, childList: true });
});
page.setDefaultTimeout(8000);
const writes = [];
page.on('request', (r) => {
  if (r.url().includes('/dashboard/api/') && r.method() !== 'GET') writes.push(`${r.method()} ${new URL(r.url()).pathname}`);
});
const text = (loc) => loc.innerText();
const toast = (t) => page.locator('.toast', { hasText: t }).first().waitFor();
const heading = (name) => page.getByRole('heading', { name, exact: true }).waitFor();
async function signIn(email, password = 'abcd1234') {
  await heading('User Management Dashboard');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign In' }).click();
}
async function signOut() {
  await page.getByRole('button', { name: 'Sign Out' }).click();
  await heading('User Management Dashboard');
}
const region = (name) => page.getByRole('region', { name });
const ignoreProblems = (re) => {
  for (let i = b.problems.length - 1; i >= 0; i--) if (re.test(b.problems[i])) b.problems.splice(i, 1);
};

try {
  await ctl('reset');
  await page.goto(`${base}/auth/dashboard`);

  await step('sign-in validates input and shows the reference error texts', async () => {
    await page.getByRole('button', { name: 'Sign In' }).click();
    await page.getByText('Email cannot be empty').waitFor();
    await page.getByText('Password cannot be empty').waitFor();
    await page.getByLabel('Email').fill('nope');
    await page.getByRole('button', { name: 'Sign In' }).click();
    await page.getByText('Email is invalid').waitFor();
    await signIn('admin@example.com', 'wrong-pass1');
    await page.getByRole('alert').getByText('Incorrect email and password combination').waitFor();
    await signIn('suspended@example.com');
    await page.getByText(/User is currently suspended/).waitFor();
  });

  await step('curl commands: exact text, copy button copies and announces', async () => {
    await page.getByRole('button', { name: 'Add a new user' }).click();
    const cmd = await page.locator('.code-block code').innerText();
    assert.equal(
      cmd,
      [
        "curl --location --request POST 'http://127.0.0.1:3567/recipe/dashboard/user' \\",
        "--header 'rid: dashboard' \\",
        "--header 'api-key: <YOUR-API-KEY>' \\",
        "--header 'Content-Type: application/json' \\",
        `--data-raw '{"email": "<YOUR_EMAIL>","password": "<YOUR_PASSWORD>"}'`,
      ].join('\n'),
    );
    await page.getByRole('button', { name: 'Copy command' }).click();
    await page.locator('[aria-live="polite"]', { hasText: 'Copied' }).waitFor();
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), cmd);
    await page.getByRole('button', { name: 'Sign In' }).click();
    await page.getByRole('button', { name: 'Forgot Password?' }).click();
    await heading('Reset your password');
    const reset = await page.locator('.code-block code').innerText();
    assert.match(reset, /--request PUT '.*\/recipe\/dashboard\/user'/);
    assert.match(reset, /"newPassword": "<YOUR_NEW_PASSWORD>"/);
    await page.getByText('newEmail').waitFor();
    await page.getByRole('button', { name: 'Back' }).click();
  });

  await step('curl command drops the api-key line when the core needs none', async () => {
    await ctl('reset?coreAPIKeyRequired=false');
    await page.reload();
    await page.getByRole('button', { name: 'Add a new user' }).click();
    const cmd = await page.locator('.code-block code').innerText();
    assert.ok(!cmd.includes('api-key'), cmd);
    assert.equal(cmd.split('\n').length, 4);
    await ctl('reset');
    await page.reload();
  });

  await step('sign in; users list shows count, newest first, pages and page size', async () => {
    await signIn('admin@example.com');
    await heading('User Management');
    await page.getByText('Total users: 53').waitFor();
    await page.getByText('1 - 10 of 53').waitFor();
    assert.equal(await page.locator('tbody tr').count(), 10);
    assert.equal(await page.evaluate(() => localStorage.getItem('email')), 'admin@example.com');
    await page.getByRole('button', { name: 'Next page' }).click();
    await page.getByText('11 - 20 of 53').waitFor();
    await page.getByRole('button', { name: 'Previous page' }).click();
    await page.getByText('1 - 10 of 53').waitFor();
    await page.getByLabel('Rows per page').selectOption('25');
    await page.getByText('1 - 25 of 53').waitFor();
    await page.getByLabel('Rows per page').selectOption('10');
    await page.getByText('1 - 10 of 53').waitFor();
  });

  await step('tenant select reloads the list for that tenant', async () => {
    await page.getByLabel('Tenant ID:').selectOption('tenant1');
    await page.getByText(/Total users: \d+/).waitFor();
    assert.match(await text(page.locator('.total')), /Total users: [0-9]+ in tenant1/);
    await page.getByLabel('Tenant ID:').selectOption('public');
    await page.getByText('Total users: 53').waitFor();
  });

  await step('search by email, phone and provider with chips', async () => {
    await page.getByLabel('Search value').fill('ADA');
    await page.getByLabel('Search value').press('Enter');
    await page.getByText(/^\d+ results?$/).waitFor();
    const n = await page.locator('tbody tr').count();
    assert.ok(n >= 1, 'some results');
    for (const t of await page.locator('tbody tr .user-link').allInnerTexts()) assert.match(t.toLowerCase(), /ada/);
    await page.getByLabel('Search by').selectOption('provider');
    await page.getByLabel('Search value').fill('github');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await page.getByRole('button', { name: 'Remove filter Third-party provider: github' }).waitFor();
    await page.getByRole('button', { name: 'Remove filter Email: ada' }).click();
    await page.getByText(/^\d+ results?$/).waitFor();
    await page.getByRole('cell', { name: /Third party - github/ }).first().waitFor();
    await page.getByRole('button', { name: 'Remove filter Third-party provider: github' }).click();
    await page.getByLabel('Search by').selectOption('email');
    await page.getByLabel('Search value').fill('zzz-nobody');
    await page.getByLabel('Search value').press('Enter');
    await page.getByText('No search results.').waitFor();
    await page.getByRole('button', { name: 'Clear search' }).click();
    await page.getByText('1 - 10 of 53').waitFor();
  });

  await step('add user dialog: focus trap, Escape and focus return', async () => {
    const open = page.getByRole('button', { name: 'Add user' });
    await open.focus();
    await page.keyboard.press('Enter');
    const dlg = page.getByRole('dialog', { name: 'Create New User' });
    await dlg.waitFor();
    for (let i = 0; i < 12; i++) {
      await page.keyboard.press('Tab');
      assert.ok(await dlg.evaluate((d) => d.contains(document.activeElement)), 'focus stays in dialog');
    }
    await page.keyboard.press('Escape');
    await dlg.waitFor({ state: 'detached' });
    assert.ok(await open.evaluate((el) => el === document.activeElement), 'focus returned to Add user');
  });

  await step('create an email-password user; validation errors inline', async () => {
    await page.getByRole('button', { name: 'Add user' }).click();
    const dlg = page.getByRole('dialog', { name: 'Create New User' });
    await dlg.getByLabel('Email', { exact: true }).fill('new.person@example.com');
    await dlg.getByLabel('Password', { exact: true }).fill('short');
    await dlg.getByRole('button', { name: 'Create' }).click();
    await dlg.getByText(/at least 8 characters/).waitFor();
    await dlg.getByLabel('Password', { exact: true }).fill('goodpass123');
    await dlg.getByRole('button', { name: 'Create' }).click();
    await toast('User created successfully!');
    await page.getByText('Total users: 54').waitFor();
    assert.equal(await text(page.locator('tbody tr .user-link').first()), 'new.person@example.com');
    await page.getByRole('button', { name: 'Add user' }).click();
    await dlg.getByLabel('Email', { exact: true }).fill('new.person@example.com');
    await dlg.getByLabel('Password', { exact: true }).fill('goodpass123');
    await dlg.getByRole('button', { name: 'Create' }).click();
    await dlg.getByText('User with this email already exists in public tenant.').waitFor();
    await page.keyboard.press('Escape');
  });

  await step('create a passwordless user by phone', async () => {
    await page.getByRole('button', { name: 'Add user' }).click();
    const dlg = page.getByRole('dialog', { name: 'Create New User' });
    await dlg.getByLabel('Passwordless').check();
    await dlg.getByLabel('Email or Phone').fill('+44 20 7946 0000');
    await dlg.getByRole('button', { name: 'Create' }).click();
    await toast('User created successfully!');
    await page.getByText('Total users: 55').waitFor();
    assert.equal(await text(page.locator('tbody tr .user-link').first()), '+442079460000');
  });

  let newUserURL = '';
  await step('open a user with the keyboard; deep links and ?userid= work on reload', async () => {
    await page.locator('tbody tr .user-link').nth(1).focus();
    await page.keyboard.press('Enter');
    await heading('new.person@example.com');
    newUserURL = page.url();
    assert.match(newUserURL, /\/auth\/dashboard\/users\/[0-9a-f-]+$/);
    assert.ok(await page.getByRole('heading', { level: 1 }).evaluate((h) => h === document.activeElement), 'h1 focused');
    await page.reload();
    await heading('new.person@example.com');
    const id = newUserURL.split('/').pop();
    await page.goto(`${base}/auth/dashboard?userid=${id}`);
    await heading('new.person@example.com');
    await page.goto(newUserURL);
    await heading('new.person@example.com');
  });

  await step('edit the email of a login method', async () => {
    await page.getByRole('button', { name: 'Edit Email password login' }).click();
    const dlg = page.getByRole('dialog', { name: 'Edit Email password login' });
    await dlg.getByLabel('Email', { exact: true }).fill('not-an-email');
    await dlg.getByRole('button', { name: 'Save' }).click();
    await dlg.getByText('Email is invalid').waitFor();
    await dlg.getByLabel('Email', { exact: true }).fill('radia.liskov56@mail.example.org');
    await dlg.getByRole('button', { name: 'Save' }).click();
    await dlg.getByText('A user with this email already exists').waitFor();
    await dlg.getByLabel('Email', { exact: true }).fill('renamed@example.com');
    await dlg.getByRole('button', { name: 'Save' }).click();
    await toast('User information updated successfully');
    await heading('renamed@example.com');
  });

  await step('set verified / unverified and send a verification email', async () => {
    const card = page.getByRole('article', { name: 'Email password' });
    await card.getByText('Not verified').waitFor();
    await card.getByRole('button', { name: 'Send verification email' }).click();
    await toast('Email Sent!');
    await card.getByRole('button', { name: 'Set as verified' }).click();
    await card.getByText('Verified', { exact: true }).waitFor();
    await card.getByRole('button', { name: 'Set as unverified' }).click();
    await card.getByText('Not verified').waitFor();
    await card.getByRole('button', { name: 'Set as verified' }).click();
    await card.getByText('Verified', { exact: true }).waitFor();
  });

  await step('metadata editor refuses invalid JSON and saves an object', async () => {
    const sec = region('User metadata');
    await sec.getByRole('button', { name: 'Edit' }).click();
    const before = writes.length;
    for (const bad of ['{"a": ', '[1,2]', 'null', '"text"']) {
      await sec.getByLabel(/Metadata/).fill(bad);
      await sec.getByRole('button', { name: 'Save' }).click();
      await sec.getByText('User meta data must be a valid JSON object').waitFor();
    }
    assert.equal(writes.length, before, 'no request for invalid JSON');
    await sec.getByLabel(/Metadata/).fill('{"first_name": "Renée", "last_name": "Example", "tier": 3, "tags": ["a"]}');
    await sec.getByRole('button', { name: 'Save' }).click();
    await toast('User metadata updated');
    await sec.locator('pre.json').getByText('"tier"').waitFor();
    await heading('Renée Example');
    await region('User information').getByText('Renée').waitFor();
  });

  await step('edit first and last name', async () => {
    await region('User information').getByRole('button', { name: 'Edit info' }).click();
    const dlg = page.getByRole('dialog', { name: 'Edit user information' });
    await dlg.getByLabel('First name').fill('Rita');
    await dlg.getByRole('button', { name: 'Save' }).click();
    await heading('Rita Example');
  });

  await step('change password: mismatch, weak, then OK', async () => {
    await page.getByRole('button', { name: 'Change password' }).click();
    const dlg = page.getByRole('dialog', { name: 'Change Password' });
    await dlg.getByLabel('New Password').fill('abcdefgh1');
    await dlg.getByLabel('Confirm Password').fill('abcdefgh2');
    await dlg.getByRole('button', { name: 'Change password' }).click();
    await dlg.getByText('Passwords do not match').waitFor();
    await dlg.getByLabel('New Password').fill('weak');
    await dlg.getByLabel('Confirm Password').fill('weak');
    await dlg.getByRole('button', { name: 'Change password' }).click();
    await dlg.getByText(/at least 8 characters/).waitFor();
    await dlg.getByLabel('New Password').fill('newpass123');
    await dlg.getByLabel('Confirm Password').fill('newpass123');
    await dlg.getByRole('button', { name: 'Change password' }).click();
    await toast('Password updated');
    await dlg.waitFor({ state: 'detached' });
  });

  await step('assign and remove a role', async () => {
    const sec = region('User roles');
    await sec.getByText('No assigned user roles').waitFor();
    await sec.getByRole('button', { name: 'Assign role' }).click();
    const dlg = page.getByRole('dialog', { name: 'Assign User Roles' });
    await dlg.getByLabel('Role').selectOption('editor');
    await dlg.getByRole('button', { name: 'Assign role' }).click();
    await toast('Role "editor" assigned');
    await sec.getByRole('list', { name: 'Assigned roles' }).getByText('editor').waitFor();
    await sec.getByRole('button', { name: 'Remove role editor' }).click();
    const confirm = page.getByRole('alertdialog', { name: 'Remove role?' });
    assert.ok(await confirm.getByRole('button', { name: 'Cancel' }).evaluate((el) => el === document.activeElement), 'Cancel has the focus');
    await confirm.getByRole('button', { name: 'Remove role' }).click();
    await sec.getByText('No assigned user roles').waitFor();
    assert.ok(await sec.getByRole('button', { name: 'Assign role' }).evaluate((el) => el === document.activeElement), 'focus on Assign role');
  });

  await step('delete a user with type-to-confirm', async () => {
    await page.getByRole('button', { name: 'Delete user' }).click();
    const dlg = page.getByRole('alertdialog', { name: 'Delete User?' });
    const del = dlg.getByRole('button', { name: 'Delete Forever' });
    assert.ok(await del.isDisabled());
    await dlg.getByLabel('Type renamed@example.com to confirm').fill('renamed@example.co');
    assert.ok(await del.isDisabled());
    await dlg.getByLabel('Type renamed@example.com to confirm').fill('renamed@example.com');
    await del.click();
    await toast('User deleted successfully');
    await heading('User Management');
    await page.getByText('Total users: 54').waitFor();
    await page.goto(newUserURL);
    await heading('User could not be found');
    await page.getByRole('link', { name: 'Back to all users' }).click();
  });

  await step('sessions: revoke one, then all', async () => {
    await page.getByRole('link', { name: 'dennis.knuth55@acme.test' }).click();
    const sec = region('Sessions (3)');
    await sec.waitFor();
    const first = await sec.locator('tbody tr code').first().getAttribute('title');
    await sec.locator('tbody tr').first().getByRole('button', { name: /Revoke session/ }).click();
    await page.getByRole('alertdialog', { name: 'Revoke session?' }).getByRole('button', { name: 'Revoke session' }).click();
    await region('Sessions (2)').waitFor();
    assert.ok(!(await page.locator(`code[title="${first}"]`).count()), 'revoked session gone');
    await region('Sessions (2)').getByRole('button', { name: 'Revoke all sessions' }).click();
    await page.getByRole('alertdialog', { name: 'Revoke all sessions?' }).getByRole('button', { name: 'Revoke all' }).click();
    await region('Sessions (0)').getByText('No active sessions.').waitFor();
  });

  await step('roles page: create with permissions, add and remove a permission, delete', async () => {
    await page.getByRole('link', { name: 'Roles and Permissions' }).click();
    await heading('Roles and Permissions');
    await page.getByRole('button', { name: 'Add Role' }).click();
    const dlg = page.getByRole('dialog', { name: 'Create New Role' });
    await dlg.getByLabel('Name of Role').fill('auditor');
    await dlg.getByLabel('Add permissions').fill('read:audit');
    await dlg.getByLabel('Add permissions').press('Enter');
    await dlg.getByLabel('Add permissions').fill('read:audit');
    await dlg.getByLabel('Add permissions').press('Enter');
    await dlg.getByText('Permission already exists!').waitFor();
    await dlg.getByLabel('Add permissions').fill('export:audit');
    await dlg.getByRole('button', { name: 'Add', exact: true }).click();
    await dlg.getByRole('button', { name: 'Create now' }).click();
    await toast('Role "auditor" created');
    const row = page.getByRole('row', { name: /auditor/ });
    await row.getByRole('list', { name: 'Permissions of auditor' }).getByText('export:audit').waitFor();
    assert.equal(await text(page.locator('tbody tr th').first()), 'auditor', 'newest first');
    await row.getByRole('button', { name: 'Manage role auditor' }).click();
    const m = page.getByRole('dialog', { name: 'Role: auditor' });
    await m.getByLabel('Add permissions').fill('write:audit');
    await m.getByLabel('Add permissions').press('Enter');
    await m.getByRole('button', { name: 'Remove permission write:audit' }).waitFor();
    await m.getByRole('button', { name: 'Remove permission read:audit' }).click();
    await page.getByRole('alertdialog', { name: 'Remove permission?' }).getByRole('button', { name: 'Remove permission' }).click();
    await m.getByRole('button', { name: 'Remove permission read:audit' }).waitFor({ state: 'detached' });
    await m.getByRole('button', { name: 'Done' }).click();
    await row.getByText('write:audit').waitFor();
    assert.equal(await row.getByText('read:audit').count(), 0);
    await row.getByRole('button', { name: 'Delete role auditor' }).click();
    await page.getByRole('alertdialog', { name: 'Delete Role?' }).getByRole('button', { name: 'Delete role' }).click();
    await toast('Role "auditor" deleted');
    await page.getByRole('row', { name: /auditor/ }).waitFor({ state: 'detached' });
  });

  await step('tenants page lists tenants; "See Users" selects the tenant', async () => {
    await page.getByRole('link', { name: 'Tenants' }).click();
    await heading('Tenant Management');
    await page.getByRole('row', { name: /eu-customers/ }).getByText('Passwordless').waitFor();
    await page.getByRole('link', { name: 'Tenant tenant1' }).click();
    await heading('Tenant tenant1');
    await page.getByRole('button', { name: 'See Users' }).click();
    await heading('User Management');
    assert.equal(await page.getByLabel('Tenant ID:').inputValue(), 'tenant1');
    await page.getByLabel('Tenant ID:').selectOption('public');
  });

  await step('tenant-prefixed entry URL preselects the tenant', async () => {
    await page.goto(`${base}/auth/eu-customers/dashboard`);
    await heading('User Management');
    await page.getByText(/in eu-customers/).waitFor();
    await page.goto(`${base}/auth/dashboard/no/such/page`);
    await heading('Page not found');
  });

  await step('a 403 shows the Access Denied dialog with the server message', async () => {
    await page.goto(`${base}/auth/dashboard/roles`);
    await heading('Roles and Permissions');
    // The account loses write access after the page has loaded: the server answers 403.
    await ctl('permission?email=admin@example.com&canWrite=false');
    await page.getByRole('button', { name: 'Add Role' }).click();
    const dlg = page.getByRole('dialog', { name: 'Create New Role' });
    await dlg.getByLabel('Name of Role').fill('x');
    await dlg.getByRole('button', { name: 'Create now' }).click();
    const denied = page.getByRole('alertdialog', { name: 'Access Denied' });
    await denied.getByText('You are not permitted to perform this operation').waitFor();
    await page.keyboard.press('Escape');
    await denied.waitFor({ state: 'detached' });
    await ctl('permission?email=admin@example.com&canWrite=true');
    ignoreProblems(/status of 403/);
  });

  await step('sign out drops the token', async () => {
    await signOut();
    assert.equal(await page.evaluate(() => localStorage.getItem('auth-token')), null);
  });

  await step('read-only account: every write control disabled with the reason, no write sent', async () => {
    await page.goto(`${base}/auth/dashboard`);
    await signIn('viewer@example.com');
    await heading('User Management');
    await page.getByText('Your dashboard account is read-only').first().waitFor();
    const before = writes.length;
    const check = async () => {
      const btns = page.locator('[aria-disabled="true"]');
      const n = await btns.count();
      assert.ok(n > 0, 'some disabled controls');
      for (let i = 0; i < n; i++) {
        const b2 = btns.nth(i);
        assert.match((await b2.getAttribute('title')) ?? '', /read-only/);
        await b2.click({ force: true });
      }
      assert.equal(await page.getByRole('dialog').count(), 0, 'no dialog opened');
    };
    await check();
    await page.locator('tbody tr .user-link').nth(1).click();
    await region('User metadata').locator('pre.json').waitFor();
    await region(/^Sessions \(\d+\)$/).waitFor();
    await check();
    for (const name of ['Delete user', 'Edit info', 'Assign role', 'Revoke all sessions', 'Change password', 'Remove role viewer']) {
      const c = page.getByRole('button', { name, exact: true });
      if (await c.count()) assert.equal(await c.first().getAttribute('aria-disabled'), 'true', name);
    }
    await page.getByRole('link', { name: 'Roles and Permissions' }).click();
    await page.locator('tbody tr').first().waitFor();
    await check();
    await page.getByRole('button', { name: 'Manage role admin' }).click();
    const m = page.getByRole('dialog', { name: 'Role: admin' });
    assert.ok(await m.getByLabel('Add permissions').isDisabled());
    assert.equal(await m.getByRole('button', { name: 'Remove permission read:users' }).getAttribute('aria-disabled'), 'true');
    await page.keyboard.press('Escape');
    assert.deepEqual(writes.slice(before), [], 'no write requests');
    await signOut();
  });

  await step('an expired session shows the sign-in screen', async () => {
    await signIn('admin@example.com');
    await heading('Roles and Permissions');
    // Let the page finish loading first, so that the 401 comes from the click below.
    await page.getByRole('list', { name: 'Permissions of admin' }).waitFor();
    await ctl('expire');
    await page.getByRole('link', { name: 'Users', exact: true }).click();
    await heading('User Management Dashboard');
    assert.equal(await page.evaluate(() => localStorage.getItem('auth-token')), null);
    ignoreProblems(/status of 401/);
  });

  await step('empty state', async () => {
    await ctl('reset?seed=empty');
    await signIn('admin@example.com');
    await page.getByRole('link', { name: 'Users', exact: true }).click();
    await page.getByText("Currently, you don't have any users.").waitFor();
    await signOut();
  });

  await step('API-key mode: errors, then sign in', async () => {
    await ctl('reset?authMode=api-key');
    await page.reload();
    await heading('Enter your API Key');
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByText('API Key field cannot be empty').waitFor();
    await page.getByLabel('API Key').fill('wrong');
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByText('Invalid API Key').waitFor();
    ignoreProblems(/status of 401/);
    await page.getByLabel('API Key').fill('dev-api-key');
    await page.getByRole('button', { name: 'Continue' }).click();
    await heading('User Management');
    assert.equal(await page.evaluate(() => localStorage.getItem('auth-token')), 'dev-api-key');
    await signOut().catch(async () => heading('Enter your API Key'));
  });

  await step('time from navigation to the first page of users (loopback, mock API)', async () => {
    await ctl('reset');
    await page.goto(`${base}/auth/dashboard`);
    await signIn('admin@example.com');
    await heading('User Management');
    const times = [];
    for (let i = 0; i < 5; i++) {
      await page.goto(`${base}/auth/dashboard`);
      await page.locator('tbody tr .user-link').first().waitFor();
      times.push(await page.evaluate(() => window.__firstUsers));
    }
    times.sort((x, y) => x - y);
    console.log(`     first page of users rendered after ${times.map((t) => t.toFixed(0)).join(', ')} ms (median ${times[2].toFixed(0)} ms)`);
  });

  await step('no console errors, CSP violations or failed requests', async () => {
    assert.deepEqual(b.problems, []);
  });
} finally {
  await b.close();
  server.kill();
}
console.log(`${passed} passed, ${failed} failed`);
process.exitCode = failed ? 1 : 0;

// Screenshots of every screen, light/dark × desktop/360 px, against the built dist/ served
// under CSP with the mock API. Output: $SHOTS_DIR (default /tmp/lk-shots). Dev-only.
//   npm run build && npm run shots

import { mkdirSync } from 'node:fs';
import { launch, startServer } from './browser.mjs';

const port = Number(process.env.PORT || 5175);
const base = `http://127.0.0.1:${port}`;
const out = process.env.SHOTS_DIR || '/tmp/lk-shots';
mkdirSync(out, { recursive: true });

const server = await startServer(port);
const reset = (q = '') => fetch(`${base}/__mock/reset?${q}`).then((r) => r.json());
const problems = [];

const combos = [
  { name: 'light-desktop', colorScheme: 'light', viewport: { width: 1280, height: 800 } },
  { name: 'dark-desktop', colorScheme: 'dark', viewport: { width: 1280, height: 800 } },
  { name: 'light-360', colorScheme: 'light', viewport: { width: 360, height: 740 } },
  { name: 'dark-360', colorScheme: 'dark', viewport: { width: 360, height: 740 } },
];
const only = process.env.ONLY;

try {
  for (const c of combos) {
    if (only && !c.name.includes(only)) continue;
    const b = await launch(c);
    const { page } = b;
    const shot = async (n, full = true) => {
      await page.screenshot({ path: `${out}/${c.name}-${n}.png`, fullPage: full });
      const over = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      if (over > 0) problems.push(`${c.name}-${n}: page is ${over}px wider than the viewport`);
    };
    await reset();
    await page.goto(`${base}/auth/dashboard`);
    await page.getByRole('heading', { name: 'User Management Dashboard' }).waitFor();
    await shot('01-signin');
    await page.getByRole('button', { name: 'Add a new user' }).click();
    await shot('02-signup-curl');
    await page.getByRole('button', { name: 'Sign In' }).click();
    await page.getByRole('button', { name: 'Forgot Password?' }).click();
    await shot('03-reset-curl');
    await page.getByRole('button', { name: 'Back' }).click();
    await page.getByRole('button', { name: 'Sign In' }).click();
    await shot('04-signin-errors');
    await page.getByLabel('Email').fill('admin@example.com');
    await page.getByLabel('Password').fill('abcd1234');
    await page.getByRole('button', { name: 'Sign In' }).click();
    await page.getByRole('heading', { name: 'User Management' }).waitFor();
    await page.locator('tbody tr:not(.skeleton-row)').first().waitFor();
    await shot('05-users');
    await page.getByLabel('Search value').fill('ada');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await page.getByText(/^\d+ results?$/).waitFor();
    await shot('06-search');
    await page.getByRole('button', { name: 'Clear search' }).click();
    await page.getByRole('button', { name: 'Add user' }).click();
    await shot('07-add-user', false);
    await page.keyboard.press('Escape');
    await page.locator('a.user-link').nth(1).click();
    await page.getByRole('heading', { name: 'Login methods' }).waitFor();
    await page.getByText('Loading').first().waitFor({ state: 'detached' }).catch(() => {});
    await page.waitForTimeout(200);
    await shot('08-user');
    await page.getByRole('region', { name: 'User metadata' }).getByRole('button', { name: 'Edit' }).click();
    await page.getByLabel(/Metadata/).fill('[1, 2');
    await page.getByRole('button', { name: 'Save' }).click();
    await shot('09-metadata-invalid');
    await page.getByRole('button', { name: 'Cancel' }).click();
    await page.getByRole('button', { name: 'Delete user' }).click();
    await shot('10-delete-user', false);
    await page.keyboard.press('Escape');
    await page.getByRole('button', { name: 'Change password' }).first().click();
    await shot('11-change-password', false);
    await page.keyboard.press('Escape');
    await page.getByRole('button', { name: 'Assign role' }).click();
    await shot('12-assign-role', false);
    await page.keyboard.press('Escape');
    await page.getByRole('link', { name: /Roles/ }).first().click();
    await page.getByRole('heading', { name: 'Roles and Permissions' }).waitFor();
    await page.waitForTimeout(300);
    await shot('13-roles');
    await page.getByRole('button', { name: 'Manage role admin' }).click();
    await page.getByRole('list', { name: 'Permissions of admin' }).last().waitFor();
    await shot('14-manage-role', false);
    await page.keyboard.press('Escape');
    await page.getByRole('button', { name: 'Add Role' }).click();
    await page.getByLabel('Name of Role').fill('auditor');
    await page.getByLabel('Add permissions').fill('read:audit');
    await page.keyboard.press('Enter');
    await shot('15-create-role', false);
    await page.keyboard.press('Escape');
    await page.getByRole('link', { name: 'Tenants' }).click();
    await page.getByRole('heading', { name: 'Tenant Management' }).waitFor();
    await page.locator('tbody tr').first().waitFor();
    await shot('16-tenants');
    await page.getByRole('link', { name: 'Tenant public' }).click();
    await page.getByRole('heading', { name: 'Tenant public' }).waitFor();
    await shot('16b-tenant');
    await page.getByRole('button', { name: 'Sign Out' }).click();
    await page.getByRole('heading', { name: 'User Management Dashboard' }).waitFor();
    await page.getByLabel('Email').fill('viewer@example.com');
    await page.getByLabel('Password').fill('abcd1234');
    await page.getByRole('button', { name: 'Sign In' }).click();
    await page.getByRole('link', { name: 'Users', exact: true }).click();
    await page.locator('a.user-link').first().click();
    await page.getByRole('heading', { name: 'Login methods' }).waitFor();
    await page.waitForTimeout(300);
    await shot('17-readonly-user');
    await page.getByRole('button', { name: 'Sign Out' }).click();
    await page.getByRole('heading', { name: 'User Management Dashboard' }).waitFor();
    await reset('seed=empty');
    await page.getByLabel('Email').fill('admin@example.com');
    await page.getByLabel('Password').fill('abcd1234');
    await page.getByRole('button', { name: 'Sign In' }).click();
    await page.getByRole('link', { name: 'Users', exact: true }).click();
    await page.getByText("Currently, you don't have any users.").waitFor();
    await shot('18-empty');
    await page.getByRole('button', { name: 'Sign Out' }).click();
    await page.getByRole('heading', { name: 'User Management Dashboard' }).waitFor();
    await reset('authMode=api-key');
    await page.reload();
    await page.getByRole('heading', { name: 'Enter your API Key' }).waitFor();
    await shot('19-apikey');
    problems.push(...b.problems.map((p) => `${c.name}: ${p}`));
    await b.close();
  }
} finally {
  server.kill();
}
if (problems.length) {
  console.error(problems.join('\n'));
  process.exitCode = 1;
} else console.log(`screenshots in ${out}; no console errors, CSP violations or failed requests`);

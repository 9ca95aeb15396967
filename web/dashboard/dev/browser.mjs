// Shared headless-Chromium harness for dev/shots.mjs and dev/e2e.mjs (dev-only).
// Launches Debian's Chromium with the flags this project requires, records console errors,
// CSP violations and failed requests.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE *.localhost, EXCLUDE 127.0.0.1',
  '--proxy-server=http://127.0.0.1:9',
];

/** startServer runs dev/serve.mjs on a port and resolves when it listens. */
export function startServer(port) {
  const script = fileURLToPath(new URL('./serve.mjs', import.meta.url));
  // The server exits when its stdin closes, so it never outlives this process.
  const child = spawn(process.execPath, [script], {
    env: { ...process.env, PORT: String(port), EXIT_WITH_STDIN: '1' },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  process.on('exit', () => child.kill());
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.stdout.on('data', (d) => {
      if (String(d).includes('http://')) resolve(child);
    });
    setTimeout(() => reject(new Error('server did not start')), 10000);
  });
}

/** launch opens a persistent context in a fresh user-data-dir (removed by close()). */
export async function launch({ colorScheme = 'light', viewport = { width: 1280, height: 800 } } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'lk-chromium-'));
  const ctx = await chromium.launchPersistentContext(dir, {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: FLAGS,
    colorScheme,
    viewport,
    reducedMotion: 'reduce',
    permissions: ['clipboard-read', 'clipboard-write'],
  });
  const problems = [];
  const watch = (page) => {
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(`console.${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
    page.on('requestfailed', (r) => {
      // ERR_ABORTED is the browser cancelling requests of a page the script navigated away from.
      const why = r.failure()?.errorText ?? '';
      if (!why.includes('ERR_ABORTED')) problems.push(`requestfailed: ${r.url()} ${why}`);
    });
  };
  await ctx.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`);
    });
  });
  ctx.on('page', watch);
  const page = ctx.pages()[0] ?? (await ctx.newPage());
  watch(page);
  return {
    ctx,
    page,
    problems,
    async close() {
      await ctx.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

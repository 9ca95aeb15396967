// Serves the BUILT dashboard (dist/) the way the Go SDK does, with the mock API, under
// Content-Security-Policy: default-src 'self'. Dev-only; not shipped.
//
//   npm run build && npm run preview:csp      → http://127.0.0.1:5174/auth/dashboard
//   PORT=… MOCK_AUTH_MODE=api-key node dev/serve.mjs

import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createMock } from './mock-api.mjs';

const root = fileURLToPath(new URL('../dist/', import.meta.url));
const port = Number(process.env.PORT || 5174);
const mock = createMock();
const CSP = "default-src 'self'";
const TYPES = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.html': 'text/html; charset=utf-8',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
};

const server = createServer(async (req, res) => {
  res.setHeader('Content-Security-Policy', CSP);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  try {
    if (await mock.handle(req, res)) return;
    const url = new URL(req.url, 'http://x');
    const p = url.pathname;
    const asset = /^\/auth\/dashboard\/assets\/([^/]+)$/.exec(p);
    if (asset && req.method === 'GET') {
      const file = normalize(join(root, 'assets', asset[1]));
      if (!file.startsWith(join(root, 'assets'))) throw Object.assign(new Error('bad path'), { code: 'ENOENT' });
      const data = await readFile(file);
      res.setHeader('Content-Type', TYPES[extname(file)] || 'application/octet-stream');
      res.setHeader('Cache-Control', 'public, max-age=31536000, immutable');
      return res.end(data);
    }
    if (req.method === 'GET' && /^\/auth(?:\/[a-zA-Z0-9-]+)?\/dashboard(?:\/.*)?$/.test(p) && !/\/dashboard\/(api|assets)\//.test(p)) {
      const html = mock.injectHead(await readFile(join(root, 'index.html'), 'utf8'));
      res.setHeader('Content-Type', TYPES['.html']);
      res.setHeader('Cache-Control', 'no-cache');
      return res.end(html);
    }
    res.statusCode = 404;
    res.end('not found');
  } catch (e) {
    res.statusCode = e.code === 'ENOENT' ? 404 : 500;
    res.end(e.code === 'ENOENT' ? 'not found' : 'error');
  }
});
server.listen(port, '127.0.0.1', () => console.log(`dashboard (built, CSP) on http://127.0.0.1:${port}/auth/dashboard`));

if (process.env.EXIT_WITH_STDIN) {
  process.stdin.on('end', () => process.exit(0));
  process.stdin.on('close', () => process.exit(0));
  process.stdin.resume();
}

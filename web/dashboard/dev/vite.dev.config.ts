// `npm run dev`: Vite with hot reload, the in-memory mock API and the same head injection the
// Go SDK does. Open http://127.0.0.1:5173/auth/dashboard/ (accounts: see dev/mock-api.mjs).
import { defineConfig, mergeConfig, type Plugin } from 'vite';
import base from '../vite.config.ts';
// @ts-ignore -- plain JS module shared with dev/serve.mjs
import { createMock } from './mock-api.mjs';

function mockAPI(): Plugin {
  const mock = createMock();
  return {
    name: 'latchkey-mock-api',
    configureServer(server) {
      server.middlewares.use(async (req, res, next) => {
        try {
          if (await mock.handle(req, res)) return;
        } catch (e) {
          return next(e);
        }
        next();
      });
    },
    transformIndexHtml(html: string) {
      return mock.injectHead(html);
    },
  };
}

export default mergeConfig(
  base,
  defineConfig({
    base: '/auth/dashboard/',
    plugins: [mockAPI()],
    server: { host: '127.0.0.1', port: 5173, strictPort: true },
  }),
);

import { defineConfig } from 'vite';

// Production build of the dashboard. The output in dist/ is committed and embedded in the Go
// binary (embed.go), so it must be byte-for-byte reproducible: hashed asset names, no
// timestamps, no inlined data: URIs (CSP default-src 'self' forbids them), no inline scripts.
export default defineConfig({
  // Relative asset URLs: the SDK injects <base href="{apiBasePath}/dashboard/"> so they resolve
  // from any client-side route.
  base: './',
  oxc: {
    jsx: { runtime: 'automatic', importSource: 'preact' },
  },
  build: {
    outDir: 'dist',
    assetsDir: 'assets',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    assetsInlineLimit: 0,
    cssCodeSplit: false,
    modulePreload: { polyfill: false },
    reportCompressedSize: false,
  },
});

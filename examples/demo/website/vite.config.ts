import { defineConfig } from 'vite';

// The built site in dist/ is committed and embedded in the latchkey binary
// (examples/demo/website.go), so the build must be reproducible: hashed
// asset names, no timestamps, nothing inlined (the site runs under a
// Content-Security-Policy of 'self').
export default defineConfig({
  base: '/',
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

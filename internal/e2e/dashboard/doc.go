// Package dashboard tests the dashboard recipe (recipe/dashboard) together
// with a real core: every API endpoint over HTTP, and the embedded UI
// walked in headless Chromium under Content-Security-Policy
// default-src 'self'. Screenshots of the walk go to test-output/dashboard/
// at the repository root (git-ignored).
package dashboard

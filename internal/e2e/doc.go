// Package e2e holds the tests that need the SDK and a real core together:
// the SDK's flows over a core in-process and over loopback HTTP, on SQLite
// and PostgreSQL, and the browser tests that drive supertokens-web-js in
// headless Chromium against the SDK.
package e2e

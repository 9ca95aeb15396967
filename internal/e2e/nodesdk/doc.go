// Package nodesdk proves that the official supertokens-node SDK, pinned at
// 24.0.3 in package.json beside this file, works with a Latchkey core as its
// core (reference/cdi-core.md §1.6).
//
// The test starts a real core on loopback, on SQLite and on PostgreSQL, with
// an API key, and runs one Node process per scenario group from scenarios/:
// each initialises the SDK with the core's URL and key and drives it through
// its public functions, and through an Express app with the SDK's middleware
// where the FDI routes matter. Between the SDK and the core sits a recorder
// that logs every core call, so the scripts can assert the exact call
// sequences and the Go side can check the headers of every call. The FDI
// and session groups also run against two cores sharing one PostgreSQL
// schema, with the SDK's connectionURI naming both, so that consecutive
// calls go to different cores.
//
// The package has no code of its own; it is all in nodesdk_test.go and the
// scripts. It needs node_modules: locally the test skips, naming the npm
// command; under CI=true it runs `npm ci` itself.
package nodesdk

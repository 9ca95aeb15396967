// Package dashboard serves the user-management dashboard: the embedded web
// UI (web/dashboard) and its JSON API, below the SDK's API base path
// (reference/dashboard.md §2–§6, the Node SDK 24 surface).
//
//	dash := dashboard.New(dashboard.Config{Admins: []string{"ops@example.com"}})
//	// latchkey.New(latchkey.Config{Recipes: []latchkey.Recipe{sess, ep, dash, ...}})
//	// then open {apiDomain}{apiBasePath}/dashboard in a browser.
//
// Paths, relative to {apiBasePath}; every one may also be called below a
// tenant segment, {apiBasePath}/{tenantId}/dashboard/..., and the calls
// marked T act on that tenant (default latchkey.DefaultTenantID):
//
//	GET  /dashboard[/…]                       the UI (index.html for every page)
//	GET  /dashboard/assets/*                  the UI's hashed files
//	POST /dashboard/api/signin                open: dashboard account sign-in
//	POST /dashboard/api/key/validate          open: API-key check
//	POST /dashboard/api/signout               signed in (no admin check)
//	POST /dashboard/api/analytics             signed in (no admin check); sends nothing
//	GET  /dashboard/api/me                    open: the account (email, canWrite, authMode), or INVALID_SESSION_ERROR
//	GET  /dashboard/api/search/tags           search tags
//	GET  /dashboard/api/tenants               tenants with their usable first factors
//	GET  /dashboard/api/users            T    a page of users, or a search
//	GET  /dashboard/api/users/count      T    the tenant's user count
//	POST /dashboard/api/users/bulk       T    Latchkey: one action on up to 1,000 ids or every match (bulk.go)
//	GET|PUT|DELETE /dashboard/api/user   (PUT T) one user
//	GET  /dashboard/api/user/unlink           a write: there is no account linking
//	GET|PUT /dashboard/api/user/email/verify (PUT T), POST …/verify/token (T)
//	PUT  /dashboard/api/user/password    T    with the sign-up password policy
//	POST /dashboard/api/user/password/reset T  Latchkey: email a password-reset link
//	GET|POST|DELETE /dashboard/api/user/suspension  Latchkey: read, suspend, reinstate (suspend.go)
//	GET|PUT /dashboard/api/user/metadata
//	GET|POST /dashboard/api/user/sessions     list; revoke
//	GET /dashboard/api/user/signin-lock, POST …/remove   Latchkey: see and clear a sign-in lock
//	POST /dashboard/api/user/emailpassword T, POST /dashboard/api/user/passwordless T
//	/dashboard/api/userroles/…                roles, permissions, a user's roles (T)
//
// Every API but sign-in and key validation needs "Authorization: Bearer
// <token>": a dashboard session id from sign-in, checked with the core, or
// in API-key mode the configured key. A missing or bad token is 401
// {"message":"Unauthorised access"}; a write (any other method than GET,
// except sign-out and analytics, and GET /user/unlink) by an account that
// is not an admin is 403 {"message":"You are not permitted to perform this
// operation"}.
//
// The dashboard reaches the core only through the SDK instance's typed
// calls (latchkey.Latchkey.ListUsers, CountUsers, DashboardSignIn, ...)
// and the other recipes. A page of users, names included, costs five core
// calls: the dashboard session, the users, their metadata in one bulk
// read (user by user against a core without it), and their suspensions and
// their activity in one bulk read each (none against a core without them).
//
// Every dashboard response carries Content-Security-Policy
// "default-src 'self'; …" (see [DefaultCSP]), X-Content-Type-Options:
// nosniff and Referrer-Policy: no-referrer. The embedded UI needs nothing
// more: its configuration is a non-executable JSON element that the SDK
// writes into index.html in place of <!--latchkey:head-->.
package dashboard

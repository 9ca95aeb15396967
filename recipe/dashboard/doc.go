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
//	GET  /dashboard/api/tenants               tenants with their usable first factors, and userCount (Latchkey)
//	POST /dashboard/api/tenant                create a tenant {tenantId} (the id is in the body)
//	GET|DELETE /dashboard/api/tenant     T    the tenant page's data; remove the tenant
//	PUT  /dashboard/api/tenant/first-factor T  {factorId, enable}
//	PUT  /dashboard/api/tenant/required-secondary-factor T  MFA_NOT_INITIALIZED_ERROR (no MFA recipe)
//	PUT  /dashboard/api/tenant/core-config T  {name, value}
//	GET|PUT|DELETE /dashboard/api/thirdparty/config T  a provider config of the tenant
//	POST /dashboard/api/tenant/user      T    Latchkey: add an existing user {userId} to the tenant
//	POST /dashboard/api/tenant/user/remove T  Latchkey: take a user {userId} out of the tenant
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
// # Verifying the session in the read's round trip
//
// The read APIs that change nothing and read nothing of the caller (the
// routes with access view: the user list and count, a user and its
// details, tenants, roles, the audit page, the overview; view.go) do not
// verify the dashboard session in a call of their own. Their core GETs
// carry it in the header latchkey-dashboard-session (a Latchkey extension,
// internal/dashcheck), which a Latchkey core verifies before serving the
// read. The answer is held back (up to 8 MiB, then decided and streamed)
// and sent only when a core answer confirmed the session and none refused
// it; otherwise the explicit verify decides, so against another core, or
// for a handler that made no GET to the core, nothing changes but the
// order. Sessions are never cached. Writes, sign-out, the exports (streams)
// and GET /thirdparty/config (it depends on the account's role) keep the
// explicit verify.
//
// # Tenant management
//
// The tenant APIs (tenants.go, tenants_thirdparty.go) follow
// reference/dashboard.md §6.7, with these Latchkey extensions and choices:
//
//   - GET /tenants gives each tenant a userCount (a number). A Latchkey
//     core answers every tenant's count in one call from the counters it
//     keeps (GET /recipe/latchkey/users/stats); another core gets one
//     GET /<t>/users/count per tenant for the first 100 tenants, and the
//     tenants after them have no userCount.
//   - POST /{tenantId}/dashboard/api/tenant/user {"userId": "…"} adds an
//     existing user to the tenant: {"status":"OK","wasAlreadyAssociated":
//     bool}, or the core's refusal as its status, unchanged:
//     UNKNOWN_USER_ID_ERROR, EMAIL_ALREADY_EXISTS_ERROR,
//     PHONE_NUMBER_ALREADY_EXISTS_ERROR,
//     THIRD_PARTY_USER_ALREADY_EXISTS_ERROR, ASSOCIATION_NOT_ALLOWED_ERROR
//     (with "reason" when the core gives one); UNKNOWN_TENANT_ERROR.
//   - POST /{tenantId}/dashboard/api/tenant/user/remove {"userId": "…"}
//     takes the user out: {"status":"OK","wasAssociated": bool}, or
//     UNKNOWN_TENANT_ERROR.
//   - There is no MFA recipe: PUT /tenant/required-secondary-factor
//     answers MFA_NOT_INITIALIZED_ERROR for a known tenant (the status the
//     UI expects); GET /tenant shows the stored requiredSecondaryFactors.
//   - Providers are the SDK's (thirdparty.Config.Providers that serve the
//     tenant) and the tenant's stored ones, merged as sign-in merges them
//     (a stored config wins for its id). A provider that only the SDK
//     configures cannot be deleted from the dashboard (400).
//   - GET /thirdparty/config blanks Apple private keys always (a PUT with
//     the key blank keeps the current one) and client secrets for
//     read-only accounts; admins get the secrets, as the reference does.
//   - SAML (BoxyHQ) is not supported: boxy-saml ids and the boxyUrl and
//     boxyAPIKey parameters are a 400 that says so.
//   - A provider config is checked as sign-in would use it before
//     anything is stored (400 with the field at fault), and a write that
//     the core refuses after the SDK's providers were copied into it (as
//     the reference does for a tenant without stored providers) removes
//     the copies again.
//   - Tenant writes are in the audit log with the tenant in the summary,
//     such as "PUT /tenant/first-factor (tenant acme)".
//
// The dashboard reaches the core only through the SDK instance's typed
// calls (latchkey.Latchkey.ListUsers, CountUsers, DashboardSignIn,
// GetTenant, CreateOrUpdateThirdPartyConfig, ...)
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

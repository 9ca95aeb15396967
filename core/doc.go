// Package core is the Latchkey auth server: a [Core] is an [http.Handler]
// that speaks the SuperTokens Core Driver Interface 5.4
// (reference/cdi-core.md) over a [store.Store]. Build one with [New] and
// serve it over HTTP (`latchkey core`), or hand it to the SDK's core
// client to run the same requests in-process. [Core.DashboardAccounts]
// manages the dashboard's operator accounts from Go (`latchkey
// dashboard-user`).
//
// # How a request flows
//
//  1. Transport (transport.go): the base path, the optional
//     /appid-<app>/<tenant> prefixes (reference §1.1); then what keeps
//     browsers out (the core is for servers): a request with an Origin
//     not in Config.AllowedOrigins or marked Sec-Fetch-Site cross-site or
//     same-site gets 403, a body that is not application/json 415, and a
//     keyless core serves only loopback Host names and
//     Config.AllowedHosts; then the api-key and cdi-version checks, then
//     the tenant, found through one lookup
//     (core/internal/tenants: a short-lived cache in front of
//     store.Tenants) so that an unknown tenant gets the reference's 400.
//     A GET that carries latchkey-dashboard-session (a Latchkey extension,
//     internal/dashcheck; dashboard_session.go) runs only for a dashboard
//     session that POST /recipe/dashboard/session/verify would accept, and
//     its answer says "Latchkey-Dashboard-Session: verified"; otherwise 401
//     "dashboard session invalid". Other methods with the header get 400.
//     It caps the body and puts the request's tenant, version, id and
//     logger in the context (cdi.WithRequest).
//  2. Router (core/internal/cdi.Router, filled in routes.go): one exact
//     "METHOD /path" table; each recipe package registers its own paths in
//     its routes.go.
//  3. Handler (core/internal/<recipe>, in handlers.go, or beside the
//     Service in the smallest packages): reads the body or query with
//     cdi.ReadBody / cdi.ReadQuery, which word bad input as the reference
//     does; calls its Service; writes the answer. It returns errors, and
//     cdi.Handle writes them: a *cdi.StatusError as 200 {"status": ...}, a
//     *cdi.HTTPError as its code and text, anything else as a logged 500
//     that names the request id.
//  4. Service (core/internal/<recipe>, in service.go or <recipe>.go): the
//     recipe's rules, usable without HTTP. Its dependencies are its
//     fields, and it asks the store only for the small interface it uses
//     (store.Sessions, store.DashboardUsers, ...).
//  5. Store (store/, with the engines in store/sqlite and store/postgres
//     over one SQL implementation, store/internal/sqlstore): every write
//     in a transaction, races settled by keys.
//
// Rules the SDK applies too (the CDI user shape, the password policy, the
// email check, phone normalisation, tenant ids) live in the module's
// internal/wire, internal/validate, internal/phone and internal/tenantid,
// which both sides import.
//
// # Where each CDI path lives
//
// Packages are under core/internal/; "core" is this package. A test
// (TestDocListsEveryRoute) keeps this table and the router in step.
//
//	GET    /hello                                     core (core.go)
//	POST   /hello                                     core
//	PUT    /hello                                     core
//	DELETE /hello                                     core
//	GET    /apiversion                                core
//	GET    /metrics                                   core (metrics.go)
//	GET    /recipe/user                               emailpassword, passwordless or thirdparty, by rid (routes.go)
//	PUT    /recipe/user                               emailpassword or passwordless, by rid (routes.go)
//	POST   /recipe/signup                             emailpassword
//	POST   /recipe/signin                             emailpassword
//	POST   /recipe/user/password/reset/token          emailpassword
//	POST   /recipe/user/password/reset/token/consume  emailpassword
//	POST   /recipe/user/password/reset                emailpassword
//	POST   /recipe/user/passwordhash/import           emailpassword
//	POST   /recipe/signinup/code                      passwordless
//	POST   /recipe/signinup/code/consume              passwordless
//	POST   /recipe/signinup/code/check                passwordless
//	GET    /recipe/signinup/codes                     passwordless
//	POST   /recipe/signinup/code/remove               passwordless
//	POST   /recipe/signinup/codes/remove              passwordless
//	POST   /recipe/signinup                           thirdparty
//	POST   /recipe/session                            session
//	GET    /recipe/session                            session
//	POST   /recipe/session/verify                     session
//	POST   /recipe/session/refresh                    session
//	POST   /recipe/session/remove                     session
//	GET    /recipe/session/user                       session
//	PUT    /recipe/session/data                       session
//	GET    /recipe/session/data                       session
//	PUT    /recipe/jwt/data                           session
//	GET    /recipe/jwt/data                           session
//	POST   /recipe/session/regenerate                 session
//	GET    /.well-known/jwks.json                     jwt
//	GET    /recipe/jwt/jwks                           jwt
//	POST   /recipe/jwt                                jwt
//	POST   /recipe/user/email/verify/token            emailverification
//	POST   /recipe/user/email/verify                  emailverification
//	GET    /recipe/user/email/verify                  emailverification
//	POST   /recipe/user/email/verify/remove           emailverification
//	POST   /recipe/user/email/verify/token/remove     emailverification
//	GET    /recipe/user/metadata                      usermetadata
//	PUT    /recipe/user/metadata                      usermetadata
//	POST   /recipe/user/metadata/remove               usermetadata
//	POST   /recipe/user/metadata/bulk                 usermetadata (Latchkey: many users in one call)
//	PUT    /recipe/role                               userroles
//	GET    /recipe/role/permissions                   userroles
//	POST   /recipe/role/permissions/remove            userroles
//	GET    /recipe/permission/roles                   userroles
//	POST   /recipe/role/remove                        userroles
//	GET    /recipe/roles                              userroles
//	PUT    /recipe/user/role                          userroles
//	POST   /recipe/user/role/remove                   userroles
//	GET    /recipe/user/roles                         userroles
//	GET    /recipe/role/users                         userroles
//	GET    /recipe/user/claims                        claims (Latchkey: a session's claims in one call)
//	GET    /users                                     users
//	GET    /recipe/latchkey/users/stats               users (Latchkey: the dashboard's overview)
//	GET    /users/count                               users
//	GET    /user/id                                   users
//	POST   /user/remove                               users
//	GET    /user/search/tags                          users
//	GET    /users/by-accountinfo                      users
//	GET    /recipe/accountlinking/user/primary/check  accountlinking
//	POST   /recipe/accountlinking/user/primary        accountlinking
//	GET    /recipe/accountlinking/user/link/check     accountlinking
//	POST   /recipe/accountlinking/user/link           accountlinking
//	POST   /recipe/accountlinking/user/unlink         accountlinking
//	PUT    /recipe/multitenancy/tenant/v2             multitenancy
//	GET    /recipe/multitenancy/tenant/v2             multitenancy
//	GET    /recipe/multitenancy/tenant/list/v2        multitenancy
//	POST   /recipe/multitenancy/tenant/remove         multitenancy
//	PUT    /recipe/multitenancy/config/thirdparty     multitenancy
//	POST   /recipe/multitenancy/config/thirdparty/remove  multitenancy
//	POST   /recipe/multitenancy/tenant/user           multitenancy
//	POST   /recipe/multitenancy/tenant/user/remove    multitenancy
//	POST   /recipe/dashboard/user                     dashboard
//	PUT    /recipe/dashboard/user                     dashboard
//	DELETE /recipe/dashboard/user                     dashboard
//	GET    /recipe/dashboard/users                    dashboard (Latchkey: with lockedUntil)
//	POST   /recipe/dashboard/user/signin-lock/remove  dashboard (Latchkey: unlock an account)
//	POST   /recipe/dashboard/signin                   dashboard
//	POST   /recipe/dashboard/session/verify           dashboard
//	DELETE /recipe/dashboard/session                  dashboard
//	GET    /recipe/dashboard/user/sessions            dashboard
//	GET    /recipe/dashboard/tenant/core-config       dashboard
//	POST   /recipe/throttle/send                      throttle (Latchkey: may a message be sent)
//	GET    /recipe/throttle/signin                    throttle (Latchkey: is an account locked)
//	POST   /recipe/throttle/signin/remove             throttle (Latchkey: unlock an account)
//	POST   /recipe/latchkey/user/suspend              suspension (Latchkey: suspend, revoking sessions)
//	POST   /recipe/latchkey/user/reinstate            suspension (Latchkey)
//	POST   /recipe/latchkey/user/suspensions/bulk     suspension (Latchkey: a page of users)
//	GET    /recipe/latchkey/suspensions               suspension (Latchkey: suspended users, by keyset)
//	POST   /recipe/latchkey/user/activity/bulk        suspension (Latchkey: activity of a page of users)
//	POST   /recipe/latchkey/users/page-extras         suspension (Latchkey: suspensions, activity, metadata of a page)
//	GET    /recipe/latchkey/user/sessions             session (Latchkey: a user's sessions with their origin)
//	GET    /recipe/latchkey/audit                     audit (Latchkey: the audit log, filtered, by keyset)
//	POST   /recipe/latchkey/audit                     audit (Latchkey: an event from the dashboard)
//
// Any path may also be called below /<tenant>/ and /appid-<app>/<tenant>/.
// Other core/internal packages serve no path: cdi (the route table, body
// and query parsing, the error adapter), tenants (the tenant lookup),
// signing (the key manager behind session and jwt), password (bcrypt and
// argon2id) and userjson (store users as the CDI User object).
//
// # Adding a recipe
//
//   - store: value types and a small interface in store/store.go, embedded
//     in store.Store; its SQL in store/internal/sqlstore/<area>.go; a
//     numbered migration in store/sqlite/migrations and
//     store/postgres/migrations; conformance cases in store/storetest,
//     which both engines run.
//   - core/internal/<recipe>: doc.go (its paths), a Service whose fields
//     are its dependencies, handlers.go, and routes.go with
//     New(*Service) *Handler and Mount(*cdi.Router).
//   - core/routes.go: build the Service from the Config (new settings in
//     config.go, with defaults and validation) and add the handler to the
//     mount list; new outcomes in core/internal/cdi/errors.go.
//   - core/testdata/cdi/<recipe>.golden: its wire shapes; and a row per
//     path in the table above.
package core

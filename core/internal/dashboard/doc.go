// Package dashboard serves the core's dashboard-account endpoints
// (reference/cdi-core.md §2.8): the operator accounts that sign in to the
// user-management dashboard, not application users.
//
//	POST   /recipe/dashboard/user            create an account
//	PUT    /recipe/dashboard/user            change its email or password (ends its sessions)
//	DELETE /recipe/dashboard/user            delete an account
//	GET    /recipe/dashboard/users           list accounts (Latchkey: with lockedUntil when locked)
//	POST   /recipe/dashboard/user/signin-lock/remove  unlock an account's sign-in (Latchkey)
//	POST   /recipe/dashboard/signin          sign in: a dashboard session id
//	POST   /recipe/dashboard/session/verify  check a session id
//	DELETE /recipe/dashboard/session         sign out
//	GET    /recipe/dashboard/user/sessions   an account's sessions
//	GET    /recipe/dashboard/tenant/core-config  the settings a tenant may change: none
//
// Unlike the SuperTokens core there is no limit on the number of accounts
// (never 402, never USER_SUSPENDED_ERROR): every account can sign in.
//
// The rules are in Service (service.go), which the core's Go API
// (core.DashboardAccounts, used by `latchkey dashboard-user`) calls too;
// handlers.go maps it to the wire.
package dashboard

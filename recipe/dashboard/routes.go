package dashboard

import "github.com/latchkey-dev/latchkey"

// Routes implements latchkey.RouteProvider: the API table of
// reference/dashboard.md §6 (plus GET /me), then the UI. Each API also
// answers below a tenant segment, {apiBasePath}/{tenantId}/dashboard/api/…
// The API routes come first: the UI route takes every GET below
// /dashboard, and on equal matches the first route wins.
func (rc *Recipe) Routes() []latchkey.Route {
	api := []struct {
		method, path string
		access       access
		h            apiFunc
	}{
		// §6.1 Auth, shell, misc.
		{"POST", "/signin", open, rc.signIn},
		{"POST", "/key/validate", open, rc.validateKey},
		{"POST", "/signout", read, rc.signOut},
		{"POST", "/analytics", read, rc.analytics},
		{"GET", "/me", open, rc.me}, // checks the token itself
		{"GET", "/search/tags", view, rc.searchTags},
		// §6.7 Tenants and third-party providers (tenants.go). POST
		// /tenant names its tenant in the body; the others act on the
		// path's tenant.
		{"GET", "/tenants", view, rc.tenants},
		{"POST", "/tenant", write, rc.createTenant},
		{"GET", "/tenant", view, rc.tenant},
		{"DELETE", "/tenant", write, rc.deleteTenant},
		{"PUT", "/tenant/first-factor", write, rc.setFirstFactor},
		{"PUT", "/tenant/required-secondary-factor", write, rc.setSecondaryFactor},
		{"PUT", "/tenant/core-config", write, rc.setCoreConfig},
		{"POST", "/tenant/user", write, rc.addTenantUser},           // Latchkey: add a user to the tenant
		{"POST", "/tenant/user/remove", write, rc.removeTenantUser}, // Latchkey: take a user out
		// read, not view: it blanks client secrets for read-only accounts.
		{"GET", "/thirdparty/config", read, rc.providerConfig},
		{"PUT", "/thirdparty/config", write, rc.putProviderConfig},
		{"DELETE", "/thirdparty/config", write, rc.deleteProviderConfig},
		// §6.2 Users.
		{"GET", "/users", view, rc.users},
		{"GET", "/users/count", view, rc.usersCount},
		{"GET", "/users/export", read, rc.exportUsers}, // Latchkey: CSV or JSON download (a stream: read, not view)
		{"POST", "/users/bulk", write, rc.bulkUsers},   // Latchkey: bulk.go
		{"GET", "/overview", view, rc.overview},        // Latchkey: sign-ups and counts
		// §6.3 Single user.
		{"GET", "/user", view, rc.user},
		{"PUT", "/user", write, rc.updateUser},
		{"DELETE", "/user", write, rc.deleteUser},
		{"GET", "/user/unlink", write, rc.unlink}, // a GET that changes things
		// §6.4 Email verification, password, metadata, sessions.
		{"GET", "/user/email/verify", view, rc.isEmailVerified},
		{"PUT", "/user/email/verify", write, rc.setEmailVerified},
		{"POST", "/user/email/verify/token", write, rc.sendVerificationEmail},
		{"PUT", "/user/password", write, rc.changePassword},
		// Latchkey: the sign-in lock of brute-force protection.
		{"GET", "/user/signin-lock", view, rc.signInLock},
		{"POST", "/user/signin-lock/remove", write, rc.unlockSignIn},
		{"POST", "/user/password/reset", write, rc.sendPasswordResetEmail}, // Latchkey
		{"GET", "/user/metadata", view, rc.metadata},
		{"PUT", "/user/metadata", write, rc.setMetadata},
		{"GET", "/user/sessions", view, rc.sessions},
		{"POST", "/user/sessions", write, rc.revokeSessions},
		// Latchkey: the audit log (audit.go).
		{"GET", "/audit", view, rc.audit},
		{"GET", "/audit/export", read, rc.auditExport}, // a stream: read, not view
		// Latchkey: suspensions (suspend.go).
		{"GET", "/user/suspension", view, rc.suspension},
		{"POST", "/user/suspension", write, rc.suspend},
		{"DELETE", "/user/suspension", write, rc.reinstate},
		// §6.5 Creating app users.
		{"POST", "/user/emailpassword", write, rc.createEmailPasswordUser},
		{"POST", "/user/passwordless", write, rc.createPasswordlessUser},
		// §6.6 User roles.
		{"GET", "/userroles/roles", view, rc.allRoles},
		{"PUT", "/userroles/role", write, rc.createRole},
		{"DELETE", "/userroles/role", write, rc.deleteRole},
		{"GET", "/userroles/role/permissions", view, rc.rolePermissions},
		{"PUT", "/userroles/role/permissions/remove", write, rc.removePermissions},
		{"GET", "/userroles/user/roles", view, rc.userRoles},
		{"PUT", "/userroles/user/roles", write, rc.addUserRole},
		{"DELETE", "/userroles/user/roles", write, rc.removeUserRole},
		// The team page (Latchkey extensions): admins manage accounts;
		// every account changes its own password.
		{"GET", "/team", write, rc.team},
		{"POST", "/team", write, rc.createTeamAccount},
		{"PUT", "/team/account", write, rc.setTeamRole},
		{"DELETE", "/team/account", write, rc.removeTeamAccount},
		{"POST", "/team/account/unlock", write, rc.unlockTeamAccount},
		{"PUT", "/team/password", read, rc.changeOwnPassword},
	}
	routes := make([]latchkey.Route, 0, len(api)+2)
	for _, a := range api {
		routes = append(routes, latchkey.Route{Method: a.method, Path: "/dashboard/api" + a.path, Handler: rc.guard(a.access, a.h)})
	}
	return append(routes,
		latchkey.Route{Method: "GET", Path: "/dashboard", Prefix: true, Handler: rc.serveUI},
		latchkey.Route{Method: "HEAD", Path: "/dashboard", Prefix: true, Handler: rc.serveUI},
	)
}

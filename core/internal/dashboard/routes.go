package dashboard

import "github.com/latchkey-dev/latchkey/core/internal/cdi"

// Mount registers the dashboard-account endpoints.
func (h *Handler) Mount(rt *cdi.Router) {
	rt.HandleFunc("POST /recipe/dashboard/user", h.createUser)
	rt.HandleFunc("PUT /recipe/dashboard/user", h.updateUser)
	rt.HandleFunc("DELETE /recipe/dashboard/user", h.deleteUser)
	rt.HandleFunc("GET /recipe/dashboard/users", h.listUsers)
	rt.HandleFunc("POST /recipe/dashboard/user/signin-lock/remove", h.unlock) // Latchkey
	rt.HandleFunc("POST /recipe/dashboard/signin", h.signIn)
	rt.HandleFunc("POST /recipe/dashboard/session/verify", h.verifySession)
	rt.HandleFunc("DELETE /recipe/dashboard/session", h.signOut)
	rt.HandleFunc("GET /recipe/dashboard/user/sessions", h.userSessions)
	rt.HandleFunc("GET /recipe/dashboard/tenant/core-config", h.tenantCoreConfig)
}

package users

import "github.com/latchkey-dev/latchkey/core/internal/cdi"

// Mount registers the user endpoints.
func (h *Handler) Mount(rt *cdi.Router) {
	rt.HandleFunc("GET /users", h.list)
	rt.HandleFunc("GET /users/count", h.count)
	rt.HandleFunc("GET /user/id", h.get)
	rt.HandleFunc("POST /user/remove", h.remove)
	rt.HandleFunc("GET /user/search/tags", h.searchTags)
	rt.HandleFunc("GET /users/by-accountinfo", h.byAccountInfo)
	// A Latchkey extension, not in the CDI: the dashboard's overview.
	rt.HandleFunc("GET /recipe/latchkey/users/stats", h.stats)
}

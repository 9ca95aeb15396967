package usermetadata

import "github.com/latchkey-dev/latchkey/core/internal/cdi"

// Mount registers the user-metadata endpoints.
func (h *Handler) Mount(rt *cdi.Router) {
	rt.HandleFunc("GET /recipe/user/metadata", h.get)
	rt.HandleFunc("PUT /recipe/user/metadata", h.update)
	rt.HandleFunc("POST /recipe/user/metadata/remove", h.remove)
	// A Latchkey extension, not in the CDI: one read for a page of users.
	rt.HandleFunc("POST /recipe/user/metadata/bulk", h.bulk)
}

package claims

import "github.com/latchkey-dev/latchkey/core/internal/cdi"

// Mount registers the claims endpoint.
func (h *Handler) Mount(rt *cdi.Router) {
	// A Latchkey extension, not in the CDI: a session's claims in one read.
	rt.HandleFunc("GET /recipe/user/claims", h.get)
}

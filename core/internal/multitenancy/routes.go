package multitenancy

import "github.com/latchkey-dev/latchkey/core/internal/cdi"

// Mount registers the tenant endpoints.
func (h *Handler) Mount(rt *cdi.Router) {
	rt.HandleFunc("GET /recipe/multitenancy/tenant/v2", h.tenant)
	rt.HandleFunc("GET /recipe/multitenancy/tenant/list/v2", h.list)
}

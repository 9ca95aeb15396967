package multitenancy

import "github.com/latchkey-dev/latchkey/core/internal/cdi"

// Mount registers the tenant endpoints.
func (h *Handler) Mount(rt *cdi.Router) {
	rt.HandleFunc("PUT /recipe/multitenancy/tenant/v2", h.createOrUpdate)
	rt.HandleFunc("GET /recipe/multitenancy/tenant/v2", h.tenant)
	rt.HandleFunc("GET /recipe/multitenancy/tenant/list/v2", h.list)
	rt.HandleFunc("POST /recipe/multitenancy/tenant/remove", h.remove)
	rt.HandleFunc("PUT /recipe/multitenancy/config/thirdparty", h.putProvider)
	rt.HandleFunc("POST /recipe/multitenancy/config/thirdparty/remove", h.removeProvider)
	rt.HandleFunc("POST /recipe/multitenancy/tenant/user", h.addUser)
	rt.HandleFunc("POST /recipe/multitenancy/tenant/user/remove", h.removeUser)
}

package thirdparty

import "github.com/latchkey-dev/latchkey/core/internal/cdi"

// Mount registers the third-party endpoints. GET /recipe/user is shared
// with other recipes and dispatched on rid by the core, so it is exposed
// as GetUser instead.
func (h *Handler) Mount(rt *cdi.Router) {
	rt.HandleFunc("POST /recipe/signinup", cdi.ForLoginMethod("thirdparty", h.signInUp))
}

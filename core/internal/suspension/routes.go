package suspension

import "github.com/latchkey-dev/latchkey/core/internal/cdi"

// Mount registers the suspension and activity endpoints, Latchkey
// extensions all.
func (h *Handler) Mount(rt *cdi.Router) {
	rt.HandleFunc("POST /recipe/latchkey/user/suspend", h.suspend)
	rt.HandleFunc("POST /recipe/latchkey/user/reinstate", h.reinstate)
	rt.HandleFunc("POST /recipe/latchkey/user/suspensions/bulk", h.bulk)
	rt.HandleFunc("GET /recipe/latchkey/suspensions", h.list)
	rt.HandleFunc("POST /recipe/latchkey/user/activity/bulk", h.activity)
	rt.HandleFunc("POST /recipe/latchkey/users/page-extras", h.pageExtras)
}

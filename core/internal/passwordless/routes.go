package passwordless

import "github.com/latchkey-dev/latchkey/core/internal/cdi"

// Mount registers the passwordless endpoints. GET and PUT /recipe/user are
// shared with other recipes and dispatched on rid by the core, so they are
// exposed as GetUser and UpdateUser instead.
func (h *Handler) Mount(rt *cdi.Router) {
	rt.HandleFunc("POST /recipe/signinup/code", cdi.ForLoginMethod("passwordless", h.createCode))
	rt.HandleFunc("POST /recipe/signinup/code/consume", cdi.ForLoginMethod("passwordless", h.consumeCode))
	rt.HandleFunc("POST /recipe/signinup/code/check", cdi.ForLoginMethod("passwordless", h.checkCode))
	rt.HandleFunc("GET /recipe/signinup/codes", h.listCodes)
	rt.HandleFunc("POST /recipe/signinup/code/remove", h.removeCode)
	rt.HandleFunc("POST /recipe/signinup/codes/remove", h.removeCodes)
}

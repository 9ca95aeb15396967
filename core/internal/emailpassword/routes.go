package emailpassword

import "github.com/latchkey-dev/latchkey/core/internal/cdi"

// Mount registers the email-password endpoints. GET and PUT /recipe/user
// are shared with other recipes and dispatched on rid by the core, so they
// are exposed as GetUser and UpdateUser instead.
func (h *Handler) Mount(rt *cdi.Router) {
	rt.HandleFunc("POST /recipe/signup", cdi.ForLoginMethod("emailpassword", h.signUp))
	rt.HandleFunc("POST /recipe/signin", cdi.ForLoginMethod("emailpassword", h.signIn))
	rt.HandleFunc("POST /recipe/user/password/reset/token", cdi.ForLoginMethod("emailpassword", h.createResetToken))
	rt.HandleFunc("POST /recipe/user/password/reset/token/consume", cdi.ForLoginMethod("emailpassword", h.consumeResetToken))
	rt.HandleFunc("POST /recipe/user/password/reset", cdi.ForLoginMethod("emailpassword", h.resetPassword))
	rt.HandleFunc("POST /recipe/user/passwordhash/import", h.importHash)
}

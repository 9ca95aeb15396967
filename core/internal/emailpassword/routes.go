package emailpassword

import "github.com/latchkey-dev/latchkey/core/internal/cdi"

// Mount registers the email-password endpoints. GET and PUT /recipe/user
// are shared with other recipes and dispatched on rid by the core, so they
// are exposed as GetUser and UpdateUser instead.
func (h *Handler) Mount(rt *cdi.Router) {
	rt.HandleFunc("POST /recipe/signup", h.signUp)
	rt.HandleFunc("POST /recipe/signin", h.signIn)
	rt.HandleFunc("POST /recipe/user/password/reset/token", h.createResetToken)
	rt.HandleFunc("POST /recipe/user/password/reset/token/consume", h.consumeResetToken)
	rt.HandleFunc("POST /recipe/user/password/reset", h.resetPassword)
	rt.HandleFunc("POST /recipe/user/passwordhash/import", h.importHash)
}

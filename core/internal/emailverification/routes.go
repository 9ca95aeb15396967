package emailverification

import "github.com/latchkey-dev/latchkey/core/internal/cdi"

// Mount registers the email-verification endpoints.
func (h *Handler) Mount(rt *cdi.Router) {
	rt.HandleFunc("POST /recipe/user/email/verify/token", h.createToken)
	rt.HandleFunc("POST /recipe/user/email/verify", h.verify)
	rt.HandleFunc("GET /recipe/user/email/verify", h.isVerified)
	rt.HandleFunc("POST /recipe/user/email/verify/remove", h.unverify)
	rt.HandleFunc("POST /recipe/user/email/verify/token/remove", h.removeTokens)
}

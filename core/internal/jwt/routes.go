package jwt

import "github.com/latchkey-dev/latchkey/core/internal/cdi"

// Mount registers the JWKS and JWT endpoints.
func (h *Handler) Mount(rt *cdi.Router) {
	rt.HandleFunc("GET /.well-known/jwks.json", h.wellKnownJWKS)
	rt.HandleFunc("GET /recipe/jwt/jwks", h.jwks)
	rt.HandleFunc("POST /recipe/jwt", h.createJWT)
}

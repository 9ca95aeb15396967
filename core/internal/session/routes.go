package session

import "github.com/latchkey-dev/latchkey/core/internal/cdi"

// Mount registers the session endpoints.
func (h *Handler) Mount(rt *cdi.Router) {
	rt.HandleFunc("POST /recipe/session", h.create)
	rt.HandleFunc("GET /recipe/session", h.get)
	rt.HandleFunc("POST /recipe/session/verify", h.verify)
	rt.HandleFunc("POST /recipe/session/refresh", h.refresh)
	rt.HandleFunc("POST /recipe/session/remove", h.remove)
	rt.HandleFunc("GET /recipe/session/user", h.userHandles)
	rt.HandleFunc("PUT /recipe/session/data", h.putData)
	rt.HandleFunc("GET /recipe/session/data", h.getData)
	rt.HandleFunc("PUT /recipe/jwt/data", h.putJWTData)
	rt.HandleFunc("GET /recipe/jwt/data", h.getJWTData)
	rt.HandleFunc("POST /recipe/session/regenerate", h.regenerate)
	// A Latchkey extension: a user's sessions with their origin.
	rt.HandleFunc("GET /recipe/latchkey/user/sessions", h.userSessions)
}

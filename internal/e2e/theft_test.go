package e2e

import (
	"errors"
	"net/http"
	"sync"
	"testing"

	"github.com/latchkey-dev/latchkey/core/coretest"
	"github.com/latchkey-dev/latchkey/recipe/session"
)

// TestTokenTheftInTheAppsOwnRefresh: an app that refreshes in its own
// handler and answers the theft error itself, without WriteError, still
// has the stolen session revoked, and OnTokenTheftDetected is called.
func TestTokenTheftInTheAppsOwnRefresh(t *testing.T) {
	modes(t, func(t *testing.T, m coretest.Mode) {
		var (
			mu     sync.Mutex
			hooked []session.TokenTheftDetectedError
		)
		cfg := session.Config{OnTokenTheftDetected: func(_ *http.Request, theft *session.TokenTheftDetectedError) {
			mu.Lock()
			defer mu.Unlock()
			hooked = append(hooked, *theft)
		}}
		a := newApp(t, m, options{session: cfg, routes: func(a *app, mux *http.ServeMux) {
			mux.HandleFunc("POST /api/session/refresh", func(w http.ResponseWriter, r *http.Request) {
				if _, err := a.sess.RefreshSession(w, r); err != nil {
					var theft *session.TokenTheftDetectedError
					if errors.As(err, &theft) {
						http.Error(w, "stolen", http.StatusConflict)
						return
					}
					http.Error(w, err.Error(), http.StatusUnauthorized)
					return
				}
				w.WriteHeader(http.StatusNoContent)
			})
		}})
		b := a.browser(true)
		r := b.post("/auth/signup", fields("email", "cat@example.com", "password", "secret123"))
		r.want(t, 200, "OK")
		userID := r.body["user"].(map[string]any)["id"].(string)
		old := b.refr
		if r := b.post("/api/session/refresh", nil); r.code != http.StatusNoContent {
			t.Fatalf("the app's refresh: %d %s", r.code, r.raw)
		}
		// Using the new access token makes the old refresh token stale.
		b.get("/api/me").want(t, 200, "")

		thief := a.browser(true)
		thief.refr = old
		if r := thief.post("/api/session/refresh", nil); r.code != http.StatusConflict {
			t.Fatalf("reused refresh token: %d %s", r.code, r.raw)
		}
		handles, err := a.sess.SessionHandlesForUser(t.Context(), userID, "")
		if err != nil || len(handles) != 0 {
			t.Fatalf("after theft the session must be revoked: %v %v", handles, err)
		}
		mu.Lock()
		defer mu.Unlock()
		if len(hooked) != 1 || hooked[0].UserID != userID || hooked[0].SessionHandle == "" {
			t.Fatalf("OnTokenTheftDetected calls: %+v", hooked)
		}
		if r := b.post("/api/session/refresh", nil); r.code != http.StatusUnauthorized {
			t.Fatalf("the owner's refresh after the theft: %d %s", r.code, r.raw)
		}
	})
}

package session

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

// theftCore answers every refresh with TOKEN_THEFT_DETECTED for session
// h1 of u1, and records the handles it is asked to remove.
type theftCore struct {
	*fakeCore
	mu      sync.Mutex
	removed [][]string
}

func (c *theftCore) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch r.URL.Path {
	case "/recipe/session/refresh":
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"status":"TOKEN_THEFT_DETECTED","session":{"handle":"h1","userId":"u1","recipeUserId":"r1"}}`))
	case "/recipe/session/remove":
		var b struct {
			SessionHandles []string `json:"sessionHandles"`
		}
		_ = json.NewDecoder(r.Body).Decode(&b)
		c.mu.Lock()
		c.removed = append(c.removed, b.SessionHandles)
		c.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{"status": "OK", "sessionHandlesRevoked": b.SessionHandles})
	default:
		c.fakeCore.ServeHTTP(w, r)
	}
}

func (c *theftCore) removals() [][]string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([][]string(nil), c.removed...)
}

// A reused refresh token revokes the session in the refresh path: also when
// the app answers the error itself, and once when the SDK does. The hook
// sees the session and its user.
func TestTokenTheftRevokesInRefresh(t *testing.T) {
	core := &theftCore{fakeCore: newFakeCore(t)}
	var hooked []*TokenTheftDetectedError
	lk, rc := newTestRecipe(t, core, Config{OnTokenTheftDetected: func(r *http.Request, theft *TokenTheftDetectedError) {
		if r == nil {
			t.Error("the hook got no request")
		}
		hooked = append(hooked, theft)
	}}, nil)

	// An app that refreshes in its own handler and answers the error
	// itself, without WriteError.
	mux := http.NewServeMux()
	mux.HandleFunc("POST /api/refresh", func(w http.ResponseWriter, r *http.Request) {
		_, err := rc.RefreshSession(w, r)
		var theft *TokenTheftDetectedError
		if !errors.As(err, &theft) || theft.SessionHandle != "h1" || theft.UserID != "u1" || theft.RecipeUserID != "r1" {
			t.Errorf("RefreshSession: %#v, want a *TokenTheftDetectedError for h1", err)
		}
		w.WriteHeader(http.StatusConflict)
	})
	h := lk.Middleware(mux)
	refresh := func(path string) *httptest.ResponseRecorder {
		r := httptest.NewRequest("POST", path, nil)
		r.Header.Set("Authorization", "Bearer old-refresh-token")
		r.Header.Set("st-auth-mode", "header")
		return serve(h, r)
	}

	if w := refresh("/api/refresh"); w.Code != http.StatusConflict {
		t.Fatalf("the app's refresh: %d %s", w.Code, w.Body)
	}
	if got := core.removals(); len(got) != 1 || len(got[0]) != 1 || got[0][0] != "h1" {
		t.Fatalf("removals after the app's own refresh: %v, want [[h1]]", got)
	}
	if len(hooked) != 1 || hooked[0].SessionHandle != "h1" || hooked[0].UserID != "u1" {
		t.Fatalf("hook calls: %+v", hooked)
	}

	// The SDK's refresh API: revoked once more (one removal, not two),
	// the tokens cleared, 401.
	w := refresh("/auth/session/refresh")
	if w.Code != 401 || !strings.Contains(w.Body.String(), "token theft detected") {
		t.Fatalf("refresh API: %d %s", w.Code, w.Body)
	}
	if v, ok := w.Header()["St-Refresh-Token"]; !ok || v[0] != "" {
		t.Errorf("the refresh token is not cleared: %v", w.Header())
	}
	if got := core.removals(); len(got) != 2 {
		t.Fatalf("removals after the refresh API: %v, want two in all", got)
	}
	if len(hooked) != 2 {
		t.Fatalf("hook calls: %d, want 2", len(hooked))
	}
}

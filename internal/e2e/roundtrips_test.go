package e2e

import (
	"fmt"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/latchkey-dev/latchkey/core/coretest"
	"github.com/latchkey-dev/latchkey/recipe/emailverification"
)

// coreCounter is a handler in front of the core that records the calls the
// SDK makes while it is on, and answers 404 to the paths in refuse, as a
// core without them (an official SuperTokens core) would.
type coreCounter struct {
	mu     sync.Mutex
	on     bool
	calls  []string
	refuse []string
}

func (c *coreCounter) wrap(core http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		path := r.URL.Path
		c.mu.Lock()
		if c.on {
			c.calls = append(c.calls, r.Method+" "+path)
		}
		refused := slices.ContainsFunc(c.refuse, func(p string) bool { return strings.HasSuffix(path, p) })
		c.mu.Unlock()
		if refused {
			http.Error(w, "Not Found", http.StatusNotFound)
			return
		}
		core.ServeHTTP(w, r)
	})
}

// count returns the core calls that fn makes.
func (c *coreCounter) count(fn func()) []string {
	c.mu.Lock()
	c.on, c.calls = true, nil
	c.mu.Unlock()
	fn()
	c.mu.Lock()
	defer c.mu.Unlock()
	c.on = false
	return c.calls
}

// verifiedMember signs up email on the core directly, verifies it and
// gives it the role member (permission read).
func verifiedMember(t *testing.T, a *app, email string) {
	t.Helper()
	m := a.core.Post(t, "/public/recipe/signup", map[string]string{"email": email, "password": "secret123"}).JSON(t)
	id := m["user"].(map[string]any)["id"].(string)
	tok := a.core.Post(t, "/public/recipe/user/email/verify/token", map[string]string{"userId": id, "email": email}).JSON(t)["token"].(string)
	for _, s := range []struct {
		method, path string
		body         any
	}{
		{"POST", "/public/recipe/user/email/verify", map[string]string{"method": "token", "token": tok}},
		{"PUT", "/recipe/role", map[string]any{"role": "member", "permissions": []string{"read"}}},
		{"PUT", "/public/recipe/user/role", map[string]any{"userId": id, "role": "member"}},
	} {
		if r := a.core.Do(t, s.method, s.path, s.body); r.Status(t) != "OK" {
			t.Fatalf("%s %s: %s", s.method, s.path, r.Body)
		}
	}
}

// TestRoundTrips pins issue 17's targets: a sign-in (and a sign-up) with
// the email-verification and roles claims costs at most 3 core calls, a
// refresh 1, and a protected route none, in cookie and header mode.
func TestRoundTrips(t *testing.T) {
	modes(t, func(t *testing.T, m coretest.Mode) {
		cc := &coreCounter{}
		a := newApp(t, m, options{evMode: emailverification.ModeRequired, wrapCore: cc.wrap})
		// A first round, uncounted, fills the caches (CDI version, JWKS).
		verifiedMember(t, a, "warm@example.com")
		warm := a.browser(false)
		warm.post("/auth/signin", fields("email", "warm@example.com", "password", "secret123")).want(t, 200, "OK")
		warm.get("/api/me").want(t, 200, "")

		limit := func(what string, calls []string, max int) {
			t.Helper()
			if len(calls) > max {
				t.Errorf("%s cost %d core calls, want at most %d: %v", what, len(calls), max, calls)
			}
		}
		for _, header := range []bool{false, true} {
			mode := map[bool]string{false: "cookie", true: "header"}[header]
			email := mode + "@example.com"
			b := a.browser(header)
			limit(mode+" sign-up", cc.count(func() {
				b.post("/auth/signup", fields("email", "new-"+email, "password", "secret123")).want(t, 200, "OK")
			}), 3)

			verifiedMember(t, a, email)
			limit(mode+" sign-in", cc.count(func() {
				b.post("/auth/signin", fields("email", email, "password", "secret123")).want(t, 200, "OK")
			}), 3)
			// The claims' values are the user's, read in that one call.
			up := b.frontPayload()
			for k, want := range map[string]any{"st-ev": true, "st-role": []any{"member"}, "st-perm": []any{"read"}} {
				if v, _ := up[k].(map[string]any); v == nil || !reflect.DeepEqual(v["v"], want) {
					t.Errorf("%s sign-in: %s is %v, want %v", mode, k, up[k], want)
				}
			}
			limit(mode+" protected route", cc.count(func() { b.get("/api/me").want(t, 200, "") }), 0)
			limit(mode+" refresh", cc.count(func() { b.post("/auth/session/refresh", nil).want(t, 200, "") }), 1)
			// The first request with the new token confirms the refresh
			// with the core, as in SuperTokens; the next ones are free.
			b.get("/api/me").want(t, 200, "")
			limit(mode+" protected route after a refresh", cc.count(func() { b.get("/api/me").want(t, 200, "") }), 0)
		}
	})
}

// TestRoundTripsWithoutClaimsEndpoint: against a core that answers 404 to
// the one-call claim read (an official SuperTokens core), a sign-in reads
// the claims the CDI way with the same values, and the SDK does not ask
// again.
func TestRoundTripsWithoutClaimsEndpoint(t *testing.T) {
	modes(t, func(t *testing.T, m coretest.Mode) {
		cc := &coreCounter{refuse: []string{"/recipe/user/claims"}}
		a := newApp(t, m, options{evMode: emailverification.ModeRequired, wrapCore: cc.wrap})
		for i := range 2 {
			email := fmt.Sprintf("u%d@example.com", i)
			verifiedMember(t, a, email)
			b := a.browser(false)
			calls := cc.count(func() {
				b.post("/auth/signin", fields("email", email, "password", "secret123")).want(t, 200, "OK")
			})
			asked := 0
			for _, c := range calls {
				if strings.HasSuffix(c, "/recipe/user/claims") {
					asked++
				}
			}
			if want := 1 - i; asked != want { // asked once, then remembered
				t.Errorf("sign-in %d asked for the claims endpoint %d times, want %d: %v", i, asked, want, calls)
			}
			up := b.frontPayload()
			for k, want := range map[string]any{"st-ev": true, "st-role": []any{"member"}, "st-perm": []any{"read"}} {
				if v, _ := up[k].(map[string]any); v == nil || !reflect.DeepEqual(v["v"], want) {
					t.Errorf("sign-in %d: %s is %v, want %v", i, k, up[k], want)
				}
			}
		}
	})
}

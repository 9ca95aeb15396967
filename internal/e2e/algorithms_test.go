package e2e

import (
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"

	"github.com/latchkey-dev/latchkey/core"
	"github.com/latchkey-dev/latchkey/core/coretest"
)

// TestSigningAlgorithms: with the core signing access tokens with ES256 or
// EdDSA, the SDK verifies them locally (a protected route makes no core
// call), refreshes them, and verifies the refreshed ones, in cookie and
// header mode.
func TestSigningAlgorithms(t *testing.T) {
	for _, alg := range []string{"RS256", "ES256", "EdDSA"} {
		t.Run(alg, func(t *testing.T) {
			modes(t, func(t *testing.T, m coretest.Mode) {
				cc := &coreCounter{}
				a := newApp(t, m, options{wrapCore: cc.wrap, core: func(cfg *core.Config) { cfg.AccessTokenSigningAlgorithm = alg }})
				for _, header := range []bool{false, true} {
					b := a.browser(header)
					email := map[bool]string{false: "cookie@example.com", true: "header@example.com"}[header]
					b.post("/auth/signup", fields("email", email, "password", "secret123")).want(t, 200, "OK")
					access := func() string {
						if header {
							return b.access
						}
						return b.cookie("sAccessToken", "/")
					}
					for round := range 2 {
						raw, _ := base64.RawURLEncoding.DecodeString(strings.Split(access(), ".")[0])
						var h struct{ Alg string }
						if json.Unmarshal(raw, &h) != nil || h.Alg != alg {
							t.Fatalf("header=%v round %d: token header %s, want alg %s", header, round, raw, alg)
						}
						b.get("/api/me").want(t, 200, "")
						if calls := cc.count(func() { b.get("/api/me").want(t, 200, "") }); len(calls) != 0 {
							t.Errorf("header=%v round %d: a protected route made core calls: %v", header, round, calls)
						}
						b.post("/auth/session/refresh", nil).want(t, 200, "")
					}
					// A token whose signature is another key's is refused.
					parts := strings.Split(access(), ".")
					parts[2] = strings.Repeat("A", len(parts[2]))
					forged := strings.Join(parts, ".")
					b2 := a.browser(true)
					b2.access = forged
					if r := b2.get("/api/me"); r.code != 401 {
						t.Errorf("header=%v: a forged %s token got %d %s", header, alg, r.code, r.raw)
					}
				}
			})
		})
	}
}

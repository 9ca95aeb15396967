package jwt_test

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"

	"github.com/latchkey-dev/latchkey/core"
	"github.com/latchkey-dev/latchkey/core/coretest"
)

const apiKey = "test-api-key-0123456789"

type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }

func (c *clock) Advance(d time.Duration) { c.mu.Lock(); defer c.mu.Unlock(); c.now = c.now.Add(d) }

// runWithClock runs fn for every coretest mode, each on its own core with
// its own clock and an api key.
func runWithClock(t *testing.T, fn func(t *testing.T, c *coretest.Client, clk *clock)) {
	t.Helper()
	for _, m := range coretest.Modes() {
		t.Run(m.String(), func(t *testing.T) {
			t.Parallel()
			clk := &clock{now: time.UnixMilli(1_750_000_000_000)}
			c := coretest.Start(t, m, func(cfg *core.Config) {
				cfg.Now = clk.Now
				cfg.APIKeys = []string{apiKey}
			})
			c.Header.Set("api-key", apiKey)
			fn(t, c, clk)
		})
	}
}

func jwks(t *testing.T, c *coretest.Client) (jose.JSONWebKeySet, *coretest.Response) {
	t.Helper()
	r := c.Get(t, "/.well-known/jwks.json", "api-key", "")
	if r.Code != 200 {
		t.Fatalf("jwks: %d %s", r.Code, r.Body)
	}
	var set jose.JSONWebKeySet
	if err := json.Unmarshal(r.Body, &set); err != nil {
		t.Fatal(err)
	}
	return set, r
}

func TestJWKS(t *testing.T) {
	runWithClock(t, func(t *testing.T, c *coretest.Client, clk *clock) {
		set, r := jwks(t, c)
		if got := r.Header.Get("Cache-Control"); got != fmt.Sprintf("max-age=%d, must-revalidate", 168*3600-60) {
			t.Errorf("Cache-Control %q", got)
		}
		var raw struct {
			Keys []map[string]string `json:"keys"`
		}
		_ = json.Unmarshal(r.Body, &raw)
		if len(raw.Keys) != 2 || !strings.HasPrefix(raw.Keys[0]["kid"], "d-") || !strings.HasPrefix(raw.Keys[1]["kid"], "s-") {
			t.Fatalf("keys %v", raw.Keys)
		}
		for _, k := range raw.Keys {
			if len(k) != 6 || k["kty"] != "RSA" || k["alg"] != "RS256" || k["use"] != "sig" || k["e"] != "AQAB" {
				t.Errorf("JWK %v", k)
			}
		}
		if raw.Keys[0]["kid"] != fmt.Sprintf("d-%d", clk.Now().UnixMilli()) {
			t.Errorf("dynamic kid %s", raw.Keys[0]["kid"])
		}
		if len(set.Keys) != 2 {
			t.Errorf("go-jose reads %d keys", len(set.Keys))
		}

		// Only /.well-known/jwks.json goes without an api key.
		if r := c.Get(t, "/recipe/jwt/jwks", "api-key", ""); r.Code != 401 {
			t.Errorf("/recipe/jwt/jwks without key: %d", r.Code)
		}
		m := c.Get(t, "/recipe/jwt/jwks").JSON(t)
		if m["status"] != "OK" || len(m["keys"].([]any)) != 2 {
			t.Errorf("/recipe/jwt/jwks: %v", m)
		}
		// The node SDK sends no cdi-version here, but one it does not know
		// must not matter either.
		if r := c.Get(t, "/.well-known/jwks.json", "api-key", "", "cdi-version", "9.9"); r.Code != 200 {
			t.Errorf("jwks with an unknown cdi-version: %d %s", r.Code, r.Body)
		}
		clk.Advance(168*time.Hour - 70*time.Second)
		if _, r := jwks(t, c); r.Header.Get("Cache-Control") != "max-age=10, must-revalidate" {
			t.Errorf("Cache-Control near rotation %q", r.Header.Get("Cache-Control"))
		}
	})
}

// TestKeyRotation walks a dynamic key through its life with the clock: a
// successor 60 s before the signing period ends, listed before it signs;
// the old key signs until the successor is 60 s old and verifies for
// U + 2V.
func TestKeyRotation(t *testing.T) {
	runWithClock(t, func(t *testing.T, c *coretest.Client, clk *clock) {
		const U, V = 168 * time.Hour, time.Hour
		first := kidOf(t, createJWT(t, c, false))
		k0 := fmt.Sprintf("d-%d", clk.Now().UnixMilli())
		if first != k0 {
			t.Fatalf("first key %s, want %s", first, k0)
		}
		clk.Advance(U - 60*time.Second - time.Millisecond)
		if kid := kidOf(t, createJWT(t, c, false)); kid != k0 {
			t.Errorf("just before the successor is due: signed with %s", kid)
		}
		clk.Advance(time.Millisecond)
		k1 := fmt.Sprintf("d-%d", clk.Now().UnixMilli())
		if kid := kidOf(t, createJWT(t, c, false)); kid != k0 {
			t.Errorf("new key signed at once: %s", kid)
		}
		set, r := jwks(t, c)
		if len(set.Keys) != 3 || set.Keys[0].KeyID != k1 || set.Keys[1].KeyID != k0 {
			t.Errorf("JWKS after rotation: %s", r.Body)
		}
		if r.Header.Get("Cache-Control") != fmt.Sprintf("max-age=%d, must-revalidate", int((U-60*time.Second)/time.Second)) {
			t.Errorf("Cache-Control %q", r.Header.Get("Cache-Control"))
		}
		clk.Advance(60 * time.Second)
		if kid := kidOf(t, createJWT(t, c, false)); kid != k1 {
			t.Errorf("after 60 s: signed with %s, want %s", kid, k1)
		}
		// k0 verifies until U + 2V after it was made, then leaves the JWKS.
		clk.Advance(2*V - time.Second)
		if set, _ := jwks(t, c); len(set.Key(k0)) != 1 {
			t.Errorf("k0 left the JWKS before U+2V")
		}
		clk.Advance(time.Second)
		if set, _ := jwks(t, c); len(set.Key(k0)) != 0 {
			t.Errorf("k0 still in the JWKS after U+2V")
		}
		// Cleanup deletes it from the store once it is strictly older.
		clk.Advance(time.Millisecond)
		c.Core.CleanupOnce(t.Context())
		keys, err := c.Store.DynamicSigningKeys(t.Context())
		if err != nil || len(keys) != 1 || keys[0].ID != k1 {
			t.Errorf("stored keys after cleanup: %v %v", keys, err)
		}
	})
}

func createJWT(t *testing.T, c *coretest.Client, static bool) string {
	t.Helper()
	m := c.Post(t, "/recipe/jwt", map[string]any{"algorithm": "RS256", "jwksDomain": "https://api.example.com",
		"payload": map[string]any{"a": 1}, "validity": 60, "useStaticSigningKey": static}).JSON(t)
	if m["status"] != "OK" {
		t.Fatalf("create JWT: %v", m)
	}
	return m["jwt"].(string)
}

func kidOf(t *testing.T, token string) string {
	t.Helper()
	sig, err := jose.ParseSignedCompact(token, []jose.SignatureAlgorithm{jose.RS256})
	if err != nil {
		t.Fatal(err)
	}
	return sig.Signatures[0].Header.KeyID
}

func TestCreateJWT(t *testing.T) {
	runWithClock(t, func(t *testing.T, c *coretest.Client, clk *clock) {
		for _, static := range []bool{true, false} {
			body := map[string]any{"algorithm": "rs256", "jwksDomain": "https://api.example.com",
				"payload": map[string]any{"sub": "u1", "nested": map[string]any{"x": 1}}, "validity": 600}
			if !static {
				body["useStaticSigningKey"] = false
			}
			m := c.Post(t, "/recipe/jwt", body).JSON(t)
			if m["status"] != "OK" || len(m) != 2 {
				t.Fatalf("create: %v", m)
			}
			token := m["jwt"].(string)
			set, _ := jwks(t, c)
			sig, err := jose.ParseSignedCompact(token, []jose.SignatureAlgorithm{jose.RS256})
			if err != nil {
				t.Fatal(err)
			}
			kid := sig.Signatures[0].Header.KeyID
			if static != strings.HasPrefix(kid, "s-") {
				t.Errorf("static=%v: kid %s", static, kid)
			}
			payload, err := sig.Verify(set.Key(kid)[0])
			if err != nil {
				t.Fatalf("go-jose: %v", err)
			}
			now := clk.Now().Unix()
			want := fmt.Sprintf(`{"nested":{"x":1},"sub":"u1","iss":"https://api.example.com","iat":%d,"exp":%d}`, now, now+600)
			if string(payload) != want {
				t.Errorf("payload %s, want %s", payload, want)
			}
			rawHeader, _ := base64.RawURLEncoding.DecodeString(strings.Split(token, ".")[0])
			if string(rawHeader) != `{"alg":"RS256","typ":"JWT","kid":"`+kid+`"}` {
				t.Errorf("header %s", rawHeader)
			}
		}
		// A payload's own iss wins.
		m := c.Post(t, "/recipe/jwt", map[string]any{"algorithm": "RS256", "jwksDomain": "https://d", "payload": map[string]any{"iss": "mine"}, "validity": 1}).JSON(t)
		if cl := payloadOf(t, m["jwt"].(string)); cl["iss"] != "mine" {
			t.Errorf("iss %v", cl["iss"])
		}

		ok := map[string]any{"algorithm": "RS256", "jwksDomain": "https://d", "payload": map[string]any{}, "validity": 10}
		with := func(k string, v any) map[string]any {
			out := map[string]any{}
			for key, val := range ok {
				out[key] = val
			}
			if v == nil {
				delete(out, k)
			} else {
				out[k] = v
			}
			return out
		}
		for _, s := range []struct {
			name     string
			body     any
			code     int
			wantText string
			wantJSON string
		}{
			{"HS256", with("algorithm", "HS256"), 200, "", `map[status:UNSUPPORTED_ALGORITHM_ERROR]`},
			{"no algorithm", with("algorithm", nil), 400, "Field name 'algorithm' is invalid in JSON input", ""},
			{"no jwksDomain", with("jwksDomain", nil), 400, "Field name 'jwksDomain' is invalid in JSON input", ""},
			{"no payload", with("payload", nil), 400, "Field name 'payload' is invalid in JSON input", ""},
			{"array payload", with("payload", []int{}), 400, "Field name 'payload' is invalid in JSON input", ""},
			{"no validity", with("validity", nil), 400, "Field name 'validity' is invalid in JSON input", ""},
			{"fractional validity", with("validity", 1.5), 400, "Field name 'validity' is invalid in JSON input", ""},
			{"zero validity", with("validity", 0), 400, "validity must be greater than or equal to 0", ""},
			{"negative validity", with("validity", -5), 400, "validity must be greater than or equal to 0", ""},
			{"huge validity", with("validity", int64(1)<<62), 400, "validity is too large", ""},
			{"string useStaticSigningKey", with("useStaticSigningKey", "yes"), 400, "Field name 'useStaticSigningKey' is invalid in JSON input", ""},
			{"bad JSON", "{", 400, "Invalid Json Input", ""},
		} {
			r := c.Post(t, "/recipe/jwt", s.body)
			if r.Code != s.code {
				t.Errorf("%s: %d %s", s.name, r.Code, r.Body)
				continue
			}
			if s.wantText != "" && r.Text() != s.wantText {
				t.Errorf("%s: %q", s.name, r.Text())
			}
			if s.wantJSON != "" && fmt.Sprint(r.JSON(t)) != s.wantJSON {
				t.Errorf("%s: %s", s.name, r.Body)
			}
		}
	})
}

func payloadOf(t *testing.T, token string) map[string]any {
	t.Helper()
	raw, _ := base64.RawURLEncoding.DecodeString(strings.Split(token, ".")[1])
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

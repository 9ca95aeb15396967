package session_test

import (
	"encoding/json"
	"strings"
	"testing"

	jose "github.com/go-jose/go-jose/v4"

	"github.com/latchkey-dev/latchkey/core"
	"github.com/latchkey-dev/latchkey/core/coretest"
)

// TestSigningAlgorithms: a core set to sign access tokens with ES256 or
// EdDSA publishes keys of that type in the JWKS (kty, crv, alg, kid), signs
// tokens an independent library (go-jose) verifies with them, and verifies
// and refreshes them itself, with dynamic and static keys. POST
// /recipe/jwt stays RS256.
func TestSigningAlgorithms(t *testing.T) {
	for _, s := range []struct {
		alg, kty, crv string
		jose          jose.SignatureAlgorithm
	}{
		{"RS256", "RSA", "", jose.RS256},
		{"ES256", "EC", "P-256", jose.ES256},
		{"EdDSA", "OKP", "Ed25519", jose.EdDSA},
	} {
		t.Run(s.alg, func(t *testing.T) {
			coretest.Run(t, func(t *testing.T, c *coretest.Client) {
				for _, dynamic := range []bool{true, false} {
					sess := createSession(t, c, map[string]any{"userId": "u-9", "useDynamicSigningKey": dynamic})
					var set struct {
						Keys []map[string]any `json:"keys"`
					}
					jwks := c.Get(t, "/.well-known/jwks.json")
					if err := json.Unmarshal(jwks.Body, &set); err != nil {
						t.Fatal(err)
					}
					sig, err := jose.ParseSignedCompact(sess.AccessToken, []jose.SignatureAlgorithm{s.jose})
					if err != nil {
						t.Fatalf("dynamic=%v: %v", dynamic, err)
					}
					kid := sig.Signatures[0].Header.KeyID
					var jwk map[string]any
					for _, k := range set.Keys {
						if k["kid"] == kid {
							jwk = k
						}
					}
					if jwk == nil || jwk["kty"] != s.kty || jwk["alg"] != s.alg || jwk["use"] != "sig" || s.crv != "" && jwk["crv"] != s.crv {
						t.Fatalf("dynamic=%v: JWK of %s: %v in %s", dynamic, kid, jwk, jwks.Body)
					}
					if dynamic != strings.HasPrefix(kid, "d-") {
						t.Errorf("kid %s for dynamic=%v", kid, dynamic)
					}
					var key jose.JSONWebKey
					raw, _ := json.Marshal(jwk)
					if err := key.UnmarshalJSON(raw); err != nil {
						t.Fatalf("go-jose reads the JWK %s: %v", raw, err)
					}
					if _, err := sig.Verify(key); err != nil {
						t.Fatalf("go-jose: %v", err)
					}
					if m := verify(t, c, sess.AccessToken, map[string]any{"checkDatabase": true}); m["status"] != "OK" {
						t.Fatalf("verify: %v", m)
					}
					m := refresh(t, c, sess.RefreshToken, map[string]any{"useDynamicSigningKey": dynamic})
					if m["status"] != "OK" {
						t.Fatalf("refresh: %v", m)
					}
					next := parseTokens(t, m)
					if _, err := jose.ParseSignedCompact(next.AccessToken, []jose.SignatureAlgorithm{s.jose}); err != nil {
						t.Fatalf("refreshed token: %v", err)
					}
					if m := verify(t, c, next.AccessToken, nil); m["status"] != "OK" {
						t.Fatalf("verify refreshed: %v", m)
					}
				}
				jwt := c.Post(t, "/recipe/jwt", map[string]any{"payload": map[string]any{}, "algorithm": "RS256", "jwksDomain": "http://x", "validity": 60})
				if tok, _ := jwt.JSON(t)["jwt"].(string); tok == "" {
					t.Fatalf("jwt: %s", jwt.Body)
				} else if _, err := jose.ParseSignedCompact(tok, []jose.SignatureAlgorithm{jose.RS256}); err != nil {
					t.Errorf("POST /recipe/jwt is not RS256: %v", err)
				}
			}, func(cfg *core.Config) { cfg.AccessTokenSigningAlgorithm = s.alg })
		})
	}
}

func TestSigningAlgorithmSetting(t *testing.T) {
	t.Parallel()
	for _, alg := range []string{"HS256", "none", "es256", "ES384"} {
		_, err := core.New(core.Config{Store: coretest.OpenStore(t, "sqlite"), AccessTokenSigningAlgorithm: alg, CleanupInterval: -1})
		if err == nil || !strings.Contains(err.Error(), "AccessTokenSigningAlgorithm must be RS256, ES256 or EdDSA") {
			t.Errorf("%q: %v", alg, err)
		}
	}
}

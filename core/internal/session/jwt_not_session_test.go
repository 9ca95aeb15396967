package session_test

import (
	"testing"

	"github.com/latchkey-dev/latchkey/core/coretest"
)

// TestJWTIsNotASession signs, with POST /recipe/jwt, tokens whose payload
// copies every claim of a real session's access token (user, handle,
// refresh-token hash), with either kind of key, and checks that the
// session verify refuses them, with and without checkDatabase: a JWT the
// core signs for other uses must not pass as a session of any user.
func TestJWTIsNotASession(t *testing.T) {
	coretest.Run(t, func(t *testing.T, c *coretest.Client) {
		s := createSession(t, c, map[string]any{"userId": "victim"})
		if m := verify(t, c, s.AccessToken, nil); m["status"] != "OK" {
			t.Fatalf("the session's own token: %v", m)
		}
		payload := claims(t, s.AccessToken)
		delete(payload, "exp")
		delete(payload, "iat")
		for _, static := range []bool{false, true} {
			r := c.Post(t, "/recipe/jwt", map[string]any{"payload": payload, "algorithm": "RS256",
				"jwksDomain": "http://localhost", "validity": 3600, "useStaticSigningKey": static})
			if r.Status(t) != "OK" {
				t.Fatalf("create JWT: %s", r.Body)
			}
			jwt, _ := r.JSON(t)["jwt"].(string)
			for _, checkDB := range []bool{false, true} {
				m := verify(t, c, jwt, map[string]any{"checkDatabase": checkDB})
				if m["status"] != "TRY_REFRESH_TOKEN" {
					t.Errorf("a JWT (static key %v) verified as a session (checkDatabase %v): %v", static, checkDB, m)
				}
			}
		}
	})
}

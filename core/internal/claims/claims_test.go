package claims_test

import (
	"testing"

	"github.com/latchkey-dev/latchkey/core/coretest"
)

func TestClaims(t *testing.T) {
	coretest.Run(t, func(t *testing.T, c *coretest.Client) {
		signUp := func(email string) string {
			m := c.Post(t, "/public/recipe/signup", map[string]string{"email": email, "password": "pass-word-1"}).JSON(t)
			return m["user"].(map[string]any)["id"].(string)
		}
		alice, bob := signUp("alice@example.com"), signUp("bob@example.com")
		tok := c.Post(t, "/public/recipe/user/email/verify/token", map[string]string{"userId": alice, "email": "alice@example.com"}).JSON(t)["token"].(string)
		if s := c.Post(t, "/public/recipe/user/email/verify", map[string]string{"method": "token", "token": tok}).Status(t); s != "OK" {
			t.Fatalf("verify: %s", s)
		}
		for _, s := range []struct {
			method, path string
			body         any
		}{
			{"PUT", "/recipe/role", map[string]any{"role": "admin", "permissions": []string{"write", "read"}}},
			{"PUT", "/recipe/role", map[string]any{"role": "viewer", "permissions": []string{"read", "view"}}},
			{"PUT", "/recipe/user/role", map[string]any{"userId": alice, "role": "admin"}},
			{"PUT", "/recipe/user/role", map[string]any{"userId": alice, "role": "viewer"}},
		} {
			if st := c.Do(t, s.method, s.path, s.body).Status(t); st != "OK" {
				t.Fatalf("%s %s: %s", s.method, s.path, st)
			}
		}
		all := "&include=emailVerified,roles,permissions"
		for _, s := range []struct {
			name, path string
			code       int
			want       string // exact body: JSON for 200, text otherwise
		}{
			{"verified, two roles", "/recipe/user/claims?userId=" + alice + all, 200, `{"emailVerified":true,"permissions":["write","read","view"],"roles":["admin","viewer"],"status":"OK"}`},
			{"public tenant prefix", "/public/recipe/user/claims?userId=" + alice + all, 200, `{"emailVerified":true,"permissions":["write","read","view"],"roles":["admin","viewer"],"status":"OK"}`},
			{"unverified, no roles", "/recipe/user/claims?userId=" + bob + all, 200, `{"emailVerified":false,"permissions":[],"roles":[],"status":"OK"}`},
			{"only some", "/recipe/user/claims?userId=" + alice + "&include=roles", 200, `{"roles":["admin","viewer"],"status":"OK"}`},
			{"unknown names left out", "/recipe/user/claims?userId=" + bob + "&include=emailVerified,shoeSize", 200, `{"emailVerified":false,"status":"OK"}`},
			{"nothing asked", "/recipe/user/claims?userId=" + bob, 200, `{"status":"OK"}`},
			{"unknown user counts as verified", "/recipe/user/claims?userId=nobody" + all, 200, `{"emailVerified":true,"permissions":[],"roles":[],"status":"OK"}`},
			{"no user id", "/recipe/user/claims?include=roles", 400, "Field name 'userId' is missing in GET request"},
			{"empty user id", "/recipe/user/claims?userId=%20&include=roles", 400, "Field name 'userId' cannot be an empty String"},
		} {
			r := c.Get(t, s.path)
			if got := r.Text(); r.Code != s.code || got != s.want {
				t.Errorf("%s: %d %s, want %d %s", s.name, r.Code, got, s.code, s.want)
			}
		}
	})
}

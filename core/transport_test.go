package core_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/latchkey-dev/latchkey/core"
	"github.com/latchkey-dev/latchkey/core/coretest"
)

const testKey = "test-key-0123456789-abcdef"

// TestTransport checks the CDI transport rules of reference §1: prefixes,
// api-key, cdi-version, 404/405, bad input and the body cap.
func TestTransport(t *testing.T) {
	signup := `{"email":"t@example.com","password":"pw123456"}`
	wrong := `{"email":"t@example.com","password":"wrong-password"}`
	cases := []struct {
		name       string
		method     string
		path       string
		body       string
		header     []string
		wantCode   int
		wantText   string // exact text body, when set
		wantStatus string // JSON status, when set
	}{
		{name: "hello", method: "GET", path: "/hello", wantCode: 200, wantText: "Hello"},
		{name: "hello post", method: "POST", path: "/hello", wantCode: 200, wantText: "Hello"},
		{name: "hello trailing slash", method: "GET", path: "/hello/", wantCode: 200, wantText: "Hello"},
		{name: "root", method: "GET", path: "/", wantCode: 200, wantText: "Hello"},
		{name: "root with prefixes", method: "GET", path: "/appid-public/public", wantCode: 200, wantText: "Hello"},
		{name: "hello needs no key", method: "GET", path: "/hello", wantCode: 200},
		{name: "unknown path", method: "GET", path: "/nope.txt", header: []string{"api-key", testKey}, wantCode: 404, wantText: "Not found"},
		{name: "one segment is a tenant", method: "GET", path: "/nope", header: []string{"api-key", testKey}, wantCode: 400,
			wantText: "AppId or tenantId not found => Tenant with the following connectionURIDomain, appId and tenantId combination not found: (, public, nope)"},
		{name: "unknown deep path", method: "GET", path: "/recipe/nope/deeper", header: []string{"api-key", testKey}, wantCode: 404, wantText: "Not found"},
		{name: "wrong method", method: "DELETE", path: "/recipe/signup", header: []string{"api-key", testKey}, wantCode: 405, wantText: "Method not supported"},
		{name: "missing key", method: "POST", path: "/recipe/signup", body: signup, wantCode: 401, wantText: "Invalid API key"},
		{name: "wrong key", method: "POST", path: "/recipe/signup", body: signup, header: []string{"api-key", testKey + "x"}, wantCode: 401, wantText: "Invalid API key"},
		{name: "key prefix is not the key", method: "POST", path: "/recipe/signup", body: signup, header: []string{"api-key", testKey[:20]}, wantCode: 401},
		{name: "bearer key", method: "POST", path: "/recipe/signup", body: signup, header: []string{"Authorization", "bearer " + testKey}, wantCode: 200, wantStatus: "OK"},
		{name: "raw authorization key", method: "GET", path: "/user/search/tags", header: []string{"Authorization", testKey}, wantCode: 200, wantStatus: "OK"},
		{name: "apiversion needs the key", method: "GET", path: "/apiversion", wantCode: 401},
		{name: "jwks needs no key", method: "GET", path: "/.well-known/jwks.json", wantCode: 200},
		{name: "invalid cdi-version", method: "GET", path: "/user/search/tags", header: []string{"api-key", testKey, "cdi-version", "five"}, wantCode: 400, wantText: "cdi-version header is invalid"},
		{name: "cdi-version too new", method: "GET", path: "/user/search/tags", header: []string{"api-key", testKey, "cdi-version", "5.7"}, wantCode: 400, wantText: "cdi-version 5.7 not supported"},
		{name: "cdi-version 5.6 refused", method: "GET", path: "/user/search/tags", header: []string{"api-key", testKey, "cdi-version", "5.6"}, wantCode: 400, wantText: "cdi-version 5.6 not supported"},
		{name: "cdi-version too old", method: "GET", path: "/user/search/tags", header: []string{"api-key", testKey, "cdi-version", "3.1"}, wantCode: 400, wantText: "cdi-version 3.1 not supported"},
		{name: "cdi-version 5.4", method: "GET", path: "/user/search/tags", header: []string{"api-key", testKey, "cdi-version", "5.4"}, wantCode: 200, wantStatus: "OK"},
		{name: "hello ignores the version set", method: "GET", path: "/hello", header: []string{"cdi-version", "9.9"}, wantCode: 200},
		{name: "public tenant prefix", method: "POST", path: "/public/recipe/signin", body: signup, header: []string{"api-key", testKey}, wantCode: 200, wantStatus: "OK"},
		{name: "app and tenant prefix", method: "POST", path: "/appid-public/public/recipe/signin", body: wrong, header: []string{"api-key", testKey}, wantCode: 200, wantStatus: "WRONG_CREDENTIALS_ERROR"},
		{name: "prefixes are case-insensitive", method: "POST", path: "/APPID-Public/PUBLIC/Recipe/SignIn/", body: wrong, header: []string{"api-key", testKey}, wantCode: 200, wantStatus: "WRONG_CREDENTIALS_ERROR"},
		{name: "app prefix only", method: "GET", path: "/appid-public/users/count", header: []string{"api-key", testKey}, wantCode: 200, wantStatus: "OK"},
		{name: "unknown tenant", method: "GET", path: "/acme/users/count", header: []string{"api-key", testKey}, wantCode: 400,
			wantText: "AppId or tenantId not found => Tenant with the following connectionURIDomain, appId and tenantId combination not found: (, public, acme)"},
		{name: "unknown app", method: "GET", path: "/appid-acme/users/count", header: []string{"api-key", testKey}, wantCode: 400,
			wantText: "AppId or tenantId not found => App with the following connectionURIDomain and appId combination not found: (, acme)"},
		{name: "reserved word is no tenant", method: "GET", path: "/recipe/users/count", header: []string{"api-key", testKey}, wantCode: 404},
		{name: "malformed json", method: "POST", path: "/recipe/signup", body: `{"email":`, header: []string{"api-key", testKey}, wantCode: 400, wantText: "Invalid Json Input"},
		{name: "json array", method: "POST", path: "/recipe/signup", body: `[]`, header: []string{"api-key", testKey}, wantCode: 400, wantText: "Invalid Json Input"},
		{name: "empty body", method: "POST", path: "/recipe/signup", header: []string{"api-key", testKey}, wantCode: 400, wantText: "Invalid Json Input"},
		{name: "invalid utf-8", method: "POST", path: "/recipe/signup", body: "{\"email\":\"\xff\xfe\",\"password\":\"x\"}", header: []string{"api-key", testKey}, wantCode: 400, wantText: "Invalid Json Input"},
		{name: "number for a string", method: "POST", path: "/recipe/signup", body: `{"email":5,"password":"x"}`, header: []string{"api-key", testKey}, wantCode: 400, wantText: "Field name 'email' is invalid in JSON input"},
		{name: "missing field", method: "POST", path: "/recipe/signup", body: `{"email":"a@b.co"}`, header: []string{"api-key", testKey}, wantCode: 400, wantText: "Field name 'password' is invalid in JSON input"},
		{name: "null field", method: "POST", path: "/recipe/signup", body: `{"email":null,"password":"x"}`, header: []string{"api-key", testKey}, wantCode: 400, wantText: "Field name 'email' is invalid in JSON input"},
		{name: "oversized body", method: "POST", path: "/recipe/signup", body: `{"email":"` + strings.Repeat("a", 1<<20) + `","password":"x"}`, header: []string{"api-key", testKey}, wantCode: 413},
		{name: "NUL in a string", method: "POST", path: "/recipe/signup", body: `{"email":"a\u0000@b.co","password":"x"}`, header: []string{"api-key", testKey}, wantCode: 400, wantText: "Field name 'email' is invalid in JSON input"},
		{name: "NUL in a query", method: "GET", path: "/user/id?userId=%00", header: []string{"api-key", testKey}, wantCode: 400, wantText: "Invalid query string"},
		{name: "bad query escape", method: "GET", path: "/user/id?userId=%zz", header: []string{"api-key", testKey}, wantCode: 400},
		{name: "metrics need the key", method: "GET", path: "/metrics", wantCode: 401},
		{name: "metrics", method: "GET", path: "/metrics", header: []string{"api-key", testKey}, wantCode: 200},
	}
	coretest.Run(t, func(t *testing.T, c *coretest.Client) {
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				var body any
				if tc.body != "" {
					body = tc.body
				}
				r := c.Do(t, tc.method, tc.path, body, tc.header...)
				if r.Code != tc.wantCode {
					t.Fatalf("%s %s: got %d %q, want %d", tc.method, tc.path, r.Code, r.Body, tc.wantCode)
				}
				if tc.wantText != "" {
					if got := r.Text(); got != tc.wantText {
						t.Errorf("body = %q, want %q", got, tc.wantText)
					}
					if ct := r.Header.Get("Content-Type"); ct != "text/html; charset=UTF-8" {
						t.Errorf("Content-Type = %q", ct)
					}
				}
				if tc.wantStatus != "" {
					if got := r.Status(t); got != tc.wantStatus {
						t.Errorf("status = %q, want %q (%s)", got, tc.wantStatus, r.Body)
					}
				}
			})
		}
	}, func(cfg *core.Config) { cfg.APIKeys = []string{testKey, "second-key-abcdefghijkl"} })
}

func TestAPIVersion(t *testing.T) {
	c := coretest.New(t)
	r := c.Get(t, "/apiversion?apiDomain=http://localhost:3001&websiteDomain=http://localhost:3000")
	if r.Code != http.StatusOK {
		t.Fatalf("got %d %s", r.Code, r.Body)
	}
	var versions []string
	for _, v := range r.JSON(t)["versions"].([]any) {
		versions = append(versions, v.(string))
	}
	if !slices.Contains(versions, "5.4") {
		t.Errorf("versions %v lack 5.4", versions)
	}
	if _, has := r.JSON(t)["status"]; has {
		t.Errorf("apiversion has a status field: %s", r.Body)
	}
}

func TestNoKeyConfiguredMeansOpen(t *testing.T) {
	c := coretest.New(t)
	if r := c.Get(t, "/users/count"); r.Status(t) != "OK" {
		t.Fatalf("got %s", r.Body)
	}
}

func TestRequestID(t *testing.T) {
	c := coretest.New(t)
	r := c.Get(t, "/hello", "X-Request-Id", "abc123")
	if got := r.Header.Get("X-Request-Id"); got != "abc123" {
		t.Errorf("X-Request-Id = %q, want the caller's", got)
	}
	if r := c.Get(t, "/hello"); r.Header.Get("X-Request-Id") == "" {
		t.Error("no X-Request-Id made up")
	}
}

func TestConfigValidation(t *testing.T) {
	st := coretest.OpenStore(t, "sqlite")
	bad := -0.5
	cases := []struct {
		name string
		cfg  core.Config
		want []string
	}{
		{"no store", core.Config{}, []string{"Store is required"}},
		{"short key", core.Config{Store: st, APIKeys: []string{"short"}}, []string{"API key 1 is invalid"}},
		{"bad key chars", core.Config{Store: st, APIKeys: []string{"has spaces in it but is long enough"}}, []string{"API key 1 is invalid"}},
		{"several problems at once", core.Config{Store: st, AccessTokenValidityJitter: &bad, PasswordHashing: core.PasswordHashing{Algorithm: "md5"}},
			[]string{"AccessTokenValidityJitter", "Algorithm must be BCRYPT or ARGON2"}},
		{"refresh shorter than access", core.Config{Store: st, AccessTokenValidity: 7200e9, RefreshTokenValidity: 3600e9}, []string{"RefreshTokenValidity"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, err := core.New(tc.cfg)
			if err == nil {
				c.Close()
				t.Fatal("New accepted a bad config")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
		})
	}
}

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
					if ct := r.Header.Get("Content-Type"); ct != "text/plain; charset=UTF-8" {
						t.Errorf("Content-Type = %q", ct)
					}
					if n := r.Header.Get("X-Content-Type-Options"); n != "nosniff" {
						t.Errorf("X-Content-Type-Options = %q", n)
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

// TestBrowsersRefused: the core is for servers. A page the operator opens
// must not drive it (issue 11, finding 4): a request with an Origin that
// is not allowed, or that the browser marks cross-site or same-site, is
// refused before any handler runs; official SDKs send neither (Node's
// fetch sends only Sec-Fetch-Mode: cors).
func TestBrowsersRefused(t *testing.T) {
	account := `{"email":"evil@example.com","password":"pass-word-1"}`
	cases := []struct {
		name     string
		header   []string
		wantCode int
	}{
		{"an SDK (no browser marks)", nil, 200},
		{"node's fetch", []string{"Sec-Fetch-Mode", "cors"}, 200},
		{"cross-origin page", []string{"Origin", "http://evil.example"}, 403},
		{"opaque origin", []string{"Origin", "null"}, 403},
		{"localhost page on another port", []string{"Origin", "http://localhost:8080", "Sec-Fetch-Site", "same-site"}, 403},
		{"cross-site without Origin", []string{"Sec-Fetch-Site", "cross-site"}, 403},
		{"same-site without Origin", []string{"Sec-Fetch-Site", "same-site"}, 403},
		{"typed in the address bar", []string{"Sec-Fetch-Site", "none"}, 200},
		{"allowed origin", []string{"Origin", "https://Admin.Example.com", "Sec-Fetch-Site", "cross-site"}, 200},
	}
	coretest.Run(t, func(t *testing.T, c *coretest.Client) {
		for i, tc := range cases {
			body := strings.Replace(account, "evil@", strings.Repeat("x", i)+"evil@", 1)
			r := c.Do(t, "POST", "/recipe/dashboard/user", body, tc.header...)
			if r.Code != tc.wantCode {
				t.Errorf("%s: %d %q, want %d", tc.name, r.Code, r.Body, tc.wantCode)
			}
			if tc.wantCode == 403 && (!strings.HasPrefix(r.Text(), "Requests from web browsers are refused") || r.Header.Get("Content-Type") != "text/plain; charset=UTF-8") {
				t.Errorf("%s: %s %q", tc.name, r.Header.Get("Content-Type"), r.Body)
			}
		}
		// Only the accepted requests made accounts.
		if r := c.Get(t, "/recipe/dashboard/users"); strings.Count(string(r.Body), `"userId"`) != 4 {
			t.Errorf("accounts after the attempts, want 4: %s", r.Body)
		}
	}, func(cfg *core.Config) { cfg.AllowedOrigins = []string{"https://admin.example.com/"} })
}

// TestBodiesMustBeJSON: a body that is not labelled application/json is
// refused with 415, so that no form or text/plain post reaches a handler.
// Calls without a body (GET, DELETE with a query) need no Content-Type.
func TestBodiesMustBeJSON(t *testing.T) {
	body := `{"email":"json@example.com","password":"pass-word-1"}`
	coretest.Run(t, func(t *testing.T, c *coretest.Client) {
		for _, tc := range []struct {
			contentType string
			wantCode    int
		}{
			{"text/plain", 415},
			{"text/plain;charset=UTF-8", 415},
			{"application/x-www-form-urlencoded", 415},
			{"multipart/form-data; boundary=x", 415},
			{"", 415},
			{"application/json;;", 415},
			{"Application/JSON; charset=utf-8", 200},
		} {
			r := c.Do(t, "POST", "/recipe/signup", body, "Content-Type", tc.contentType)
			if r.Code != tc.wantCode {
				t.Errorf("Content-Type %q: %d %q, want %d", tc.contentType, r.Code, r.Body, tc.wantCode)
			}
			if tc.wantCode == 415 && r.Text() != "Send the request body as JSON, with Content-Type: application/json" {
				t.Errorf("Content-Type %q: message %q", tc.contentType, r.Body)
			}
		}
		if r := c.Do(t, "GET", "/users/count", nil, "Content-Type", "text/plain"); r.Code != 200 {
			t.Errorf("GET without a body: %d %s", r.Code, r.Body)
		}
	})
}

// TestKeylessHostNames: without an API key, DNS rebinding would let a page
// read the core under the page's own host name; only loopback names and
// AllowedHosts are served. With a key, any Host is.
func TestKeylessHostNames(t *testing.T) {
	do := func(t *testing.T, c *coretest.Client, path, host string) int {
		t.Helper()
		req, err := http.NewRequestWithContext(t.Context(), "GET", c.URL+path, nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Host = host
		resp, err := c.HTTP.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	keyless := coretest.New(t, func(cfg *core.Config) { cfg.AllowedHosts = []string{"Core.Internal"} })
	for _, tc := range []struct {
		host string
		want int
	}{
		{"127.0.0.1:3567", 200},
		{"127.8.9.10", 200},
		{"[::1]:3567", 200},
		{"localhost:3567", 200},
		{"LOCALHOST.", 200},
		{"core.localhost", 200},
		{"core.internal:3567", 200},
		{"rebind.evil.example:3567", 403},
		{"10.0.0.5:3567", 403},
		{"0.0.0.0:3567", 403},
		{"localhost.evil.example", 403},
	} {
		if got := do(t, keyless, "/users/count", tc.host); got != tc.want {
			t.Errorf("keyless, Host %s: %d, want %d", tc.host, got, tc.want)
		}
	}
	// /hello needs no key, so load balancers may probe it by any name.
	if got := do(t, keyless, "/hello", "10.0.0.5:3567"); got != 200 {
		t.Errorf("keyless /hello by IP: %d", got)
	}
	keyed := coretest.New(t, func(cfg *core.Config) { cfg.APIKeys = []string{testKey} })
	keyed.Header.Set("api-key", testKey)
	req, _ := http.NewRequestWithContext(t.Context(), "GET", keyed.URL+"/users/count", nil)
	req.Host, req.Header = "auth.example.com", keyed.Header
	resp, err := keyed.HTTP.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Errorf("with a key, Host auth.example.com: %d", resp.StatusCode)
	}
}

// TestAllowedNamesAreChecked: a malformed AllowedHosts or AllowedOrigins
// entry is a configuration error, not a silent non-match.
func TestAllowedNamesAreChecked(t *testing.T) {
	for _, cfg := range []core.Config{
		{AllowedHosts: []string{"http://core.internal"}},
		{AllowedHosts: []string{"core.internal:3567"}},
		{AllowedOrigins: []string{"admin.example.com"}},
		{AllowedOrigins: []string{"https://admin.example.com/path"}},
	} {
		cfg.Store = coretest.OpenStore(t, "sqlite")
		if _, err := core.New(cfg); err == nil {
			t.Errorf("core.New(%v, %v) accepted", cfg.AllowedHosts, cfg.AllowedOrigins)
		}
	}
}

package dashboard_test

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"path"
	"regexp"
	"strings"
	"testing"

	"github.com/latchkey-dev/latchkey"
	"github.com/latchkey-dev/latchkey/recipe/dashboard"
	"github.com/latchkey-dev/latchkey/recipe/emailpassword"
	"github.com/latchkey-dev/latchkey/recipe/session"
	"github.com/latchkey-dev/latchkey/recipe/usermetadata"
	webui "github.com/latchkey-dev/latchkey/web/dashboard"
)

// noCore is a core that no test here should reach: serving the UI needs
// none.
var noCore = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
	http.Error(w, "the UI tests must not call the core: "+r.URL.Path, http.StatusTeapot)
})

// setup configures the SDK with the dashboard; tweak adjusts the config.
func setup(t *testing.T, cfg dashboard.Config, tweak ...func(*latchkey.Config)) http.Handler {
	t.Helper()
	c := latchkey.Config{
		AppInfo: latchkey.AppInfo{AppName: "Test", APIDomain: "http://localhost:8080", WebsiteDomain: "http://localhost:3000"},
		Core:    latchkey.CoreConfig{Handler: noCore},
		Recipes: []latchkey.Recipe{session.New(session.Config{}), emailpassword.New(emailpassword.Config{}), dashboard.New(cfg)},
	}
	for _, f := range tweak {
		f(&c)
	}
	lk, err := latchkey.New(c)
	if err != nil {
		t.Fatalf("latchkey.New: %v", err)
	}
	return lk.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusTeapot) // the application's own handler
	}))
}

func get(h http.Handler, method, target string, header ...string) *httptest.ResponseRecorder {
	r := httptest.NewRequest(method, target, nil)
	for i := 0; i+1 < len(header); i += 2 {
		r.Header.Set(header[i], header[i+1])
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

// pageConfig extracts and decodes the #latchkey-config element.
func pageConfig(t *testing.T, body string) map[string]any {
	t.Helper()
	m := regexp.MustCompile(`<script type="application/json" id="latchkey-config">(.*?)</script>`).FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no latchkey-config element in:\n%s", body)
	}
	var cfg map[string]any
	if err := json.Unmarshal([]byte(m[1]), &cfg); err != nil {
		t.Fatalf("latchkey-config is not JSON: %v\n%s", err, m[1])
	}
	return cfg
}

func checkSecurityHeaders(t *testing.T, w *httptest.ResponseRecorder, wantCSP string) {
	t.Helper()
	if got := w.Header().Get("Content-Security-Policy"); got != wantCSP {
		t.Errorf("Content-Security-Policy = %q, want %q", got, wantCSP)
	}
	if got := w.Header().Get("X-Content-Type-Options"); got != "nosniff" {
		t.Errorf("X-Content-Type-Options = %q", got)
	}
	if got := w.Header().Get("Referrer-Policy"); got != "no-referrer" {
		t.Errorf("Referrer-Policy = %q", got)
	}
}

func TestPageIsServedForEveryUIPath(t *testing.T) {
	h := setup(t, dashboard.Config{})
	for _, p := range []string{
		"/auth/dashboard", "/auth/dashboard/", "/auth/dashboard/roles", "/auth/dashboard/tenants",
		"/auth/dashboard/users/0b6c6f1e-1111-4a4a-9c9c-123456789abc", "/auth/dashboard/a/b/c",
		"/auth/dashboard?userid=abc", "/auth/public/dashboard", "/auth/tenant-1/dashboard/roles",
		"/auth/Dashboard/Roles",
	} {
		t.Run(p, func(t *testing.T) {
			w := get(h, "GET", p)
			if w.Code != 200 {
				t.Fatalf("GET %s: %d %s", p, w.Code, w.Body)
			}
			if ct := w.Header().Get("Content-Type"); ct != "text/html; charset=utf-8" {
				t.Errorf("Content-Type = %q", ct)
			}
			if cc := w.Header().Get("Cache-Control"); cc != "no-cache" {
				t.Errorf("Cache-Control = %q, want no-cache", cc)
			}
			checkSecurityHeaders(t, w, dashboard.DefaultCSP)
			body := w.Body.String()
			if strings.Contains(body, "<!--latchkey:head-->") {
				t.Error("the placeholder is still there")
			}
			if !strings.Contains(body, `<base href="/auth/dashboard/">`) {
				t.Errorf("no <base href=\"/auth/dashboard/\">:\n%s", body)
			}
			if strings.Contains(body, "<script>") || strings.Contains(body, " style=") {
				t.Error("the page has inline script or style")
			}
		})
	}
	if w := get(h, "HEAD", "/auth/dashboard/roles"); w.Code != 200 || w.Body.Len() != 0 {
		t.Errorf("HEAD: %d, %d bytes", w.Code, w.Body.Len())
	}
}

func TestPageIsNotServedOutsideTheUI(t *testing.T) {
	h := setup(t, dashboard.Config{})
	for _, p := range []string{"/auth/dashboard/api/nope", "/auth/dashboard/api", "/auth/dashboardx", "/dashboard", "/auth/t/x/dashboard"} {
		if w := get(h, "GET", p); w.Code != http.StatusTeapot {
			t.Errorf("GET %s: %d, want the application's handler", p, w.Code)
		}
	}
	if w := get(h, "POST", "/auth/dashboard"); w.Code != http.StatusTeapot {
		t.Errorf("POST /auth/dashboard: %d, want the application's handler", w.Code)
	}
}

func TestPageConfig(t *testing.T) {
	h := setup(t, dashboard.Config{}, func(c *latchkey.Config) {
		c.Core = latchkey.CoreConfig{ConnectionURI: "http://core-a:3567/appid-x/; http://core-b:3567", APIKey: "secret"}
		c.Recipes = append(c.Recipes, usermetadata.New(usermetadata.Config{}))
	})
	cfg := pageConfig(t, get(h, "GET", "/auth/dashboard").Body.String())
	want := map[string]any{
		"dashboardPath":      "/auth/dashboard",
		"apiBasePath":        "/auth",
		"connectionURI":      "http://core-a:3567/appid-x",
		"authMode":           "email-password",
		"isSearchEnabled":    true,
		"coreAPIKeyRequired": true,
		"recipes": map[string]any{
			"emailpassword": true, "passwordless": false, "emailverification": false,
			"usermetadata": true, "userroles": false, "multitenancy": false,
		},
	}
	got, _ := json.Marshal(cfg)
	exp, _ := json.Marshal(want)
	if !bytes.Equal(got, exp) {
		t.Errorf("config:\n got %s\nwant %s", got, exp)
	}

	// API-key mode, an in-process core without a key, and the default
	// connection URI for the curl commands.
	h = setup(t, dashboard.Config{APIKey: "k-123"})
	cfg = pageConfig(t, get(h, "GET", "/auth/dashboard").Body.String())
	if cfg["authMode"] != "api-key" || cfg["coreAPIKeyRequired"] != false || cfg["connectionURI"] != "http://127.0.0.1:3567" {
		t.Errorf("api-key mode config: %v", cfg)
	}
}

func TestPageConfigIsEscaped(t *testing.T) {
	h := setup(t, dashboard.Config{ConnectionURI: `http://x/</script><script>alert(1)</script>&"`})
	body := get(h, "GET", "/auth/dashboard").Body.String()
	if strings.Contains(body, "alert(1)</script>") || strings.Contains(body, "<script>alert") {
		t.Fatalf("the connection URI escaped its element:\n%s", body)
	}
	if !strings.Contains(body, `\u003c/script\u003e\u003cscript\u003ealert(1)`) {
		t.Errorf("< and > are not written as \\u003c and \\u003e:\n%s", body)
	}
	if got := pageConfig(t, body)["connectionURI"]; got != `http://x/</script><script>alert(1)</script>&"` {
		t.Errorf("connectionURI decodes to %q", got)
	}
}

func TestPageUnderOtherBasePaths(t *testing.T) {
	for _, tc := range []struct{ base, gateway, request, wantBase string }{
		{"/", "", "/dashboard/roles", "/dashboard/"},
		{"/api/auth", "", "/api/auth/dashboard", "/api/auth/dashboard/"},
		{"/auth", "/stage", "/auth/dashboard", "/stage/auth/dashboard/"},
	} {
		t.Run(tc.base+tc.gateway, func(t *testing.T) {
			h := setup(t, dashboard.Config{}, func(c *latchkey.Config) {
				c.AppInfo.APIBasePath, c.AppInfo.APIGatewayPath = tc.base, tc.gateway
			})
			w := get(h, "GET", tc.request)
			if w.Code != 200 || !strings.Contains(w.Body.String(), `<base href="`+tc.wantBase+`">`) {
				t.Fatalf("GET %s: %d\n%s", tc.request, w.Code, w.Body)
			}
			cfg := pageConfig(t, w.Body.String())
			if cfg["dashboardPath"] != strings.TrimSuffix(tc.wantBase, "/") {
				t.Errorf("dashboardPath = %v", cfg["dashboardPath"])
			}
			// Assets are found below the same path.
			name := anAsset(t, ".js")
			if w := get(h, "GET", strings.TrimSuffix(tc.request, "/roles")+"/assets/"+name); w.Code != 200 {
				t.Errorf("asset: %d", w.Code)
			}
		})
	}
}

// anAsset returns the name of a built asset with the extension.
func anAsset(t *testing.T, ext string) string {
	t.Helper()
	entries, err := fs.ReadDir(webui.FS(), "assets")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if path.Ext(e.Name()) == ext {
			return e.Name()
		}
	}
	t.Fatalf("no %s asset in web/dashboard/dist/assets", ext)
	return ""
}

func TestAssets(t *testing.T) {
	h := setup(t, dashboard.Config{})
	types := map[string]string{".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8", ".svg": "image/svg+xml"}
	entries, err := fs.ReadDir(webui.FS(), "assets")
	if err != nil || len(entries) == 0 {
		t.Fatalf("no assets: %v", err)
	}
	for _, e := range entries {
		t.Run(e.Name(), func(t *testing.T) {
			want, _ := fs.ReadFile(webui.FS(), "assets/"+e.Name())
			w := get(h, "GET", "/auth/dashboard/assets/"+e.Name())
			if w.Code != 200 || !bytes.Equal(w.Body.Bytes(), want) {
				t.Fatalf("GET: %d, %d bytes, want %d", w.Code, w.Body.Len(), len(want))
			}
			if ct, ok := types[path.Ext(e.Name())]; ok && w.Header().Get("Content-Type") != ct {
				t.Errorf("Content-Type = %q, want %q", w.Header().Get("Content-Type"), ct)
			}
			if cc := w.Header().Get("Cache-Control"); cc != "public, max-age=31536000, immutable" {
				t.Errorf("Cache-Control = %q", cc)
			}
			checkSecurityHeaders(t, w, dashboard.DefaultCSP)

			gz := get(h, "GET", "/auth/dashboard/assets/"+e.Name(), "Accept-Encoding", "br, gzip")
			if gz.Header().Get("Content-Encoding") == "gzip" {
				zr, err := gzip.NewReader(gz.Body)
				if err != nil {
					t.Fatal(err)
				}
				plain, _ := io.ReadAll(zr)
				if !bytes.Equal(plain, want) {
					t.Error("the gzip copy differs from the file")
				}
				if gz.Header().Get("Vary") != "Accept-Encoding" {
					t.Errorf("Vary = %q", gz.Header().Get("Vary"))
				}
			} else if path.Ext(e.Name()) == ".js" {
				t.Error("the script is not served compressed to a client that takes gzip")
			}
		})
	}
	for _, p := range []string{"/auth/dashboard/assets/", "/auth/dashboard/assets/nope.js", "/auth/dashboard/assets/../index.html", "/auth/dashboard/assets/x/y.js"} {
		w := get(h, "GET", p)
		if w.Code != 404 {
			t.Errorf("GET %s: %d, want 404", p, w.Code)
		}
		checkSecurityHeaders(t, w, dashboard.DefaultCSP)
	}
}

func TestCSPOptions(t *testing.T) {
	h := setup(t, dashboard.Config{DisableCSP: true})
	checkSecurityHeaders(t, get(h, "GET", "/auth/dashboard"), "")
	h = setup(t, dashboard.Config{CSP: "default-src 'none'"})
	checkSecurityHeaders(t, get(h, "GET", "/auth/dashboard"), "default-src 'none'")
}

func TestBundleLocation(t *testing.T) {
	h := setup(t, dashboard.Config{BundleLocation: "https://cdn.jsdelivr.net/gh/supertokens/dashboard@v0.15/build/"})
	w := get(h, "GET", "/auth/dashboard/roles")
	body := w.Body.String()
	for _, want := range []string{
		`window.staticBasePath = "https://cdn.jsdelivr.net/gh/supertokens/dashboard@v0.15/build/static"`,
		`window.dashboardAppPath = "/auth/dashboard"`,
		`window.connectionURI = "http://127.0.0.1:3567"`,
		`window.authMode = "email-password"`,
		`window.isSearchEnabled = "true"`,
		`<script defer src="https://cdn.jsdelivr.net/gh/supertokens/dashboard@v0.15/build/static/js/bundle.js"></script>`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("page lacks %s:\n%s", want, body)
		}
	}
	m := regexp.MustCompile(`(?s)<script>(.*?)</script>`).FindStringSubmatch(body)
	sum := sha256.Sum256([]byte(m[1]))
	hash := "'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'"
	csp := w.Header().Get("Content-Security-Policy")
	if !strings.HasPrefix(csp, "default-src 'self'; script-src 'self' https://cdn.jsdelivr.net "+hash) {
		t.Errorf("CSP does not allow the inline script by its hash %s and the bundle's origin: %s", hash, csp)
	}
	if strings.Contains(csp, "unsafe-inline") {
		t.Errorf("CSP allows any inline script: %s", csp)
	}
	if w := get(h, "GET", "/auth/dashboard/assets/"+anAsset(t, ".js")); w.Code != 404 {
		t.Errorf("embedded assets are served in bundle mode: %d", w.Code)
	}
}

func TestConfigErrors(t *testing.T) {
	app := latchkey.AppInfo{AppName: "Test", APIDomain: "http://localhost:8080", WebsiteDomain: "http://localhost:3000"}
	for _, tc := range []struct {
		name    string
		recipes []latchkey.Recipe
		want    string
	}{
		{"key with a space", []latchkey.Recipe{session.New(session.Config{}), dashboard.New(dashboard.Config{APIKey: "a b"})}, "must not contain spaces"},
		{"key and admins", []latchkey.Recipe{session.New(session.Config{}), dashboard.New(dashboard.Config{APIKey: "k", Admins: []string{"a@b.co"}})}, "either Config.APIKey or Config.Admins"},
		{"blank admin", []latchkey.Recipe{session.New(session.Config{}), dashboard.New(dashboard.Config{Admins: []string{" "}})}, "Admins[0] is blank"},
		{"no session recipe", []latchkey.Recipe{dashboard.New(dashboard.Config{})}, "add session.New"},
		{"bad bundle", []latchkey.Recipe{session.New(session.Config{}), dashboard.New(dashboard.Config{BundleLocation: "ftp://x"})}, "BundleLocation"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := latchkey.New(latchkey.Config{AppInfo: app, Core: latchkey.CoreConfig{Handler: noCore}, Recipes: tc.recipes})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want one that says %q", err, tc.want)
			}
		})
	}
}

package e2e

import (
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/latchkey-dev/latchkey"
	"github.com/latchkey-dev/latchkey/core/coretest"
	"github.com/latchkey-dev/latchkey/internal/browsertest"
	"github.com/latchkey-dev/latchkey/recipe/emailpassword"
	"github.com/latchkey-dev/latchkey/recipe/session"
)

// TestWebJSTenant drives supertokens-web-js 0.16 in headless Chromium on
// the non-public tenant "acme" (its multitenancy recipe names the tenant):
// sign-up and sign-in under /auth/acme/, a session of acme reaching a
// protected route, acme's login methods, and the same credentials refused
// on "beta" and on "public".
func TestWebJSTenant(t *testing.T) {
	files := bundleFiles(t, "multitenancy")
	browsertest.Require(t, browsertest.ExecPath() != "", "chromium is not installed (apt-get install -y chromium)")
	page, err := os.ReadFile("testdata/webjs_tenant.html")
	if err != nil {
		t.Fatal(err)
	}
	site := http.NewServeMux()
	site.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write(page)
	})
	for name, path := range files {
		site.HandleFunc("GET "+name, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
			http.ServeFile(w, r, path)
		})
	}
	website := listenLocalhost(t, site)

	var api http.Handler
	apiURL := listenLocalhost(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { api.ServeHTTP(w, r) }))
	c := coretest.Start(t, coretest.Mode{Engine: "sqlite", InProcess: true})
	sess := session.New(session.Config{})
	lk, err := latchkey.New(latchkey.Config{
		AppInfo: latchkey.AppInfo{AppName: "E2E", APIDomain: apiURL, WebsiteDomain: website},
		Core:    latchkey.CoreConfig{Handler: c.Core},
		Recipes: []latchkey.Recipe{sess, emailpassword.New(emailpassword.Config{})},
		Logger:  slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn})),
	})
	if err != nil {
		t.Fatal(err)
	}
	// acme and beta offer email-password; closed offers nothing.
	factors, none := []string{"emailpassword"}, []string{}
	for id, ff := range map[string]*[]string{"acme": &factors, "beta": &factors, "closed": &none} {
		if _, err := lk.CreateOrUpdateTenant(t.Context(), id, latchkey.TenantConfig{FirstFactors: ff}); err != nil {
			t.Fatal(err)
		}
	}
	mux := http.NewServeMux()
	mux.Handle("GET /api/me", sess.VerifySession(nil, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s, _ := session.FromContext(r.Context())
		latchkey.WriteJSON(w, 200, map[string]any{"userId": s.UserID(), "tenantId": s.TenantID()})
	})))
	api = cors(website, lk, lk.Middleware(mux))

	b := browsertest.New(t)
	b.Allow = func(p string) bool {
		return strings.Contains(p, "status of 401") && strings.Contains(p, apiURL+"/auth/session/refresh")
	}
	if _, err := chromedp.Run(b.Ctx, chromedp.Navigate(website+"/")); err != nil {
		t.Fatal(err)
	}
	got, err := chromedp.Run(b.Ctx, chromedp.Evaluate[map[string]any](
		fmt.Sprintf("flow(%q, %q)", apiURL, "tenant-user@example.com"), chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("flow: %v (page problems: %v)", err, b.Problems())
	}
	t.Logf("web-js saw: %v", got)
	check := func(key string, want any) {
		t.Helper()
		if fmt.Sprint(got[key]) != fmt.Sprint(want) {
			t.Errorf("%s = %v, want %v", key, got[key], want)
		}
	}
	userID := got["signUpUserId"]
	check("signUp", "OK")
	check("signUpTenants", []any{"acme"})
	check("signIn", "OK")
	check("signInBeta", "WRONG_CREDENTIALS_ERROR")
	check("signInPublic", "WRONG_CREDENTIALS_ERROR")
	check("loginMethods", map[string]any{"status": "OK", "firstFactors": []any{"emailpassword"}})
	check("loginMethodsClosed", map[string]any{"status": "OK", "firstFactors": []any{}})
	if p, _ := got["payload"].(map[string]any); p["tId"] != "acme" || p["sub"] != userID {
		t.Errorf("payload = %v, want tId acme", p)
	}
	for _, k := range []string{"me", "meAfterSignIn"} {
		m, _ := got[k].(map[string]any)
		body, _ := m["body"].(map[string]any)
		if fmt.Sprint(m["status"]) != "200" || body["userId"] != userID || body["tenantId"] != "acme" {
			t.Errorf("%s = %v", k, m)
		}
	}
	wantRequests := []string{
		"signUp: post /auth/session/refresh 401", // the probe
		"signUp: POST /auth/acme/signup 200",
		"me: GET /api/me 200",
		"signOut: post /auth/signout 200",
		"signIn: POST /auth/acme/signin 200",
		"meAfterSignIn: GET /api/me 200",
		"loginMethods: GET /auth/acme/loginmethods 200",
		"loginMethodsClosed: GET /auth/closed/loginmethods 200",
		"signOut: post /auth/signout 200",
		"signInBeta: POST /auth/beta/signin 200",
		"signInPublic: POST /auth/signin 200", // web-js leaves "public" out
	}
	if fmt.Sprint(got["requests"]) != fmt.Sprint(wantRequests) {
		t.Errorf("requests:\n got %v\nwant %v", got["requests"], wantRequests)
	}
}

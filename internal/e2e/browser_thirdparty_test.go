package e2e

import (
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/latchkey-dev/latchkey"
	"github.com/latchkey-dev/latchkey/core/coretest"
	"github.com/latchkey-dev/latchkey/internal/browsertest"
	"github.com/latchkey-dev/latchkey/internal/localoidc"
	"github.com/latchkey-dev/latchkey/recipe/session"
	"github.com/latchkey-dev/latchkey/recipe/thirdparty"
)

// TestWebJSThirdParty drives supertokens-web-js 0.16's ThirdParty recipe
// in headless Chromium: the login methods, the authorisation URL (with the
// state web-js makes), the local OpenID provider's login page, the
// callback, signInAndUp and a protected API. Then a callback with a forged
// state, which web-js refuses before it calls the backend.
func TestWebJSThirdParty(t *testing.T) {
	files := bundleFiles(t, "thirdparty", "multitenancy")
	browsertest.Require(t, browsertest.ExecPath() != "", "chromium is not installed (apt-get install -y chromium)")
	page, err := os.ReadFile("testdata/webjs-thirdparty.html")
	if err != nil {
		t.Fatal(err)
	}
	site := http.NewServeMux()
	// The callback is the same page: it only runs what the test asks.
	for _, p := range []string{"GET /{$}", "GET /auth/callback/local"} {
		site.HandleFunc(p, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.Write(page)
		})
	}
	for name, path := range files {
		site.HandleFunc("GET "+name, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
			http.ServeFile(w, r, path)
		})
	}
	website := listenLocalhost(t, site)
	callback := website + "/auth/callback/local"

	var idp http.Handler
	issuer := listenLocalhost(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { idp.ServeHTTP(w, r) }))
	p, err := localoidc.New(localoidc.Config{Issuer: issuer,
		Clients: []localoidc.Client{{ID: "webjs-e2e", Secret: "webjs-secret", RedirectURIs: []string{callback}}}})
	if err != nil {
		t.Fatal(err)
	}
	idp = p

	var api http.Handler
	apiURL := listenLocalhost(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { api.ServeHTTP(w, r) }))
	c := coretest.Start(t, coretest.Mode{Engine: "sqlite", InProcess: true})
	sess := session.New(session.Config{})
	lk, err := latchkey.New(latchkey.Config{
		AppInfo: latchkey.AppInfo{AppName: "E2E", APIDomain: apiURL, WebsiteDomain: website},
		Core:    latchkey.CoreConfig{Handler: c.Core},
		Recipes: []latchkey.Recipe{sess, thirdparty.New(thirdparty.Config{Providers: []thirdparty.ProviderInput{{Config: thirdparty.ProviderConfig{
			ThirdPartyID: "local", Name: "Local OpenID", OIDCDiscoveryEndpoint: issuer + "/.well-known/openid-configuration",
			Clients: []thirdparty.ClientConfig{{ClientID: "webjs-e2e", ClientSecret: "webjs-secret", Scope: []string{"openid", "email"}}},
		}}}})},
		Logger: slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn})),
	})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("GET /api/me", sess.VerifySession(nil, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s, _ := session.FromContext(r.Context())
		latchkey.WriteJSON(w, 200, map[string]any{"userId": s.UserID()})
	})))
	api = cors(website, lk, lk.Middleware(mux))

	b := browsertest.New(t)
	// web-js probes for a session with a refresh before its first call on
	// a fresh profile, and the forged callback's /api/me has no session.
	b.Allow = func(p string) bool {
		return strings.Contains(p, "status of 401") &&
			(strings.Contains(p, apiURL+"/auth/session/refresh") || strings.Contains(p, apiURL+"/api/me"))
	}
	if _, err := chromedp.Run(b.Ctx, chromedp.Navigate(website+"/")); err != nil {
		t.Fatal(err)
	}
	started, err := chromedp.Run(b.Ctx, chromedp.Evaluate[map[string]any](fmt.Sprintf("start(%q)", apiURL), chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("start: %v (page problems: %v)", err, b.Problems())
	}
	authURL, _ := started["url"].(string)
	if !strings.HasPrefix(authURL, issuer+"/authorize?") || !strings.Contains(authURL, "state=") || !strings.Contains(authURL, "nonce=") ||
		fmt.Sprint(started["providers"]) != "[map[id:local name:Local OpenID]]" || !strings.Contains(fmt.Sprint(started["firstFactors"]), "thirdparty") {
		t.Fatalf("start: %v", started)
	}

	// The provider's login page, as a person would use it.
	if err := chromedp.Do(b.Ctx,
		chromedp.Navigate(authURL),
		chromedp.WaitVisible(chromedp.CSS(`#email`)),
		chromedp.SendKeys(chromedp.CSS(`#email`), "ada@example.com"),
		chromedp.Click(chromedp.CSS(`#continue`)),
	); err != nil {
		t.Fatalf("login page: %v (page problems: %v)", err, b.Problems())
	}
	waitFor(t, b, func(loc string) bool { return strings.HasPrefix(loc, callback+"?") })
	got, err := chromedp.Run(b.Ctx, chromedp.Evaluate[map[string]any](fmt.Sprintf("finish(%q)", apiURL), chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("finish: %v (page problems: %v)", err, b.Problems())
	}
	t.Logf("web-js saw: %v", got)
	user, _ := got["user"].(map[string]any)
	me, _ := got["me"].(map[string]any)
	meBody, _ := me["body"].(map[string]any)
	if got["status"] != "OK" || got["createdNewRecipeUser"] != true || got["exists"] != true || user == nil ||
		fmt.Sprint(user["thirdParty"]) != fmt.Sprintf("[map[id:local userId:%s]]", localoidc.SubjectOf("ada@example.com")) ||
		fmt.Sprint(me["status"]) != "200" || meBody["userId"] != user["id"] {
		t.Fatalf("finish: %v", got)
	}
	wantRequests := []string{
		"POST /auth/session/refresh 401", // the probe on a fresh profile
		"GET /auth/loginmethods 200",
		"GET /auth/authorisationurl 200",
		"POST /auth/signinup 200",
		"GET /api/me 200",
	}
	if fmt.Sprint(got["requests"]) != fmt.Sprint(wantRequests) {
		t.Errorf("requests:\n got %v\nwant %v", got["requests"], wantRequests)
	}

	// A callback whose state is not the one web-js stored: web-js refuses
	// it and never calls /signinup.
	if _, err := chromedp.Run(b.Ctx, chromedp.Evaluate[map[string]any](fmt.Sprintf("start(%q)", apiURL), chromedp.EvalAwaitPromise)); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Run(b.Ctx, chromedp.Navigate(callback+"?code=forged&state=forged")); err != nil {
		t.Fatal(err)
	}
	forged, err := chromedp.Run(b.Ctx, chromedp.Evaluate[map[string]any](fmt.Sprintf("finish(%q)", apiURL), chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("forged: %v", err)
	}
	if !strings.Contains(fmt.Sprint(forged["error"]), "Auth state verification failed") || strings.Contains(fmt.Sprint(forged["requests"]), "signinup") {
		t.Fatalf("forged state: %v", forged)
	}
}

// waitFor polls the tab's URL until ok says so and the page's script has
// run.
func waitFor(t *testing.T, b *browsertest.Browser, ok func(location string) bool) {
	t.Helper()
	var loc string
	for range 200 {
		l, err := chromedp.Run(b.Ctx, chromedp.Location())
		if loc = l; err == nil && ok(loc) {
			if ready, err := chromedp.Run(b.Ctx, chromedp.Evaluate[bool](`typeof window.finish === "function"`)); err == nil && ready {
				return
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("the tab is at %q (page problems: %v)", loc, b.Problems())
}

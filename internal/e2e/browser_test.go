package e2e

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/latchkey-dev/latchkey"
	"github.com/latchkey-dev/latchkey/core/coretest"
	"github.com/latchkey-dev/latchkey/internal/browsertest"
	"github.com/latchkey-dev/latchkey/recipe/emailpassword"
	"github.com/latchkey-dev/latchkey/recipe/session"
)

// webjsBundle is where npm installs supertokens-web-js's own browser
// bundles (internal/e2e/webjs/package.json pins the version).
const webjsBundle = "webjs/node_modules/supertokens-web-js/bundle"

// npmCI is the command that installs the pinned web-js (the Makefile
// should run it before the tests).
const npmCI = "cd internal/e2e/webjs && npm ci --no-audit --no-fund"

// ensureWebJS installs the pinned supertokens-web-js when it is missing
// and CI=true, where the browser test must run: `npm ci` from the lock
// file is deterministic. Locally the test skips instead, naming the
// command.
func ensureWebJS(t *testing.T) {
	t.Helper()
	if m, _ := filepath.Glob(filepath.Join(webjsBundle, "supertokens.*.js")); len(m) > 0 || os.Getenv("CI") != "true" {
		return
	}
	npm, err := exec.LookPath("npm")
	if err != nil {
		t.Fatalf("supertokens-web-js is missing and npm is not installed: run %s", npmCI)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, npm, "ci", "--no-audit", "--no-fund")
	cmd.Dir = "webjs"
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("npm ci in internal/e2e/webjs: %v\n%s", err, out)
	}
}

// bundleFiles maps the page's script names to the package's hashed bundle
// files: website, supertokens, session, emailpassword and the extra
// recipes named.
func bundleFiles(t *testing.T, extra ...string) map[string]string {
	t.Helper()
	ensureWebJS(t)
	out := map[string]string{}
	for _, name := range append([]string{"website", "supertokens", "session", "emailpassword"}, extra...) {
		m, _ := filepath.Glob(filepath.Join(webjsBundle, name+".*.js"))
		browsertest.Require(t, len(m) == 1, fmt.Sprintf("supertokens-web-js is not installed (%s.*.js not found): run %s", name, npmCI))
		out["/webjs/"+name+".js"] = m[0]
	}
	return out
}

// listenLocalhost listens on a free loopback port, to be reached as
// http://localhost:PORT.
func listenLocalhost(t *testing.T, h http.Handler) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewUnstartedServer(h)
	srv.Listener.Close()
	srv.Listener = l
	srv.Start()
	t.Cleanup(srv.Close)
	return fmt.Sprintf("http://localhost:%d", l.Addr().(*net.TCPAddr).Port)
}

// TestWebJS drives supertokens-web-js 0.16 in headless Chromium against the
// SDK, from a page on another port than the API (another origin, so CORS
// applies), in cookie mode and in header mode.
func TestWebJS(t *testing.T) {
	files := bundleFiles(t)
	browsertest.Require(t, browsertest.ExecPath() != "", "chromium is not installed (apt-get install -y chromium)")
	for _, mode := range []string{"cookie", "header"} {
		t.Run(mode, func(t *testing.T) {
			page, err := os.ReadFile("testdata/webjs.html")
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

			// The API: its port is only known once it listens, and the
			// SDK needs it, so the handler is set afterwards.
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
			mux := http.NewServeMux()
			mux.Handle("GET /api/me", sess.VerifySession(nil, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				s, _ := session.FromContext(r.Context())
				latchkey.WriteJSON(w, 200, map[string]any{"userId": s.UserID()})
			})))
			mux.HandleFunc("GET /api/public", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(204) })
			api = cors(website, lk, lk.Middleware(mux))

			b := browsertest.New(t)
			// On a fresh profile web-js cannot know whether a session
			// exists, so before its first API call it probes with a
			// refresh, which answers 401: the one failed request allowed.
			// The exact request list is checked below.
			b.Allow = func(p string) bool {
				return strings.Contains(p, "status of 401") && strings.Contains(p, apiURL+"/auth/session/refresh")
			}
			if _, err := chromedp.Run(b.Ctx, chromedp.Navigate(website+"/")); err != nil {
				t.Fatal(err)
			}
			email := mode + "@example.com"
			got, err := chromedp.Run(b.Ctx, chromedp.Evaluate[map[string]any](
				fmt.Sprintf("flow(%q, %q, %q)", apiURL, mode, email), chromedp.EvalAwaitPromise))
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
			check("signUp", "OK")
			check("existsAfterSignUp", true)
			check("existsAfterFirstSignOut", false)
			check("signIn", "OK")
			check("exists", true)
			userID := got["signUpUserId"]
			check("userId", userID)
			check("userIdAfterRefresh", userID)
			check("refreshed", true)
			check("accessTokenVisible", mode == "header")
			check("existsAfterSignOut", false)
			check("meAfterSignOut", 204)
			wantRequests := []string{
				"signUp: post /auth/session/refresh 401", // the probe
				"signUp: POST /auth/signup 200",
				"signOut: post /auth/signout 200",
				"signIn: POST /auth/signin 200",
				"me: GET /api/me 200",
				"refreshed: post /auth/session/refresh 200",
				"meAfterRefresh: GET /api/me 200",
				"meAgain: GET /api/me 200",
				"signOut: post /auth/signout 200",
				"existsAfterSignOut: GET /api/public 204",
			}
			if fmt.Sprint(got["requests"]) != fmt.Sprint(wantRequests) {
				t.Errorf("requests:\n got %v\nwant %v", got["requests"], wantRequests)
			}
			for _, k := range []string{"payload", "payloadAfterRefresh"} {
				p, _ := got[k].(map[string]any)
				if p["sub"] != userID || p["tId"] != "public" || !strings.HasSuffix(fmt.Sprint(p["iss"]), "/auth") {
					t.Errorf("%s = %v", k, p)
				}
			}
			for _, k := range []string{"me", "meAfterRefresh", "meAgain"} {
				m, _ := got[k].(map[string]any)
				body, _ := m["body"].(map[string]any)
				if fmt.Sprint(m["status"]) != "200" || body["userId"] != userID {
					t.Errorf("%s = %v", k, m)
				}
			}
		})
	}
}

// cors is a hand-written CORS layer for the website's origin, with the
// SDK's header list.
func cors(origin string, lk *latchkey.Latchkey, next http.Handler) http.Handler {
	allow := strings.Join(append([]string{"Content-Type"}, lk.AllowedHeaders()...), ", ")
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Origin") == origin {
			w.Header().Set("Access-Control-Allow-Origin", origin)
			w.Header().Set("Access-Control-Allow-Credentials", "true")
			w.Header().Add("Vary", "Origin")
			if r.Method == http.MethodOptions {
				w.Header().Set("Access-Control-Allow-Headers", allow)
				w.Header().Set("Access-Control-Allow-Methods", "GET, POST, PUT, DELETE, OPTIONS")
				w.WriteHeader(http.StatusNoContent)
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}

package dashboard

import (
	"fmt"
	"log/slog"
	"net"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/latchkey-dev/latchkey"
	"github.com/latchkey-dev/latchkey/core/coretest"
	"github.com/latchkey-dev/latchkey/emaildelivery"
	"github.com/latchkey-dev/latchkey/examples/demo"
	"github.com/latchkey-dev/latchkey/smsdelivery"
)

// localServer serves h at http://localhost:PORT until the test ends.
func localServer(t testing.TB) (*httptest.Server, string) {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewUnstartedServer(nil)
	srv.Listener.Close()
	srv.Listener = l
	t.Cleanup(srv.Close)
	return srv, fmt.Sprintf("http://localhost:%d", l.Addr().(*net.TCPAddr).Port)
}

// TestBrowserDemoWebsite signs up on the demo website at 390 px, in light
// and dark mode, with the keyboard: the account page takes the focus
// without a focus ring around the whole page, and the access-token
// payload stays inside its box.
func TestBrowserDemoWebsite(t *testing.T) {
	requireChromium(t)
	c := coretest.Start(t, coretest.Mode{Engine: "sqlite", InProcess: true})
	web, webURL := localServer(t)
	backend, apiURL := localServer(t)
	cfg := demo.Config{APIDomain: apiURL, WebsiteDomain: webURL, Core: latchkey.CoreConfig{Handler: c.Core},
		Mail: &emaildelivery.Recorder{}, SMS: &smsdelivery.Recorder{},
		Logger: slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn}))}
	h, err := demo.NewBackend(cfg)
	if err != nil {
		t.Fatal(err)
	}
	backend.Config.Handler = h
	backend.Start()
	web.Config.Handler = demo.NewWebsite(cfg)
	web.Start()

	for i, scheme := range []string{"light", "dark"} {
		t.Run(scheme, func(t *testing.T) {
			w := newWalker(t, nil, "")
			// supertokens-web-js cannot tell whether a session exists, so
			// before its first call it probes with a refresh, which answers
			// 401 in a fresh profile.
			w.b.Allow = func(p string) bool {
				return strings.Contains(p, "status of 401") && strings.Contains(p, apiURL+"/auth/session/refresh")
			}
			w.run(chromedp.EmulateViewport(390, 844))
			w.emulateScheme(scheme)
			w.navigate(webURL + "/auth?show=signup")
			w.waitFor("the sign-up form", `L.role('heading', 'Sign up')`)
			// A long email makes a long access-token payload line.
			w.fill("email", `L.label('Email')`, fmt.Sprintf("a-rather-long-address-for-the-payload-%d-%s@example.com", i, scheme))
			w.fill("password", `L.label('Password')`, "demo-pass-123")
			w.key("\r")
			w.waitFor("the account page", `L.role('heading', 'Your account')`)
			w.waitFor("the payload", `document.getElementById('access-token-payload')`)

			w.noOverflow("the account page", `document.getElementById('access-token-payload')`)
			w.noOverflow("the account page", `document.querySelector('main .card')`)
			w.readable("the payload", `document.getElementById('access-token-payload')`)
			var ring struct {
				Main    bool
				Visible bool
				Outline string
			}
			if err := w.eval(`(() => { const a = document.activeElement; return {Main: a.id === 'main', Visible: a.matches(':focus-visible'), Outline: getComputedStyle(a).outlineStyle}; })()`, &ring); err != nil {
				t.Fatal(err)
			}
			if !ring.Main || ring.Outline != "none" {
				w.fail("after the page change the focus is on main (%v, focus-visible %v) with outline %q, want main with no outline", ring.Main, ring.Visible, ring.Outline)
			}
		})
	}
}

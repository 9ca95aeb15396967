package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/latchkey-dev/latchkey/internal/browsertest"
)

// freePort returns a port that was free a moment ago.
func freePort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return port(ln)
}

// runningDemo is `latchkey demo` running in the test, with what it printed.
type runningDemo struct {
	web, api, dashboard, core, oidc string
	banner, command                 string

	mu  sync.Mutex
	out strings.Builder // everything printed after the banner
}

// printed returns what the demo has printed since its banner.
func (d *runningDemo) printed() string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.out.String()
}

// startDemo runs the demo command on free ports, with an API key, until
// the test ends (when it must stop cleanly, as on Ctrl-C).
func startDemo(t *testing.T, extra ...string) *runningDemo {
	t.Helper()
	const apiKey = "demo-test-key-0123456789"
	corePort, apiPort, webPort, oidcPort := freePort(t), freePort(t), freePort(t), freePort(t)
	ctx, cancel := context.WithCancel(context.Background())
	out, w := io.Pipe()
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, append([]string{"demo", "--dir", filepath.Join(t.TempDir(), "demo"), "--core-port", corePort,
			"--api-port", apiPort, "--web-port", webPort, "--oidc-port", oidcPort, "--api-key", apiKey}, extra...), func(string) string { return "" }, w, io.Discard)
		w.Close()
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case code := <-done:
			if code != 0 {
				t.Errorf("demo exited %d after Ctrl-C", code)
			}
		case <-time.After(time.Minute):
			t.Error("the demo did not stop")
		}
	})
	d := &runningDemo{
		web:       "http://localhost:" + webPort,
		api:       "http://localhost:" + apiPort,
		dashboard: "http://localhost:" + apiPort + "/auth/dashboard",
		core:      "http://127.0.0.1:" + corePort,
		oidc:      "http://localhost:" + oidcPort,
	}
	// Read the banner up to the end of the curl command, then keep
	// collecting what is printed (emails, texts).
	lines := bufio.NewScanner(out)
	var banner, command strings.Builder
	for lines.Scan() {
		line := lines.Text()
		banner.WriteString(line + "\n")
		if strings.HasPrefix(line, "curl ") || command.Len() > 0 {
			command.WriteString(line + "\n")
			if !strings.HasSuffix(line, `\`) {
				break
			}
		}
	}
	d.banner, d.command = banner.String(), command.String()
	go func() {
		for lines.Scan() {
			d.mu.Lock()
			d.out.WriteString(lines.Text() + "\n")
			d.mu.Unlock()
		}
	}()
	for _, want := range []string{d.web, d.api, d.dashboard, d.core, "api-key: " + apiKey} {
		if !strings.Contains(d.banner, want) {
			t.Fatalf("the banner does not show %s:\n%s", want, d.banner)
		}
	}
	return d
}

// createDashboardAccount runs the printed curl command verbatim.
func (d *runningDemo) createDashboardAccount(t *testing.T) {
	t.Helper()
	curl, err := exec.LookPath("curl")
	browsertest.Require(t, err == nil, "curl is not installed")
	out, err := exec.Command("sh", "-c", strings.Replace(d.command, "curl ", curl+" --silent --show-error ", 1)).CombinedOutput()
	if err != nil || !strings.Contains(string(out), `"status":"OK"`) {
		t.Fatalf("the printed command: %v\n%s\n%s", err, d.command, out)
	}
}

// allowRefreshProbe excuses the one failure a fresh browser profile sees:
// supertokens-web-js cannot tell whether a session exists, so before its
// first call it probes with a refresh, which answers 401.
func allowRefreshProbe(b *browsertest.Browser, d *runningDemo) {
	b.Allow = func(p string) bool {
		return strings.Contains(p, "status of 401") && strings.Contains(p, d.api+"/auth/session/refresh")
	}
}

// text reads an element's text.
func text(t *testing.T, b *browsertest.Browser, sel string) string {
	t.Helper()
	v, err := chromedp.Run(b.Ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		t.Fatalf("reading %s: %v (page problems: %v)", sel, err, b.Problems())
	}
	return v
}

// signInToDashboard signs in with the account the printed command made.
func signInToDashboard(t *testing.T, b *browsertest.Browser, d *runningDemo) {
	t.Helper()
	err := chromedp.Do(b.Ctx,
		chromedp.Navigate(d.dashboard),
		chromedp.WaitVisible(chromedp.CSS(`#signin-email`)),
		chromedp.SendKeys(chromedp.CSS(`#signin-email`), "admin@example.com"),
		chromedp.SendKeys(chromedp.CSS(`#signin-password`), "abcd1234"),
		chromedp.Click(chromedp.CSS(`form button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`tbody .user-link`)),
	)
	if err != nil {
		t.Fatalf("signing in to the dashboard: %v (page problems: %v)", err, b.Problems())
	}
}

// TestDemo drives `latchkey demo` as a newcomer would: sign up on the
// website and reach the protected page, run the printed command to create
// dashboard credentials, sign in to the dashboard, and find the new user
// there.
func TestDemo(t *testing.T) {
	b := browsertest.New(t)
	d := startDemo(t)
	allowRefreshProbe(b, d)

	email := fmt.Sprintf("newcomer%d@example.com", time.Now().UnixNano())
	err := chromedp.Do(b.Ctx,
		chromedp.Navigate(d.web+"/auth?show=signup"),
		chromedp.WaitVisible(chromedp.CSS(`#email`)),
		chromedp.SendKeys(chromedp.CSS(`#email`), email),
		chromedp.SendKeys(chromedp.CSS(`#password`), "newcomer-pw-1"),
		chromedp.Click(chromedp.CSS(`form button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`#user-email`)),
	)
	if err != nil {
		t.Fatalf("signing up on the website: %v", err)
	}
	shownEmail, userID, handle := text(t, b, `#user-email`), text(t, b, `#user-id`), text(t, b, `#session-handle`)
	if shownEmail != email || userID == "" || handle == "" {
		t.Fatalf("protected page shows email %q, user %q, session %q", shownEmail, userID, handle)
	}

	d.createDashboardAccount(t)
	signInToDashboard(t, b, d)
	if rows := text(t, b, `tbody`); !strings.Contains(rows, email) {
		t.Errorf("the dashboard's user list does not show %s:\n%s", email, rows)
	}
}

// smsCode finds the sign-in code the demo printed for a phone number.
func smsCode(t *testing.T, d *runningDemo, phone string) string {
	t.Helper()
	re := regexp.MustCompile(`Text to ` + regexp.QuoteMeta(phone) + `:\n\s+(\d{6}) is your`)
	for range 100 {
		if m := re.FindStringSubmatch(d.printed()); m != nil {
			return m[1]
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("no code printed for %s:\n%s", phone, d.printed())
	return ""
}

// TestDemoPhoneSignIn signs in on the demo website with a code sent to a
// phone number, then finds that number on the user's dashboard page and
// edits it.
func TestDemoPhoneSignIn(t *testing.T) {
	b := browsertest.New(t)
	d := startDemo(t)
	allowRefreshProbe(b, d)

	err := chromedp.Do(b.Ctx,
		chromedp.Navigate(d.web+"/auth/code"),
		chromedp.WaitVisible(chromedp.CSS(`#contact`)),
		chromedp.SendKeys(chromedp.CSS(`#contact`), "+1 (201) 555-0123"),
		chromedp.Click(chromedp.CSS(`form button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`#code`)),
	)
	if err != nil {
		t.Fatalf("asking for a code: %v (page problems: %v)", err, b.Problems())
	}
	code := smsCode(t, d, "+12015550123")
	err = chromedp.Do(b.Ctx,
		chromedp.SendKeys(chromedp.CSS(`#code`), code),
		chromedp.Click(chromedp.CSS(`form button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`#user-phone`)),
	)
	if err != nil {
		t.Fatalf("entering the code: %v (page problems: %v)", err, b.Problems())
	}
	if got := text(t, b, `#user-phone`); got != "+12015550123" {
		t.Fatalf("the account page shows phone %q", got)
	}
	userID := text(t, b, `#user-id`)

	d.createDashboardAccount(t)
	signInToDashboard(t, b, d)
	err = chromedp.Do(b.Ctx,
		chromedp.Navigate(d.dashboard+"/users/"+userID),
		chromedp.WaitVisible(chromedp.CSS(`article.method`)),
	)
	if err != nil {
		t.Fatalf("opening the user: %v (page problems: %v)", err, b.Problems())
	}
	if got := text(t, b, `article.method`); !strings.Contains(got, "+12015550123") {
		t.Fatalf("the user's login method does not show the phone number:\n%s", got)
	}
	err = chromedp.Do(b.Ctx,
		chromedp.Click(chromedp.CSS(`article.method button[aria-label^="Edit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#edit-phone`)),
		// Empty the field as a person would, with an input event, so the
		// page's state follows (setting the value alone would not).
		chromedp.Evaluate[chromedp.Void](`(() => { const i = document.querySelector('#edit-phone'); i.select(); document.execCommand('delete'); })()`),
		chromedp.SendKeys(chromedp.CSS(`#edit-phone`), "+44 20 7946 0958"),
		chromedp.Click(chromedp.CSS(`dialog button[type=submit], [role=dialog] button[type=submit]`)),
		chromedp.WaitNotPresent(chromedp.CSS(`#edit-phone`)),
	)
	if err != nil {
		t.Fatalf("editing the phone number: %v (page problems: %v)", err, b.Problems())
	}
	for range 100 {
		if strings.Contains(text(t, b, `article.method`), "+442079460958") {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Errorf("the edited number is not shown:\n%s", text(t, b, `article.method`))
}

// TestDemoThirdParty continues with the demo's own OpenID provider on the
// website, as a newcomer would with no provider configured, then finds the
// user in the dashboard by searching for the provider.
func TestDemoThirdParty(t *testing.T) {
	b := browsertest.New(t)
	d := startDemo(t)
	allowRefreshProbe(b, d)
	if !strings.Contains(d.banner, "local") {
		t.Fatalf("the banner does not list the local provider:\n%s", d.banner)
	}

	email := fmt.Sprintf("octo%d@example.com", time.Now().UnixNano())
	err := chromedp.Do(b.Ctx,
		chromedp.Navigate(d.web+"/auth"),
		chromedp.WaitVisible(chromedp.CSS(`#continue-local`)),
		chromedp.Click(chromedp.CSS(`#continue-local`)),
		// The provider's login page (the website has an #email too, but
		// no #continue): type any email.
		chromedp.WaitVisible(chromedp.CSS(`button#continue`)),
	)
	if err != nil {
		t.Fatalf("continuing with the local provider: %v (page problems: %v)", err, b.Problems())
	}
	if loc, _ := chromedp.Run(b.Ctx, chromedp.Location()); !strings.HasPrefix(loc, d.oidc+"/login") {
		t.Fatalf("the browser is at %s, not the provider's login page", loc)
	}
	err = chromedp.Do(b.Ctx,
		chromedp.SendKeys(chromedp.CSS(`#email`), email),
		chromedp.Click(chromedp.CSS(`#continue`)),
		chromedp.WaitVisible(chromedp.CSS(`#user-provider`)),
	)
	if err != nil {
		t.Fatalf("signing in at the provider: %v (page problems: %v)", err, b.Problems())
	}
	if got := text(t, b, `#user-email`); got != email {
		t.Fatalf("the account page shows %q, want %s", got, email)
	}
	if got := text(t, b, `#user-provider`); !strings.HasPrefix(got, "local (account local-") {
		t.Fatalf("the account page shows provider %q", got)
	}

	d.createDashboardAccount(t)
	signInToDashboard(t, b, d)
	err = chromedp.Do(b.Ctx,
		chromedp.Evaluate[chromedp.Void](`(() => { const s = document.querySelector('#search-tag'); s.value = 'provider'; s.dispatchEvent(new Event('change', { bubbles: true })); })()`),
		chromedp.SendKeys(chromedp.CSS(`#search-value`), "local"),
		chromedp.Click(chromedp.CSS(`form.search-form button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`.chip`)),
	)
	if err != nil {
		t.Fatalf("searching by provider: %v (page problems: %v)", err, b.Problems())
	}
	for range 100 {
		if strings.Contains(text(t, b, `tbody`), email) {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Errorf("searching the dashboard by provider does not find %s:\n%s", email, text(t, b, `tbody`))
}

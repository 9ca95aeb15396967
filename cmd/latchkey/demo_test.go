package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"os/exec"
	"path/filepath"
	"strings"
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

// TestDemo drives `latchkey demo` as a newcomer would: sign up on the
// website and reach the protected page, run the printed command to create
// dashboard credentials, sign in to the dashboard, and find the new user
// there.
func TestDemo(t *testing.T) {
	b := browsertest.New(t)
	curl, err := exec.LookPath("curl")
	browsertest.Require(t, err == nil, "curl is not installed")

	const apiKey = "demo-test-key-0123456789"
	corePort, apiPort, webPort := freePort(t), freePort(t), freePort(t)
	ctx, cancel := context.WithCancel(context.Background())
	out, w := io.Pipe()
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"demo", "--dir", filepath.Join(t.TempDir(), "demo"), "--core-port", corePort,
			"--api-port", apiPort, "--web-port", webPort, "--api-key", apiKey}, func(string) string { return "" }, w, io.Discard)
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

	// Read the banner up to the end of the curl command.
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
	go io.Copy(io.Discard, out) // later emails are printed here too
	web := "http://localhost:" + webPort
	dashboardURL := "http://localhost:" + apiPort + "/auth/dashboard"
	for _, want := range []string{web, "http://localhost:" + apiPort, dashboardURL, "http://127.0.0.1:" + corePort, "api-key: " + apiKey} {
		if !strings.Contains(banner.String(), want) {
			t.Fatalf("the banner does not show %s:\n%s", want, banner.String())
		}
	}

	// supertokens-web-js cannot tell on a fresh profile whether a session
	// exists, so before its first call it probes with a refresh, which
	// answers 401: the one expected failure.
	b.Allow = func(p string) bool {
		return strings.Contains(p, "status of 401") && strings.Contains(p, "localhost:"+apiPort+"/auth/session/refresh")
	}

	// Sign up on the website.
	email := fmt.Sprintf("newcomer%d@example.com", time.Now().UnixNano())
	err = chromedp.Do(b.Ctx,
		chromedp.Navigate(web+"/auth?show=signup"),
		chromedp.WaitVisible(chromedp.CSS(`#email`)),
		chromedp.SendKeys(chromedp.CSS(`#email`), email),
		chromedp.SendKeys(chromedp.CSS(`#password`), "newcomer-pw-1"),
		chromedp.Click(chromedp.CSS(`form button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`#user-email`)),
	)
	if err != nil {
		t.Fatalf("signing up on the website: %v", err)
	}
	text := func(sel string) string {
		t.Helper()
		v, err := chromedp.Run(b.Ctx, chromedp.Text(chromedp.CSS(sel)))
		if err != nil {
			t.Fatalf("reading %s: %v", sel, err)
		}
		return v
	}
	shownEmail, userID, handle := text(`#user-email`), text(`#user-id`), text(`#session-handle`)
	if shownEmail != email || userID == "" || handle == "" {
		t.Fatalf("protected page shows email %q, user %q, session %q", shownEmail, userID, handle)
	}

	// Create dashboard credentials with the printed command, verbatim.
	cmdOut, err := exec.CommandContext(ctx, "sh", "-c", strings.Replace(command.String(), "curl ", curl+" --silent --show-error ", 1)).CombinedOutput()
	if err != nil || !strings.Contains(string(cmdOut), `"status":"OK"`) {
		t.Fatalf("the printed command: %v\n%s\n%s", err, command.String(), cmdOut)
	}

	// Sign in to the dashboard and find the user.
	err = chromedp.Do(b.Ctx,
		chromedp.Navigate(dashboardURL),
		chromedp.WaitVisible(chromedp.CSS(`#signin-email`)),
		chromedp.SendKeys(chromedp.CSS(`#signin-email`), "admin@example.com"),
		chromedp.SendKeys(chromedp.CSS(`#signin-password`), "abcd1234"),
		chromedp.Click(chromedp.CSS(`form button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`tbody .user-link`)),
	)
	if err != nil {
		t.Fatalf("signing in to the dashboard: %v", err)
	}
	rows := text(`tbody`)
	if !strings.Contains(rows, email) {
		t.Errorf("the dashboard's user list does not show %s:\n%s", email, rows)
	}
}

// Package browsertest starts headless Chromium for tests, with the flags
// this project's tests must use, and fails a test on any console error,
// uncaught exception or failed request.
//
//	ctx := browsertest.New(t)
//	err := chromedp.Run(ctx, chromedp.Navigate(url), ...)
//
// Without Chromium the test is skipped with a message, except when
// CI=true, where that is a failure.
package browsertest

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// Flags are the command-line flags of every launch: headless, no network
// beyond loopback (every name but localhost fails to resolve, and any
// proxied request goes to a closed port), and nothing that phones home.
func Flags(userDataDir string) []chromedp.ExecAllocatorOption {
	return []chromedp.ExecAllocatorOption{
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(userDataDir),
		chromedp.Flag("host-resolver-rules", "MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE *.localhost, EXCLUDE 127.0.0.1"),
		chromedp.ProxyServer("http://127.0.0.1:9"),
	}
}

// ExecPath returns the Chromium binary, or "" when there is none.
func ExecPath() string {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if _, err := os.Stat("/usr/bin/chromium"); err == nil {
		return "/usr/bin/chromium"
	}
	return ""
}

// Require skips the test (or fails it when CI=true) with why.
func Require(t testing.TB, ok bool, why string) {
	t.Helper()
	if ok {
		return
	}
	if os.Getenv("CI") == "true" {
		t.Fatalf("%s (CI=true: the browser tests must run)", why)
	}
	t.Skipf("browser test skipped: %s", why)
}

// Browser is a running Chromium tab.
type Browser struct {
	// Ctx runs chromedp actions in the tab.
	Ctx context.Context

	mu       sync.Mutex
	problems []string
	urls     map[network.RequestID]string
	closed   bool
	// Allow, when set, excuses an expected problem (matched on its text).
	Allow func(problem string) bool
}

// New starts Chromium with a fresh profile and returns a tab. Everything
// stops at the end of the test, which fails if the page logged an error or
// a request failed.
func New(t testing.TB) *Browser {
	t.Helper()
	path := ExecPath()
	Require(t, path != "", "chromium is not installed (apt-get install -y chromium)")
	opts := append([]chromedp.ExecAllocatorOption{chromedp.ExecPath(path)}, Flags(t.TempDir())...)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelTab := chromedp.NewContext(actx)
	ctx, cancelTimeout := context.WithTimeout(ctx, 2*time.Minute)
	b := &Browser{Ctx: ctx, urls: map[network.RequestID]string{}}
	listenErr := chromedp.Listen(ctx, func(ev any) {
		switch e := ev.(type) {
		case *runtime.EventConsoleAPICalled:
			if e.Type == runtime.ConsoleAPICalledTypeError {
				var args []string
				for _, a := range e.Args {
					args = append(args, string(a.Value)+a.Description)
				}
				b.report("console.error: " + strings.Join(args, " "))
			}
		case *runtime.EventExceptionThrown:
			msg := e.ExceptionDetails.Text
			if e.ExceptionDetails.Exception != nil {
				msg += " " + e.ExceptionDetails.Exception.Description
			}
			b.report("uncaught exception: " + msg)
		case *log.EventEntryAdded:
			if e.Entry.Level == log.EntryLevelError {
				b.report(fmt.Sprintf("log error (%s): %s %s", e.Entry.Source, e.Entry.Text, e.Entry.URL))
			}
		case *network.EventRequestWillBeSent:
			b.mu.Lock()
			b.urls[e.RequestID] = e.Request.Method + " " + e.Request.URL
			b.mu.Unlock()
		case *network.EventLoadingFailed:
			b.mu.Lock()
			u := b.urls[e.RequestID]
			b.mu.Unlock()
			b.report(fmt.Sprintf("request failed: %s %s %s", u, e.ErrorText, e.BlockedReason))
		}
	})
	// Listen starts the browser; chromedp enables the runtime, log and
	// network domains on every tab.
	if err := listenErr; err != nil {
		cancelTimeout()
		cancelTab()
		cancelAlloc()
		t.Fatalf("starting chromium: %v", err)
	}
	t.Cleanup(func() {
		// Judge the page before closing it: closing aborts what is in
		// flight, which is no fault of the page.
		b.mu.Lock()
		b.closed = true
		problems := b.problems
		b.mu.Unlock()
		for _, p := range problems {
			t.Errorf("browser: %s", p)
		}
		cancelTimeout()
		cancelTab()
		cancelAlloc()
	})
	return b
}

func (b *Browser) report(p string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed || (b.Allow != nil && b.Allow(p)) {
		return
	}
	b.problems = append(b.problems, p)
}

// Problems returns what went wrong in the page so far.
func (b *Browser) Problems() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]string(nil), b.problems...)
}

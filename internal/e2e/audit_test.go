package e2e

import (
	"testing"
	"time"

	"github.com/latchkey-dev/latchkey/core/coretest"
)

// TestAuthEventsNameTheClient: a sign-in through the SDK reaches the
// core's audit log with the end user's IP address and user agent, which
// the SDK names on its core calls.
func TestAuthEventsNameTheClient(t *testing.T) {
	modes(t, func(t *testing.T, m coretest.Mode) {
		a := newApp(t, m, options{})
		b := a.browser(false)
		b.post("/auth/signup", fields("email", "ann@example.com", "password", "pass-word-1"), "User-Agent", "Mozilla/5.0 (X11; Linux x86_64) Firefox/133.0")
		b.post("/auth/signin", fields("email", "ann@example.com", "password", "wrong-pass-1"), "User-Agent", "Mozilla/5.0 (X11; Linux x86_64) Firefox/133.0")
		deadline := time.Now().Add(10 * time.Second)
		for {
			events := a.core.Get(t, "/recipe/latchkey/audit?action=signin.failure").JSON(t)["events"].([]any)
			if len(events) == 1 {
				e := events[0].(map[string]any)
				if e["clientIp"] != "127.0.0.1" || e["userAgent"] != "Mozilla/5.0 (X11; Linux x86_64) Firefox/133.0" {
					t.Fatalf("the failed sign-in's event: %v", e)
				}
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("no signin.failure event: %v", events)
			}
			time.Sleep(20 * time.Millisecond)
		}
	})
}

package core_test

import (
	"bytes"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/latchkey-dev/latchkey/core"
	"github.com/latchkey-dev/latchkey/core/coretest"
)

// lockedBuffer is a log sink that parallel requests may write to.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestDashboardSessionHeader: the latchkey-dashboard-session header (a
// Latchkey extension) lets a GET run only for a dashboard session that
// POST /recipe/dashboard/session/verify would accept, answers
// "Latchkey-Dashboard-Session: verified" when it does, is refused on
// writes, and never reaches a log, the metrics or the audit log.
func TestDashboardSessionHeader(t *testing.T) {
	for _, m := range coretest.Modes() {
		t.Run(m.String(), func(t *testing.T) {
			t.Parallel()
			var skew atomic.Int64 // added to the clock
			logs := &lockedBuffer{}
			c := coretest.Start(t, m, func(cfg *core.Config) {
				cfg.Now = func() time.Time { return time.Now().Add(time.Duration(skew.Load())) }
				cfg.Logger = slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
			})
			session := func(email string) string {
				t.Helper()
				if s := c.Post(t, "/recipe/dashboard/user", map[string]string{"email": email, "password": "dash-pass-123"}).Status(t); s != "OK" {
					t.Fatalf("creating %s: %s", email, s)
				}
				r := c.Post(t, "/recipe/dashboard/signin", map[string]string{"email": email, "password": "dash-pass-123"})
				id, _ := r.JSON(t)["sessionId"].(string)
				if id == "" {
					t.Fatalf("sign-in of %s: %s", email, r.Body)
				}
				return id
			}
			valid := session("ops@example.com")
			signedOut := session("out@example.com")
			c.Delete(t, "/recipe/dashboard/session?sessionId="+signedOut)
			removed := session("gone@example.com")
			if s := c.Delete(t, "/recipe/dashboard/user?email=gone@example.com").Status(t); s != "OK" {
				t.Fatalf("removing the account: %s", s)
			}
			secrets := []string{valid, signedOut, removed}

			const invalid = "dashboard session invalid"
			cases := []struct {
				name, method, path string
				body               any
				header             []string // nil: no session header
				wantCode           int
				wantText           string // exact body, when set
				wantVerified       bool
			}{
				{name: "no header", method: "GET", path: "/users/count", wantCode: 200},
				{name: "valid", method: "GET", path: "/users/count", header: []string{valid}, wantCode: 200, wantVerified: true},
				{name: "valid, tenant prefix", method: "GET", path: "/public/users/count", header: []string{valid}, wantCode: 200, wantVerified: true},
				{name: "valid, handler fails", method: "GET", path: "/user/id?userId=%00", header: []string{valid}, wantCode: 400, wantVerified: true},
				{name: "unknown", method: "GET", path: "/users/count", header: []string{"0b7c2e4e-5a8f-4d3e-9c1a-000000000000"}, wantCode: 401, wantText: invalid},
				{name: "empty", method: "GET", path: "/users/count", header: []string{""}, wantCode: 401, wantText: invalid},
				{name: "too long", method: "GET", path: "/users/count", header: []string{strings.Repeat("a", 600)}, wantCode: 401, wantText: invalid},
				{name: "twice", method: "GET", path: "/users/count", header: []string{valid, valid}, wantCode: 401, wantText: invalid},
				{name: "signed out", method: "GET", path: "/users/count", header: []string{signedOut}, wantCode: 401, wantText: invalid},
				{name: "account removed", method: "GET", path: "/users", header: []string{removed}, wantCode: 401, wantText: invalid},
				{name: "on a write", method: "POST", path: "/recipe/signup", body: map[string]string{"email": "w@example.com", "password": "pass-word-1"},
					header: []string{valid}, wantCode: 400, wantText: "The latchkey-dashboard-session header is only accepted on GET requests"},
				{name: "on a delete", method: "DELETE", path: "/recipe/dashboard/session?sessionId=" + valid, header: []string{valid}, wantCode: 400},
				{name: "hello ignores it", method: "GET", path: "/hello", header: []string{"not-a-session"}, wantCode: 200, wantText: "Hello"},
			}
			for _, tc := range cases {
				req, err := http.NewRequestWithContext(t.Context(), tc.method, c.URL+tc.path, nil)
				if err != nil {
					t.Fatal(err)
				}
				if tc.body != nil {
					r := c.Do(t, tc.method, tc.path, tc.body, "Latchkey-Dashboard-Session", tc.header[0])
					if r.Code != tc.wantCode || tc.wantText != "" && r.Text() != tc.wantText {
						t.Errorf("%s: %d %q, want %d %q", tc.name, r.Code, r.Body, tc.wantCode, tc.wantText)
					}
					continue
				}
				for _, v := range tc.header {
					req.Header.Add("latchkey-dashboard-session", v)
				}
				resp, err := c.HTTP.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				var b bytes.Buffer
				_, _ = b.ReadFrom(resp.Body)
				resp.Body.Close()
				text := strings.TrimSuffix(b.String(), "\n")
				if resp.StatusCode != tc.wantCode || tc.wantText != "" && text != tc.wantText {
					t.Errorf("%s: %d %q, want %d %q", tc.name, resp.StatusCode, text, tc.wantCode, tc.wantText)
				}
				if got := resp.Header.Get("Latchkey-Dashboard-Session") == "verified"; got != tc.wantVerified {
					t.Errorf("%s: verified header %v, want %v (%v)", tc.name, got, tc.wantVerified, resp.Header)
				}
			}
			// The refused write did not run.
			if s := c.Post(t, "/recipe/signin", map[string]string{"email": "w@example.com", "password": "pass-word-1"}).Status(t); s != "WRONG_CREDENTIALS_ERROR" {
				t.Errorf("the refused sign-up ran: sign-in %s", s)
			}
			// Nor did the refused sign-out.
			if r := c.Get(t, "/users/count", "latchkey-dashboard-session", valid); r.Code != 200 {
				t.Errorf("the refused sign-out ran: %d %s", r.Code, r.Body)
			}

			// Expired: the verify call's rule (the session's lifetime).
			skew.Store(int64(31 * 24 * time.Hour))
			if r := c.Get(t, "/users/count", "latchkey-dashboard-session", valid); r.Code != 401 || r.Text() != invalid {
				t.Errorf("expired: %d %s", r.Code, r.Body)
			}
			if s := c.Post(t, "/recipe/dashboard/session/verify", map[string]string{"sessionId": valid}).Status(t); s != "INVALID_SESSION_ERROR" {
				t.Errorf("the verify call disagrees on the expired session: %s", s)
			}

			metrics := string(c.Get(t, "/metrics").Body)
			audit := string(c.Get(t, "/recipe/latchkey/audit").Body)
			for _, s := range secrets {
				for where, text := range map[string]string{"logs": logs.String(), "metrics": metrics, "audit log": audit} {
					if strings.Contains(text, s) {
						t.Errorf("a dashboard session id is in the %s", where)
					}
				}
			}
		})
	}
}

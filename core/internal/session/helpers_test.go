package session_test

import (
	"encoding/json"
	"net/http"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/latchkey-dev/latchkey/core"
	"github.com/latchkey-dev/latchkey/core/coretest"
)

// clock is a settable Config.Now, so tests move time instead of waiting.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func newClock() *clock { return &clock{now: time.UnixMilli(1_750_000_000_123)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// withClock sets the core's clock and turns off validity jitter, so token
// times are exact.
func withClock(clk *clock) func(*core.Config) {
	return func(cfg *core.Config) {
		cfg.Now = clk.Now
		zero := 0.0
		cfg.AccessTokenValidityJitter = &zero
	}
}

// runWithClock runs fn for every coretest mode, each on its own core with
// its own clock, so that one mode moving time does not move another's.
func runWithClock(t *testing.T, fn func(t *testing.T, c *coretest.Client, clk *clock)) {
	t.Helper()
	for _, m := range coretest.Modes() {
		t.Run(m.String(), func(t *testing.T) {
			t.Parallel()
			clk := newClock()
			fn(t, coretest.Start(t, m, withClock(clk)), clk)
		})
	}
}

// step is one row of a scenario table: a request and the answer wanted.
// WantJSON is compared whole unless it is empty; WantText is a non-200's
// body without its newline.
type step struct {
	Name       string
	Method     string
	Path       string
	Body       any
	WantCode   int
	WantJSON   string
	WantText   string
	WantStatus string // checked when WantJSON is empty and the code is 200
}

// run sends every step in order on c and checks the answers.
func run(t *testing.T, c *coretest.Client, steps []step) {
	t.Helper()
	for _, s := range steps {
		code := s.WantCode
		if code == 0 {
			code = http.StatusOK
		}
		r := c.Do(t, s.Method, s.Path, s.Body)
		if r.Code != code {
			t.Errorf("%s: %s %s: HTTP %d, want %d: %s", s.Name, s.Method, s.Path, r.Code, code, r.Body)
			continue
		}
		if s.WantText != "" && r.Text() != s.WantText {
			t.Errorf("%s: body %q, want %q", s.Name, r.Text(), s.WantText)
		}
		if s.WantJSON != "" {
			var got, want any
			if err := json.Unmarshal(r.Body, &got); err != nil {
				t.Errorf("%s: body is not JSON: %s", s.Name, r.Body)
				continue
			}
			if err := json.Unmarshal([]byte(s.WantJSON), &want); err != nil {
				t.Fatalf("%s: bad WantJSON: %v", s.Name, err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("%s: got %s\nwant %s", s.Name, r.Body, s.WantJSON)
			}
		} else if s.WantStatus != "" && r.Status(t) != s.WantStatus {
			t.Errorf("%s: status %q, want %q: %s", s.Name, r.Status(t), s.WantStatus, r.Body)
		}
	}
}

// obj returns m[key] as an object.
func obj(t testing.TB, m map[string]any, key string) map[string]any {
	t.Helper()
	v, ok := m[key].(map[string]any)
	if !ok {
		t.Fatalf("%q is %T, not an object, in %v", key, m[key], m)
	}
	return v
}

// str returns m[key] as a string.
func str(t testing.TB, m map[string]any, key string) string {
	t.Helper()
	v, ok := m[key].(string)
	if !ok {
		t.Fatalf("%q is %T, not a string, in %v", key, m[key], m)
	}
	return v
}

// created is what POST /recipe/session and refresh return.
type created struct {
	Handle, AccessToken, RefreshToken, AntiCSRF string
	Body                                        map[string]any
}

func createSession(t testing.TB, c *coretest.Client, body map[string]any) created {
	t.Helper()
	full := map[string]any{"userId": "user-1", "userDataInJWT": map[string]any{}, "userDataInDatabase": map[string]any{}, "enableAntiCsrf": false}
	for k, v := range body {
		full[k] = v
	}
	r := c.Post(t, "/recipe/session", full)
	if s := r.Status(t); s != "OK" {
		t.Fatalf("create session: %s", r.Body)
	}
	return parseTokens(t, r.JSON(t))
}

func parseTokens(t testing.TB, m map[string]any) created {
	t.Helper()
	out := created{Body: m, Handle: str(t, obj(t, m, "session"), "handle")}
	if _, ok := m["accessToken"]; ok {
		out.AccessToken = str(t, obj(t, m, "accessToken"), "token")
	}
	if _, ok := m["refreshToken"]; ok {
		out.RefreshToken = str(t, obj(t, m, "refreshToken"), "token")
	}
	if v, ok := m["antiCsrfToken"].(string); ok {
		out.AntiCSRF = v
	}
	return out
}

func refresh(t testing.TB, c *coretest.Client, rt string, extra map[string]any) map[string]any {
	t.Helper()
	body := map[string]any{"refreshToken": rt, "enableAntiCsrf": false, "useDynamicSigningKey": true}
	for k, v := range extra {
		body[k] = v
	}
	return c.Post(t, "/recipe/session/refresh", body).JSON(t)
}

func verify(t testing.TB, c *coretest.Client, at string, extra map[string]any) map[string]any {
	t.Helper()
	body := map[string]any{"accessToken": at, "doAntiCsrfCheck": false, "enableAntiCsrf": false, "checkDatabase": false}
	for k, v := range extra {
		body[k] = v
	}
	return c.Post(t, "/recipe/session/verify", body).JSON(t)
}

// claims decodes an access token's payload without verifying it.
func claims(t testing.TB, token string) map[string]any {
	t.Helper()
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		t.Fatalf("not a JWS: %q", token)
	}
	raw, err := decodeSegment(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

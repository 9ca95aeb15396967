package audit_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/latchkey-dev/latchkey/core/coretest"
	"github.com/latchkey-dev/latchkey/core/internal/audit"
	"github.com/latchkey-dev/latchkey/store"
	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
	"log/slog"
)

type obj = map[string]any

// events polls the audit log until it holds n events matching query (the
// writer is asynchronous) and returns them.
func events(t *testing.T, c *coretest.Client, query string, n int) []obj {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		r := c.Get(t, "/recipe/latchkey/audit?"+query)
		if r.Code != http.StatusOK {
			t.Fatalf("GET audit?%s: %d %s", query, r.Code, r.Text())
		}
		list := r.JSON(t)["events"].([]any)
		if len(list) >= n || time.Now().After(deadline) {
			out := make([]obj, len(list))
			for i := range list {
				out[i] = list[i].(obj)
			}
			if len(out) != n {
				t.Fatalf("audit?%s: %d events, want %d: %v", query, len(out), n, out)
			}
			return out
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestAuthEventsAreAudited(t *testing.T) {
	coretest.Run(t, func(t *testing.T, c *coretest.Client) {
		up := c.Post(t, "/recipe/signup", obj{"email": "ann@example.com", "password": "pass-word-1"}).JSON(t)
		ann := up["user"].(obj)["id"].(string)
		c.Post(t, "/recipe/signin", obj{"email": "ann@example.com", "password": "wrong-pass-1"})
		c.Post(t, "/recipe/signin", obj{"email": "ann@example.com", "password": "pass-word-1"})
		tok := c.Post(t, "/recipe/user/password/reset/token", obj{"userId": ann, "email": "ann@example.com"}).JSON(t)["token"]
		c.Post(t, "/recipe/user/password/reset/token/consume", obj{"token": tok})
		c.Post(t, "/recipe/latchkey/user/suspend", obj{"userId": ann, "reason": "fraud", "actor": "ops@example.com"})
		c.Post(t, "/recipe/signin", obj{"email": "ann@example.com", "password": "pass-word-1"})
		c.Post(t, "/recipe/latchkey/user/reinstate", obj{"userId": ann})
		s := c.Post(t, "/recipe/session", obj{"userId": ann, "enableAntiCsrf": false, "userDataInJWT": obj{}, "userDataInDatabase": obj{}}).JSON(t)
		c.Post(t, "/recipe/session/remove", obj{"sessionHandles": []string{s["session"].(obj)["handle"].(string)}})
		c.Post(t, "/recipe/user/metadata/bulk", obj{"userIds": []string{ann}}) // not audited

		got := events(t, c, "limit=100", 9)
		var actions []string
		for i := len(got) - 1; i >= 0; i-- {
			actions = append(actions, got[i]["action"].(string))
		}
		want := []string{"signup", "signin.failure", "signin.success", "password_reset.requested", "password_reset.completed",
			"user.suspend", "signin.failure", "user.reinstate", "session.revoked"}
		if strings.Join(actions, " ") != strings.Join(want, " ") {
			t.Fatalf("actions, oldest first:\n got %v\nwant %v", actions, want)
		}
		// Newest first: got[8] is the sign-up.
		if got[8]["userId"] != ann || got[8]["actor"] != "user" || got[7]["summary"] != "email-password: wrong_credentials (ann@example.com)" {
			t.Errorf("events: %v", got[7:])
		}
		if got[3]["actor"] != "ops@example.com" || got[3]["summary"] != "suspended: fraud" || got[1]["actor"] != "api" {
			t.Errorf("suspend and reinstate: %v %v", got[3], got[1])
		}
		if got[2]["summary"] != "email-password: suspended (ann@example.com)" {
			t.Errorf("the suspended sign-in: %v", got[2])
		}

		// Filters, pages, and bad filters.
		events(t, c, "action=signin.failure", 2)
		events(t, c, "actor=ops%40example.com", 1)
		events(t, c, "userId="+ann+"&action=signup", 1)
		page := c.Get(t, "/recipe/latchkey/audit?limit=4").JSON(t)
		next := page["nextPaginationToken"].(string)
		rest := c.Get(t, "/recipe/latchkey/audit?limit=10&paginationToken="+next).JSON(t)
		if len(page["events"].([]any)) != 4 || len(rest["events"].([]any)) != 5 || rest["nextPaginationToken"] != nil {
			t.Errorf("pages: %v then %v", page, rest)
		}
		since := int64(got[3]["time"].(float64))
		if n := len(c.Get(t, fmt.Sprintf("/recipe/latchkey/audit?since=%d", since+1_000_000)).JSON(t)["events"].([]any)); n != 0 {
			t.Errorf("events since the future: %d", n)
		}
		for _, bad := range []struct{ q, text string }{
			{"limit=0", "limit must be an integer from 1 to 1000"},
			{"limit=1001", "limit must be an integer from 1 to 1000"},
			{"since=yesterday", "since must be a time in milliseconds since the epoch"},
			{"until=-5", "until must be a time in milliseconds since the epoch"},
			{"since=10&until=10", "until must be after since"},
			{"paginationToken=%21%21", "invalid pagination token"},
			{"paginationToken=MTIz", "invalid pagination token"},
			{"userId=" + strings.Repeat("u", 201), "userId, actor and action must be at most 200 bytes"},
		} {
			if r := c.Get(t, "/recipe/latchkey/audit?"+bad.q); r.Code != 400 || r.Text() != bad.text {
				t.Errorf("audit?%s: %d %q, want 400 %q", bad.q, r.Code, r.Text(), bad.text)
			}
		}
	})
}

func TestDashboardAppend(t *testing.T) {
	coretest.Run(t, func(t *testing.T, c *coretest.Client) {
		r := c.Post(t, "/recipe/latchkey/audit", obj{"actor": "ops@example.com", "action": "dashboard.user.metadata",
			"userId": "u1", "summary": strings.Repeat("é", 1500), "clientIp": "203.0.113.7", "userAgent": "ua"})
		if r.Code != 200 {
			t.Fatalf("append: %d %s", r.Code, r.Text())
		}
		e := events(t, c, "userId=u1", 1)[0]
		if e["actor"] != "ops@example.com" || len(e["summary"].(string)) > 2000 || e["clientIp"] != "203.0.113.7" {
			t.Errorf("appended: %v", e)
		}
		for _, bad := range []obj{{"action": "x"}, {"actor": " ", "action": "x"}, {"actor": "a", "action": strings.Repeat("x", 201)}} {
			if r := c.Post(t, "/recipe/latchkey/audit", bad); r.Code != 400 {
				t.Errorf("append %v: %d %s", bad, r.Code, r.Text())
			}
		}
	})
}

// failingStore refuses every append.
type failingStore struct {
	mu    sync.Mutex
	tries int
}

func (f *failingStore) AppendAuditEvents(_ context.Context, _ []store.AuditEvent) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.tries++
	return errors.New("disk full")
}
func (f *failingStore) AuditEvents(context.Context, store.AuditQuery) ([]store.AuditEvent, error) {
	return nil, nil
}
func (f *failingStore) DeleteAuditEventsBefore(context.Context, time.Time) (int64, error) {
	return 0, nil
}

// TestFailedWritesAreLoud: a batch the store refuses twice is logged event
// by event and counted, never dropped in silence.
func TestFailedWritesAreLoud(t *testing.T) {
	var logs strings.Builder
	var mu sync.Mutex
	logger := slog.New(slog.NewTextHandler(lockedWriter{&mu, &logs}, nil))
	failures := prometheus.NewCounter(prometheus.CounterOpts{Name: "f"})
	fs := &failingStore{}
	w := audit.NewWriter(fs, logger, failures)
	for i := range 3 {
		w.Record(t.Context(), store.AuditEvent{Time: time.Now(), Action: "signin.success", UserID: fmt.Sprintf("u%d", i), Actor: "user"})
	}
	w.Close()
	if got := value(failures); got != 3 {
		t.Errorf("failures counted: %v, want 3", got)
	}
	mu.Lock()
	logged := logs.String()
	mu.Unlock()
	for i := range 3 {
		if !strings.Contains(logged, fmt.Sprintf("userId=u%d", i)) {
			t.Errorf("event u%d not in the log:\n%s", i, logged)
		}
	}
	if fs.tries < 2 {
		t.Errorf("the store was tried %d times, want a retry", fs.tries)
	}
	// After Close, events are written at once (and still loud on failure).
	w.Record(t.Context(), store.AuditEvent{Action: "late", UserID: "u9"})
	if got := value(failures); got != 4 {
		t.Errorf("failures after close: %v, want 4", got)
	}
}

type lockedWriter struct {
	mu *sync.Mutex
	b  *strings.Builder
}

func (l lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func value(c prometheus.Counter) float64 {
	var m dto.Metric
	if err := c.Write(&m); err != nil {
		return -1
	}
	return m.GetCounter().GetValue()
}

// TestLockoutsAreAudited: a sign-in that brute-force throttling refuses
// is recorded as signin.locked, for app users and dashboard accounts.
func TestLockoutsAreAudited(t *testing.T) {
	coretest.Run(t, func(t *testing.T, c *coretest.Client) {
		c.Post(t, "/recipe/signup", obj{"email": "ann@example.com", "password": "pass-word-1"})
		c.Post(t, "/recipe/dashboard/user", obj{"email": "ops@example.com", "password": "pass-word-1"})
		for range 6 { // the default locks after five failures
			c.Post(t, "/recipe/signin", obj{"email": "ann@example.com", "password": "wrong-pass-1"})
			c.Post(t, "/recipe/dashboard/signin", obj{"email": "ops@example.com", "password": "wrong-pass-1"})
		}
		got := events(t, c, "action=signin.locked", 2)
		summaries := []string{got[0]["summary"].(string), got[1]["summary"].(string)}
		slices.Sort(summaries)
		if !strings.HasPrefix(summaries[0], "dashboard: locked for ") || !strings.HasSuffix(summaries[0], "(ops@example.com)") ||
			!strings.HasPrefix(summaries[1], "email-password: locked for ") || !strings.HasSuffix(summaries[1], "(ann@example.com)") {
			t.Errorf("lockouts: %v", summaries)
		}
	})
}

package dashboard

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"sync"
	"testing"
)

// coreCounter is a handler in front of the core that records the calls the
// SDK makes while it is on, and answers 404 to the paths in refuse, as a
// core without them would.
type coreCounter struct {
	mu     sync.Mutex
	on     bool
	calls  []string
	refuse []string
}

func (c *coreCounter) wrap(core http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c.mu.Lock()
		if c.on {
			c.calls = append(c.calls, r.Method+" "+r.URL.Path)
		}
		refused := slices.Contains(c.refuse, r.URL.Path)
		c.mu.Unlock()
		if refused {
			http.Error(w, "Not Found", http.StatusNotFound)
			return
		}
		core.ServeHTTP(w, r)
	})
}

// count returns the core calls that fn makes.
func (c *coreCounter) count(fn func()) []string {
	c.mu.Lock()
	c.on, c.calls = true, nil
	c.mu.Unlock()
	fn()
	c.mu.Lock()
	defer c.mu.Unlock()
	c.on = false
	return c.calls
}

// fillUsers signs up n users on the core, the first with names in their
// metadata every seventh, and returns how many have names.
func (e *env) fillUsers(n int) (named int) {
	e.t.Helper()
	for i := range n {
		r := e.core.Post(e.t, "/public/recipe/signup", map[string]string{"email": fmt.Sprintf("u%04d@example.com", i), "password": "pass-word-1"})
		m := r.JSON(e.t)
		if m["status"] != "OK" {
			e.t.Fatalf("sign-up %d: %s", i, r.Body)
		}
		if i%7 == 0 {
			id := m["user"].(map[string]any)["id"].(string)
			if _, err := e.md.UpdateUserMetadata(e.t.Context(), id, map[string]any{"first_name": "F" + id, "last_name": "L"}); err != nil {
				e.t.Fatal(err)
			}
			named++
		}
	}
	return named
}

// namedUsers counts the users of a users answer whose first name is the
// one fillUsers gave them.
func namedUsers(t *testing.T, m map[string]any) int {
	t.Helper()
	n := 0
	for _, u := range m["users"].([]any) {
		u := u.(map[string]any)
		if u["firstName"] != nil {
			if u["firstName"] != "F"+u["id"].(string) || u["lastName"] != "L" {
				t.Fatalf("names of %v", u)
			}
			n++
		}
	}
	return n
}

// TestUsersPageCoreCalls pins issue 17's target: a dashboard page of any
// size, names included, costs a fixed number of core calls: 3 at most (the
// dashboard session, the users, and their metadata, suspensions and
// activity in one read).
func TestUsersPageCoreCalls(t *testing.T) {
	t.Parallel()
	cc := &coreCounter{}
	e := start(t, options{wrapCore: cc.wrap})
	const total = 620
	named := e.fillUsers(total)
	tok := e.signIn(adminEmail)
	for _, path := range []string{
		"/dashboard/api/users?limit=1",
		"/dashboard/api/users?limit=10",
		"/dashboard/api/users?limit=100&timeJoinedOrder=ASC",
		"/dashboard/api/users?limit=500",
		"/dashboard/api/users?limit=1000&email=" + url.QueryEscape("u0;u"), // a search: every user
	} {
		var m map[string]any
		calls := cc.count(func() { m = e.ok(tok, "GET", path, nil) })
		if len(calls) > 3 {
			t.Errorf("%s cost %d core calls, want at most 3: %v", path, len(calls), calls)
		}
		if n := len(m["users"].([]any)); n == 0 || namedUsers(t, m) == 0 && n > 7 {
			t.Errorf("%s: %d users, %d named", path, n, namedUsers(t, m))
		}
	}
	var m map[string]any
	cc.count(func() { m = e.ok(tok, "GET", "/dashboard/api/users?limit=1000&email=u", nil) })
	if len(m["users"].([]any)) != total || namedUsers(t, m) != named {
		t.Errorf("the search found %d users, %d named; want %d, %d", len(m["users"].([]any)), namedUsers(t, m), total, named)
	}
}

// TestUsersPageWithoutBulkMetadata: against a core that answers 404 to
// the bulk metadata read and the page extras (as an official SuperTokens
// core does), the names come
// from one read per user, and the bulk path is not asked again.
func TestUsersPageWithoutBulkMetadata(t *testing.T) {
	t.Parallel()
	cc := &coreCounter{refuse: []string{"/recipe/user/metadata/bulk", "/recipe/latchkey/users/page-extras"}}
	e := start(t, options{wrapCore: cc.wrap})
	named := e.fillUsers(30)
	tok := e.signIn(adminEmail)
	for page := range 2 {
		var m map[string]any
		calls := cc.count(func() { m = e.ok(tok, "GET", "/dashboard/api/users?limit=30", nil) })
		if namedUsers(t, m) != named {
			t.Fatalf("page %d: %d named users, want %d", page, namedUsers(t, m), named)
		}
		perUser, bulk := 0, 0
		for _, c := range calls {
			switch c {
			case "GET /recipe/user/metadata":
				perUser++
			case "POST /recipe/user/metadata/bulk":
				bulk++
			}
		}
		wantBulk := 1 - page // asked once, then remembered
		if perUser != 30 || bulk != wantBulk {
			t.Fatalf("page %d: %d per-user reads and %d bulk reads, want 30 and %d: %v", page, perUser, bulk, wantBulk, calls)
		}
	}
}

package dashboard

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/latchkey-dev/latchkey/core/coretest"
	"github.com/latchkey-dev/latchkey/recipe/dashboard"
)

const bulkPath = "/dashboard/api/users/bulk"

// bulkCounts are the counts of a bulk answer, as numbers.
type bulkCounts struct{ selected, done, unchanged, failed, notAttempted int }

func countsOf(m map[string]any) bulkCounts {
	n := func(k string) int { f, _ := m[k].(float64); return int(f) }
	return bulkCounts{n("selected"), n("done"), n("unchanged"), n("failedCount"), n("notAttempted")}
}

// bulk sends a bulk action that must answer OK with the counts, and
// returns the answer.
func (e *env) bulk(tok string, body map[string]any, want bulkCounts) map[string]any {
	e.t.Helper()
	m := e.ok(tok, "POST", bulkPath, body)
	if got := countsOf(m); got != want {
		e.t.Fatalf("bulk %v: counts %+v, want %+v (answer %v)", body, got, want, m)
	}
	if f := m["failed"].([]any); len(f) != want.failed {
		e.t.Fatalf("bulk %v: %d failures listed, want %d", body, len(f), want.failed)
	}
	return m
}

// suspended reports which of ids the core has suspended.
func (e *env) suspended(ids ...string) map[string]bool {
	e.t.Helper()
	m, err := e.lk.Suspensions(e.t.Context(), ids)
	if err != nil {
		e.t.Fatal(err)
	}
	out := map[string]bool{}
	for _, id := range ids {
		_, out[id] = m[id]
	}
	return out
}

// hasRole reports whether the user has the role in the public tenant.
func (e *env) hasRole(id, role string) bool {
	e.t.Helper()
	svc, err := e.roles.Service()
	if err != nil {
		e.t.Fatal(err)
	}
	roles, err := svc.RolesForUser(e.t.Context(), "public", id)
	if err != nil {
		e.t.Fatal(err)
	}
	return slices.Contains(roles, role)
}

// TestBulkAPI: every bulk action on a selection of ids and on every user
// that matches a search, on both engines; read-only accounts are
// refused; a user that is gone is reported, not fatal; each request is
// one audit entry with its counts; bad input is a 400 with a message.
func TestBulkAPI(t *testing.T) {
	t.Parallel()
	for _, engine := range coretest.Engines {
		t.Run(engine, func(t *testing.T) {
			t.Parallel()
			e := start(t, options{engine: engine, dash: dashboard.Config{Admins: []string{adminEmail}}})
			ann1 := e.signUp("ann1@a.example", "ann-pass-123")
			ann2 := e.signUp("ann2@a.example", "ann-pass-123")
			ann3 := e.signUp("ann3@a.example", "ann-pass-123")
			bob := e.signUp("bob@b.example", "bob-pass-123")
			admin, viewer := e.signIn(adminEmail), e.signIn(viewerEmail)
			e.ok(admin, "PUT", "/dashboard/api/userroles/role", map[string]any{"role": "editor", "permissions": []string{}})
			pair := []string{ann1, ann2}

			// Read-only accounts are refused, and nothing happens.
			e.wantCode(viewer, "POST", bulkPath, map[string]any{"action": "delete", "userIds": pair}, http.StatusForbidden, "")

			// Bad input: a 400 that says what is wrong.
			many := make([]string, 1001)
			for i := range many {
				many[i] = fmt.Sprintf("u%d", i)
			}
			for _, c := range []struct {
				body map[string]any
				msg  string
			}{
				{map[string]any{"action": "explode", "userIds": pair}, "Invalid value received for 'action': use revokeSessions, suspend, reinstate, addRole, removeRole, delete"},
				{map[string]any{"userIds": pair}, "Required parameter 'action' is missing or has an invalid type"},
				{map[string]any{"action": "delete"}, "Required parameter 'userIds' or 'match' is missing: select the users to act on"},
				{map[string]any{"action": "delete", "userIds": []string{}}, "'userIds' is empty: select at least one user"},
				{map[string]any{"action": "delete", "userIds": []string{" "}}, "'userIds' must not hold blank ids"},
				{map[string]any{"action": "delete", "userIds": "ann"}, "Required parameter 'userIds' is missing or has an invalid type"},
				{map[string]any{"action": "delete", "userIds": many}, "Too many 'userIds': at most 1000 per request; use 'match' to act on every user that matches"},
				{map[string]any{"action": "delete", "userIds": pair, "match": map[string]any{}}, "Give either 'userIds' or 'match', not both"},
				{map[string]any{"action": "addRole", "userIds": pair}, "Required parameter 'role' is missing or has an invalid type"},
				{map[string]any{"action": "removeRole", "userIds": pair, "role": " "}, "Required parameter 'role' is missing or has an invalid type"},
				{map[string]any{"action": "suspend", "userIds": pair}, "Required parameter 'reason' is missing or has an invalid type"},
				{map[string]any{"action": "suspend", "userIds": pair, "reason": "r", "until": "soon"}, "'until' must be a time in milliseconds since the epoch, or absent"},
				{map[string]any{"action": "delete", "match": "all"}, "'match' must be an object of the list's search and filter parameters"},
				{map[string]any{"action": "delete", "match": map[string]any{"tenant": "x"}}, "Unknown parameter in 'match': 'tenant'; use email, phone, provider, recipeIds, emailVerified, role, joinedFrom, joinedTo, suspended, paginationToken"},
				{map[string]any{"action": "delete", "match": map[string]any{"email": 3}}, "'match.email' must be a string"},
				{map[string]any{"action": "delete", "match": map[string]any{"suspended": "yes"}}, "'match.suspended' must be true or false"},
				{map[string]any{"action": "delete", "match": map[string]any{"suspended": "true", "email": "ann"}}, "'match.suspended' does not combine with a search or filters, as in the list"},
				{map[string]any{"action": "delete", "match": map[string]any{"recipeIds": "magic"}}, "Invalid value received for 'recipeIds': use emailpassword, passwordless, thirdparty or webauthn, separated by commas"},
				{map[string]any{"action": "delete", "match": map[string]any{"paginationToken": "!"}}, "invalid pagination token"},
			} {
				e.wantCode(admin, "POST", bulkPath, c.body, http.StatusBadRequest, c.msg)
			}
			e.want(admin, "POST", bulkPath, map[string]any{"action": "addRole", "userIds": pair, "role": "ghost"}, "UNKNOWN_ROLE_ERROR")
			if n := len(e.ok(viewer, "GET", "/dashboard/api/users?limit=10", nil)["users"].([]any)); n != 4 {
				t.Fatalf("refused requests changed the users: %d left", n)
			}

			// Revoke sessions: the refresh tokens stop working.
			_, r1 := e.fdiSession("ann1@a.example", "ann-pass-123")
			_, rb := e.fdiSession("bob@b.example", "bob-pass-123")
			e.bulk(admin, map[string]any{"action": "revokeSessions", "userIds": pair}, bulkCounts{selected: 2, done: 2})
			if code := e.refresh(r1); code != http.StatusUnauthorized {
				t.Errorf("ann1's refresh after the bulk revoke: %d, want 401", code)
			}

			// Suspend, again (unchanged), reinstate.
			e.bulk(admin, map[string]any{"action": "suspend", "userIds": pair, "reason": "fraud ring"}, bulkCounts{selected: 2, done: 2})
			if s := e.suspended(ann1, ann2, bob); !s[ann1] || !s[ann2] || s[bob] {
				t.Fatalf("suspended: %v", s)
			}
			su, _ := e.lk.Suspensions(t.Context(), []string{ann1})
			if su[ann1].Actor != adminEmail || su[ann1].Reason != "fraud ring" {
				t.Errorf("the suspension: %+v", su[ann1])
			}
			e.bulk(admin, map[string]any{"action": "suspend", "userIds": []string{ann1, ann2, ann1}, "reason": "again"}, bulkCounts{selected: 2, unchanged: 2})
			e.bulk(admin, map[string]any{"action": "reinstate", "userIds": pair}, bulkCounts{selected: 2, done: 2})
			if s := e.suspended(ann1, ann2); s[ann1] || s[ann2] {
				t.Fatalf("still suspended: %v", s)
			}
			e.bulk(admin, map[string]any{"action": "reinstate", "userIds": pair}, bulkCounts{selected: 2, unchanged: 2})

			// Roles.
			e.bulk(admin, map[string]any{"action": "addRole", "userIds": pair, "role": "editor"}, bulkCounts{selected: 2, done: 2})
			if !e.hasRole(ann1, "editor") || !e.hasRole(ann2, "editor") || e.hasRole(bob, "editor") {
				t.Fatal("addRole did not give exactly the selection the role")
			}
			e.bulk(admin, map[string]any{"action": "addRole", "userIds": []string{ann1, bob}, "role": "editor"}, bulkCounts{selected: 2, done: 1, unchanged: 1})
			e.bulk(admin, map[string]any{"action": "removeRole", "userIds": []string{ann1, ann2, bob}, "role": "editor"}, bulkCounts{selected: 3, done: 3})
			if e.hasRole(ann1, "editor") || e.hasRole(bob, "editor") {
				t.Fatal("removeRole left the role")
			}

			// A partial failure: a user that is gone is reported, the others are done.
			m := e.bulk(admin, map[string]any{"action": "suspend", "userIds": []string{bob, "no-such-user"}, "reason": "r"}, bulkCounts{selected: 2, done: 1, failed: 1})
			if f := m["failed"].([]any)[0].(map[string]any); f["userId"] != "no-such-user" || f["message"] != "Unknown user: deleted meanwhile?" || m["stopped"] != nil {
				t.Errorf("the failure: %v", m)
			}
			m = e.bulk(admin, map[string]any{"action": "addRole", "userIds": []string{"no-such-user", bob}, "role": "editor"}, bulkCounts{selected: 2, done: 1, failed: 1})
			if f := m["failed"].([]any)[0].(map[string]any); f["userId"] != "no-such-user" {
				t.Errorf("the role failure: %v", m)
			}
			if code := e.refresh(rb); code != http.StatusUnauthorized {
				t.Errorf("bob's refresh after his suspension: %d, want 401", code)
			}

			// Delete, with a user already gone (as asked, so unchanged).
			e.bulk(admin, map[string]any{"action": "delete", "userIds": []string{ann3, "no-such-user"}}, bulkCounts{selected: 2, done: 1, unchanged: 1})
			if u, err := e.lk.User(t.Context(), ann3); err != nil || u != nil {
				t.Fatalf("ann3 after the delete: %v, %v", u, err)
			}

			// Every user that matches a search: ann1 and ann2, not bob.
			_, r2 := e.fdiSession("ann2@a.example", "ann-pass-123")
			m = e.bulk(admin, map[string]any{"action": "suspend", "reason": "domain", "match": map[string]any{"email": "@a.example"}}, bulkCounts{selected: 2, done: 2})
			if m["more"] != nil || m["continueToken"] != nil {
				t.Errorf("a small match says more: %v", m)
			}
			if code := e.refresh(r2); code != http.StatusUnauthorized {
				t.Errorf("ann2's refresh: %d, want 401", code)
			}
			// The suspended filter: ann1, ann2 and bob.
			e.bulk(admin, map[string]any{"action": "reinstate", "match": map[string]any{"suspended": "true"}}, bulkCounts{selected: 3, done: 3})
			e.bulk(admin, map[string]any{"action": "delete", "match": map[string]any{"email": "nobody.example"}}, bulkCounts{})

			// One audit entry per request, with the counts and the selection.
			ev := e.auditEvents(viewer, "action="+url.QueryEscape("dashboard.post /users/bulk")+"&limit=100", 14)
			if got := ev[2]["summary"]; got != `Bulk suspend on every user matching email="a.example" in tenant public (2 users): 2 done, 0 unchanged, 0 failed, 0 not attempted` {
				t.Errorf("the match's audit summary: %v", got)
			}
			if got := ev[13]["summary"]; got != "Bulk revoke sessions on 2 selected users: 2 done, 0 unchanged, 0 failed, 0 not attempted" || ev[13]["actor"] != adminEmail {
				t.Errorf("the first audit entry: %v", ev[13])
			}
		})
	}
}

// TestBulkMatchCap: "every user that matches" walks at most
// Config.BulkMatchLimit users; the answer says more match, and its token
// goes on from the first user not acted on.
func TestBulkMatchCap(t *testing.T) {
	t.Parallel()
	e := start(t, options{dash: dashboard.Config{Admins: []string{adminEmail}, BulkMatchLimit: 3}})
	var ids []string
	for i := range 5 {
		ids = append(ids, e.signUp(fmt.Sprintf("user%d@example.com", i), "user-pass-123"))
	}
	admin := e.signIn(adminEmail)
	e.ok(admin, "PUT", "/dashboard/api/userroles/role", map[string]any{"role": "editor", "permissions": []string{}})
	m := e.bulk(admin, map[string]any{"action": "suspend", "reason": "cap", "match": map[string]any{}}, bulkCounts{selected: 3, done: 3})
	tok, _ := m["continueToken"].(string)
	if m["more"] != true || tok == "" {
		t.Fatalf("past the cap: %v", m)
	}
	// Newest first, as the list shows them.
	if s := e.suspended(ids...); !s[ids[4]] || !s[ids[3]] || !s[ids[2]] || s[ids[1]] || s[ids[0]] {
		t.Fatalf("the first run suspended %v", s)
	}
	m = e.bulk(admin, map[string]any{"action": "suspend", "reason": "cap", "match": map[string]any{"paginationToken": tok}}, bulkCounts{selected: 2, done: 2})
	if m["more"] != nil {
		t.Errorf("the second run says more: %v", m)
	}
	// 1,000 ids is allowed: every unknown one fails, 100 of them listed.
	many := make([]string, 1000)
	for i := range many {
		many[i] = fmt.Sprintf("00000000-0000-4000-8000-%012d", i)
	}
	m = e.ok(admin, "POST", bulkPath, map[string]any{"action": "addRole", "role": "editor", "userIds": many})
	if got := countsOf(m); got != (bulkCounts{selected: 1000, failed: 1000}) || len(m["failed"].([]any)) != 100 {
		t.Errorf("1,000 unknown ids: %+v, %d listed", got, len(m["failed"].([]any)))
	}
	// Deleting in runs: each one takes the next three, until none is left.
	e.bulk(admin, map[string]any{"action": "delete", "match": map[string]any{"email": "user"}}, bulkCounts{selected: 3, done: 3})
	e.bulk(admin, map[string]any{"action": "delete", "match": map[string]any{"email": "user"}}, bulkCounts{selected: 2, done: 2})
	e.bulk(admin, map[string]any{"action": "delete", "match": map[string]any{}}, bulkCounts{})
}

// TestBulkCoreOutage: when the core stops answering part way, the run
// stops instead of failing every remaining user, and the answer says
// exactly what was done, what failed and what was not attempted.
func TestBulkCoreOutage(t *testing.T) {
	t.Parallel()
	var suspends, down atomic.Int32
	e := start(t, options{dash: dashboard.Config{Admins: []string{adminEmail}}, wrapCore: func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if strings.HasSuffix(r.URL.Path, "/recipe/latchkey/user/suspend") && suspends.Add(1) > 5 {
				down.Store(1)
			}
			if down.Load() == 1 {
				http.Error(w, "core stopping", http.StatusServiceUnavailable)
				return
			}
			h.ServeHTTP(w, r)
		})
	}})
	var ids []string
	for i := range 40 {
		ids = append(ids, e.signUp(fmt.Sprintf("user%d@example.com", i), "user-pass-123"))
	}
	admin := e.signIn(adminEmail)
	m := e.ok(admin, "POST", bulkPath, map[string]any{"action": "suspend", "reason": "outage", "userIds": ids})
	c := countsOf(m)
	down.Store(0)
	n := 0
	for _, s := range e.suspended(ids...) {
		if s {
			n++
		}
	}
	if c.done != 5 || n != 5 || c.selected != 40 || c.done+c.failed+c.notAttempted != 40 || c.notAttempted == 0 || c.failed > 8 {
		t.Errorf("counts %+v with %d suspended in the core; answer %v", c, n, m)
	}
	if m["stopped"] != "The core did not answer; whether this user was changed is not known" {
		t.Errorf("stopped: %v", m["stopped"])
	}
	if f := m["failed"].([]any); len(f) != c.failed {
		t.Errorf("failures listed: %v", f)
	}
}

// TestBulkMatchFilters: "every user that matches" takes the list's
// filters (role, email verified, joined days), so that it acts on
// exactly the users the operator sees; a bad filter is the list's 400,
// and the suspended list takes no filter.
func TestBulkMatchFilters(t *testing.T) {
	t.Parallel()
	e := start(t, options{dash: dashboard.Config{Admins: []string{adminEmail}}})
	ann := e.signUp("ann@a.example", "ann-pass-123")
	bob := e.signUp("bob@a.example", "bob-pass-123")
	cy := e.signUp("cy@a.example", "cy-pass-1234")
	admin := e.signIn(adminEmail)
	e.ok(admin, "PUT", "/dashboard/api/userroles/role", map[string]any{"role": "editor", "permissions": []string{}})
	e.bulk(admin, map[string]any{"action": "addRole", "userIds": []string{ann, cy}, "role": "editor"}, bulkCounts{selected: 2, done: 2})

	e.bulk(admin, map[string]any{"action": "suspend", "reason": "editors", "match": map[string]any{"role": "editor", "email": "a.example"}}, bulkCounts{selected: 2, done: 2})
	if s := e.suspended(ann, bob, cy); !s[ann] || s[bob] || !s[cy] {
		t.Fatalf("suspended by role: %v", s)
	}
	e.bulk(admin, map[string]any{"action": "revokeSessions", "match": map[string]any{"emailVerified": "true"}}, bulkCounts{})
	e.bulk(admin, map[string]any{"action": "revokeSessions", "match": map[string]any{"joinedFrom": "1970-01-01"}}, bulkCounts{selected: 3, done: 3})
	e.wantCode(admin, "POST", bulkPath, map[string]any{"action": "delete", "match": map[string]any{"emailVerified": "maybe"}},
		http.StatusBadRequest, "Invalid value received for 'emailVerified': use true or false")
	e.wantCode(admin, "POST", bulkPath, map[string]any{"action": "delete", "match": map[string]any{"suspended": "true", "role": "editor"}},
		http.StatusBadRequest, "'match.suspended' does not combine with a search or filters, as in the list")
}

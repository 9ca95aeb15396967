package dashboard

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
)

func TestExportUsers(t *testing.T) {
	t.Parallel()
	e := start(t, options{})
	for i := range 12 {
		e.signUp(fmt.Sprintf("user%02d@acme.com", i), "pass-word-1")
	}
	e.signUp("=cmd@globex.com", "pass-word-1")
	admin := e.signIn(adminEmail)

	r := e.call(admin, "GET", "/dashboard/api/users/export?format=csv", nil)
	rows, err := csv.NewReader(strings.NewReader(string(r.Body))).ReadAll()
	if r.Code != 200 || err != nil || len(rows) != 14 {
		t.Fatalf("csv: %d, %v, %d rows: %.300s", r.Code, err, len(rows), r.Body)
	}
	if ct, cd := r.Header.Get("Content-Type"), r.Header.Get("Content-Disposition"); ct != "text/csv; charset=utf-8" ||
		!strings.HasPrefix(cd, `attachment; filename="users-public-`) || !strings.HasSuffix(cd, `.csv"`) {
		t.Errorf("csv headers: %q, %q", ct, cd)
	}
	if rows[1][5] != "'=cmd@globex.com" {
		t.Errorf("newest first by default, with the formula defused: %v", rows[1])
	}

	// JSON of a search, oldest first, in the tenant of the path.
	r = e.call(admin, "GET", "/public/dashboard/api/users/export?format=json&email=@acme.com&timeJoinedOrder=ASC", nil)
	var list []map[string]any
	if r.Code != 200 || json.Unmarshal(r.Body, &list) != nil || len(list) != 12 || list[0]["emails"].([]any)[0] != "user00@acme.com" {
		t.Fatalf("json search: %d %.300s", r.Code, r.Body)
	}

	// A read-only account may export what it may read.
	e.ok(admin, "PUT", "/dashboard/api/team/account", map[string]any{"userId": e.accountID(viewerEmail), "readOnly": true})
	viewer := e.signIn(viewerEmail)
	if r := e.call(viewer, "GET", "/dashboard/api/users/export?format=json", nil); r.Code != 200 {
		t.Errorf("read-only export: %d", r.Code)
	}
	if r := e.call("", "GET", "/dashboard/api/users/export?format=json", nil); r.Code != http.StatusUnauthorized {
		t.Errorf("without a session: %d", r.Code)
	}
	e.wantCode(admin, "GET", "/dashboard/api/users/export?format=xml", nil, 400, "Invalid value received for 'format': use csv or json")
	e.wantCode(admin, "GET", "/dashboard/api/users/export", nil, 400, "Invalid value received for 'format': use csv or json")
	e.wantCode(admin, "GET", "/dashboard/api/users/export?format=csv&timeJoinedOrder=up", nil, 400, "")
	e.wantCode(admin, "GET", "/dashboard/api/users/export?format=csv&email="+strings.Repeat("a%3B", 101), nil, 400, "Too many search terms in 'email': at most 100 are allowed")
}

// TestExportsAreCapped: two exports stream at once; a third is refused
// with 429 until one ends.
func TestExportsAreCapped(t *testing.T) {
	t.Parallel()
	var (
		mu      sync.Mutex
		blocked = make(chan struct{}, 8)
		release = make(chan struct{})
		holding = true
	)
	e := start(t, options{wrapCore: func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			mu.Lock()
			hold := holding && strings.HasSuffix(r.URL.Path, "/users") && r.URL.Query().Get("pagedSearch") == "true"
			mu.Unlock()
			if hold {
				blocked <- struct{}{}
				<-release
			}
			h.ServeHTTP(w, r)
		})
	}})
	e.signUp("one@example.com", "pass-word-1")
	admin := e.signIn(adminEmail)
	var wg sync.WaitGroup
	for range 2 {
		wg.Go(func() {
			if r := e.call(admin, "GET", "/dashboard/api/users/export?format=csv", nil); r.Code != 200 {
				t.Errorf("a held export: %d %s", r.Code, r.Body)
			}
		})
	}
	<-blocked
	<-blocked
	e.wantCode(admin, "GET", "/dashboard/api/users/export?format=csv", nil, http.StatusTooManyRequests, "Other exports are running; try again when they end")
	mu.Lock()
	holding = false
	mu.Unlock()
	close(release)
	wg.Wait()
	if r := e.call(admin, "GET", "/dashboard/api/users/export?format=csv", nil); r.Code != 200 {
		t.Errorf("after the others ended: %d", r.Code)
	}
}

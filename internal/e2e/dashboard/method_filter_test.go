package dashboard

import (
	"encoding/csv"
	"strings"
	"testing"
)

// TestLoginMethodFilter: recipeIds keeps the users with that login method
// in the list, its count, a search and the export; a bad value is a 400.
func TestLoginMethodFilter(t *testing.T) {
	t.Parallel()
	e := start(t, options{passwordless: true})
	e.signUp("ann@acme.com", "pass-word-1")
	e.signUp("bob@acme.com", "pass-word-1")
	admin := e.signIn(adminEmail)
	e.ok(admin, "POST", "/dashboard/api/user/passwordless", map[string]any{"email": "pat@acme.com"})

	if got := emails(t, e.ok(admin, "GET", "/dashboard/api/users?limit=10&recipeIds=passwordless", nil)); strings.Join(got, ",") != "pat@acme.com" {
		t.Errorf("passwordless users: %v", got)
	}
	if m := e.ok(admin, "GET", "/dashboard/api/users/count?recipeIds=emailpassword", nil); m["count"] != float64(2) {
		t.Errorf("email-password count: %v", m)
	}
	if m := e.ok(admin, "GET", "/dashboard/api/users/count?recipeIds=passwordless&email=acme", nil); m["count"] != float64(1) {
		t.Errorf("passwordless search count: %v", m)
	}
	if got := emails(t, e.ok(admin, "GET", "/dashboard/api/users?limit=10&pagedSearch=true&email=acme&recipeIds=emailpassword", nil)); len(got) != 2 {
		t.Errorf("email-password search: %v", got)
	}
	r := e.call(admin, "GET", "/dashboard/api/users/export?format=csv&recipeIds=passwordless", nil)
	rows, err := csv.NewReader(strings.NewReader(string(r.Body))).ReadAll()
	if r.Code != 200 || err != nil || len(rows) != 2 || rows[1][5] != "pat@acme.com" {
		t.Errorf("passwordless export: %d %v %v", r.Code, err, rows)
	}
	e.wantCode(admin, "GET", "/dashboard/api/users?limit=10&recipeIds=password", nil, 400, "")
	e.wantCode(admin, "GET", "/dashboard/api/users/count?recipeIds=emailpassword,nope", nil, 400, "")
}

// TestBrowserLoginMethodFilter: the list's Login method select keeps one
// login method's users, with their count, and the URL keeps it.
func TestBrowserLoginMethodFilter(t *testing.T) {
	e, w := signedIn(t, options{passwordless: true})
	e.signUp("ann@acme.com", "pass-word-1")
	e.ok(e.signIn(adminEmail), "POST", "/dashboard/api/user/passwordless", map[string]any{"email": "pat@acme.com"})
	w.reload()
	w.waitFor("two users", `L.text('Total users: 2')`)
	w.choose("the login method", `L.label('Login method')`, "passwordless")
	w.waitFor("one user", `L.text('Total users: 1') && L.role('link', 'pat@acme.com') && !L.role('link', 'ann@acme.com')`)
	w.reload()
	w.waitFor("the filter kept", `location.search.includes('method=passwordless') && L.label('Login method').value === 'passwordless' && L.role('link', 'pat@acme.com')`)
}

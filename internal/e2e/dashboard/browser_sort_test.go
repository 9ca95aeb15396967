package dashboard

import (
	"testing"
	"time"
)

// TestBrowserSortByLastActive: the list sorts by last activity, both
// ways, listing the users who signed in, and keeps the sort in the URL
// across a reload.
func TestBrowserSortByLastActive(t *testing.T) {
	e, w := signedIn(t, options{})
	for _, email := range []string{"ann@acme.com", "bob@acme.com", "cy@acme.com"} {
		e.signUp(email, "pass-word-1")
	}
	e.signUp("never@acme.com", "pass-word-1")
	for _, email := range []string{"bob@acme.com", "cy@acme.com", "ann@acme.com"} { // ann is the most recent
		e.fdiSession(email, "pass-word-1")
		time.Sleep(2 * time.Millisecond) // distinct sign-in times
	}
	w.reload()
	w.waitFor("the list", `L.text('Total users: 4')`)
	first := `document.querySelector('.users-table tbody tr a.user-link')?.textContent`
	w.choose("the sort", `L.label('Sort')`, "active-DESC")
	w.waitFor("ann first", first+` === 'ann@acme.com' && document.querySelectorAll('.users-table tbody tr').length === 3`)
	w.choose("the sort", `L.label('Sort')`, "active-ASC")
	w.waitFor("bob first", first+` === 'bob@acme.com'`)
	w.reload()
	w.waitFor("the sort kept", `location.search.includes('sort=active') && L.label('Sort').value === 'active-ASC'`)
	w.waitFor("bob first after the reload", first+` === 'bob@acme.com'`)
}

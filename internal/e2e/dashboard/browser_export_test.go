package dashboard

import "testing"

// TestBrowserExport: the list's export buttons download every user, or
// the search's results, as a file, by keyboard, and fit at 390 px. The
// toast names the file the server sent (its Content-Disposition).
func TestBrowserExport(t *testing.T) {
	e, w := signedIn(t, options{})
	e.signUp("ann@acme.com", "pass-word-1")
	e.signUp("bob@globex.com", "pass-word-1")
	w.reload()
	w.waitFor("two users", `L.text('Total users: 2')`)
	w.press("Export as CSV", `L.role('button', 'Export all users as CSV')`)
	w.waitFor("the toast", `L.text(/^Exported to users-public-\d{4}-\d\d-\d\d\.csv$/)`)

	w.fill("the search box", `L.label('Search value')`, "acme")
	w.press("Search", `L.role('button', 'Search')`)
	w.waitFor("one result", `L.text('1 result')`)
	w.press("Export as JSON", `L.role('button', 'Export the users shown as JSON')`)
	w.waitFor("the toast", `L.text(/^Exported to users-public-\d{4}-\d\d-\d\d\.json$/)`)

	w.viewport(390)
	w.noOverflow("the toolbar", `document.querySelector('.toolbar')`)
}

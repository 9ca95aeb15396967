package dashboard

import (
	"fmt"
	"net/http"
	"testing"
)

// toggle gives the checkbox of expr the focus and presses Space on it, as
// a keyboard user would.
func (w *walker) toggle(what, expr string) {
	w.t.Helper()
	w.waitFor(what, expr)
	if err := w.eval(`(() => { const el = `+expr+`; el.focus(); return true; })()`, nil); err != nil {
		w.fail("focusing %s: %v", what, err)
	}
	w.key(" ")
}

// TestBrowserBulkWalk walks the bulk actions by keyboard: select two rows
// and suspend them, select every user that matches a search and revoke
// their sessions (at 1280 px), then at 390 px delete two users with the
// typed confirmation; each result is announced in a live region. Any
// console error or CSP violation fails it.
func TestBrowserBulkWalk(t *testing.T) {
	e, w := signedIn(t, options{})
	w.shots = shotDir(t, "bulk")
	ctx := t.Context()
	var acme []string
	for i := range 12 {
		acme = append(acme, e.signUp(fmt.Sprintf("user%02d@acme.com", i), "pass-word-1"))
	}
	bob := e.signUp("bob@globex.com", "pass-word-1")
	carl := e.signUp("carl@globex.com", "pass-word-1")
	_, acmeRefresh := e.fdiSession("user00@acme.com", "pass-word-1")
	_, bobRefresh := e.fdiSession("bob@globex.com", "pass-word-1")
	w.reload()
	w.waitFor("the count", `L.text('Total users: 14')`)
	result := `document.querySelector('.bulk-result[role=status][aria-live=polite]')`

	// Two rows, suspended.
	w.toggle("Bob's checkbox", `L.label('Select bob@globex.com')`)
	w.toggle("Carl's checkbox", `L.label('Select carl@globex.com')`)
	w.waitFor("two selected", `L.text('2 selected.')`)
	actions := `document.querySelector('[role=group][aria-label="Actions on the 2 users selected"]')`
	w.press("Suspend", `L.role('button', 'Suspend', `+actions+`)`)
	dlg := `L.role('dialog', 'Suspend 2 users')`
	w.waitFor("the dialog", dlg)
	before := w.writeCount()
	w.press("Suspend without a reason", `L.role('button', 'Suspend', `+dlg+`)`)
	w.waitFor("the reason error", `L.text('Give a reason: operators will read it later', `+dlg+`)`)
	if got := w.writesSince(before); len(got) != 0 {
		t.Fatalf("a suspension without a reason was sent: %v", got)
	}
	w.fill("the reason", `L.label('Reason', `+dlg+`)`, "Chargebacks")
	w.shot("bulk-suspend")
	w.press("Suspend", `L.role('button', 'Suspend', `+dlg+`)`)
	w.gone("the dialog", dlg)
	w.waitFor("the summary", `L.text('Suspended 2 users.', `+result+`)`)
	w.waitFor("two badges", `document.querySelectorAll('.badge-suspended').length === 2`)
	if s := e.suspended(bob, carl, acme[0]); !s[bob] || !s[carl] || s[acme[0]] {
		t.Fatalf("suspended in the core: %v", s)
	}
	if code := e.refresh(bobRefresh); code != http.StatusUnauthorized {
		t.Errorf("Bob's refresh after the suspension: %d, want 401", code)
	}
	w.gone("the selection", `L.text('2 selected.')`)

	// Every user that matches a search: the page, then all 12.
	w.fill("the search box", `L.label('Search value')`, "acme.com")
	w.press("Search", `L.role('button', 'Search')`)
	w.waitFor("12 results", `L.text('12 results')`)
	w.waitFor("a page of ten", `document.querySelectorAll('tbody .row-check').length === 10`)
	w.toggle("Select all on this page", `L.label('Select all on this page')`)
	w.waitFor("ten selected", `L.text('10 selected.')`)
	w.press("Select all 12", `L.role('button', 'Select all 12 that match')`)
	w.waitFor("all selected", `L.text('All 12 users that match are selected.')`)
	w.press("Revoke sessions", `L.role('button', 'Revoke sessions', document.querySelector('[role=group][aria-label="Actions on the 12 users selected"]'))`)
	dlg = `L.role('dialog', 'Revoke the sessions of 12 users')`
	w.waitFor("the dialog", dlg)
	w.press("Revoke sessions", `L.role('button', 'Revoke sessions', `+dlg+`)`)
	w.gone("the dialog", dlg)
	w.waitFor("the summary", `L.text('Revoked the sessions of 12 users.', `+result+`)`)
	w.shot("bulk-revoked")
	if code := e.refresh(acmeRefresh); code != http.StatusUnauthorized {
		t.Errorf("an acme user's refresh after the bulk revoke: %d, want 401", code)
	}
	w.emulateScheme("dark")
	w.readable("the summary in dark mode", `L.text('Revoked the sessions of 12 users.', `+result+`)`)
	w.emulateScheme("light")

	// At 390 px: delete two users, confirmed by typing their number.
	w.viewport(390)
	w.press("Clear search", `L.role('button', 'Clear search')`)
	w.waitFor("the count", `L.text('Total users: 14')`)
	w.toggle("Bob's checkbox", `L.label('Select bob@globex.com')`)
	w.toggle("Carl's checkbox", `L.label('Select carl@globex.com')`)
	w.waitFor("two selected", `L.text('2 selected.')`)
	w.noOverflow("the bulk actions", `document.querySelector('.bulk-actions')`)
	w.noOverflow("the selection bar", `document.querySelector('.bulk-select')`)
	w.press("Delete", `L.role('button', 'Delete', `+actions+`)`)
	dlg = `L.role('alertdialog', 'Delete 2 users?')`
	w.waitFor("the dialog", dlg)
	w.waitFor("Delete disabled until confirmed", `L.role('button', 'Delete forever', `+dlg+`).disabled`)
	w.fill("the confirmation", `L.label('Type 2 (the number of users) to confirm', `+dlg+`)`, "3")
	w.waitFor("still disabled", `L.role('button', 'Delete forever', `+dlg+`).disabled`)
	w.fill("the confirmation", `L.label('Type 2 (the number of users) to confirm', `+dlg+`)`, "2")
	w.noOverflow("the dialog", dlg)
	w.shot("bulk-delete-390")
	w.press("Delete forever", `L.role('button', 'Delete forever', `+dlg+`)`)
	w.gone("the dialog", dlg)
	w.waitFor("the summary", `L.text('Deleted 2 users.', `+result+`)`)
	w.waitFor("the count", `L.text('Total users: 12')`)
	w.noOverflow("the summary", result)
	for _, id := range []string{bob, carl} {
		if u, err := e.lk.User(ctx, id); err != nil || u != nil {
			t.Errorf("user %s after the delete: %v, %v", id, u, err)
		}
	}
	w.shot("bulk-deleted-390")
}

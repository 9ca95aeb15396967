package dashboard

import (
	"fmt"
	"testing"
)

// TestBrowserOverview walks the overview by keyboard at 1280 px (light)
// and 390 px (dark): its figures, the sign-up chart over each period with
// the table behind it, and the users by login method.
func TestBrowserOverview(t *testing.T) {
	e, w := signedIn(t, options{})
	e.signUp("ann@acme.com", "pass-word-1")
	e.signUp("bob@acme.com", "pass-word-1")
	e.fdiSession("ann@acme.com", "pass-word-1") // active now
	for _, round := range []struct {
		width  int
		scheme string
	}{{1280, "light"}, {390, "dark"}} {
		w.viewport(round.width)
		w.emulateScheme(round.scheme)
		w.press("Overview", `L.role('link', 'Overview')`)
		w.waitFor("the overview", `L.role('heading', 'Overview')`)
		w.waitFor("the app's users", `L.text('Users in the app') && L.text('Users in the app').nextElementSibling.textContent === '2'`)
		w.waitFor("today's sign-ups", `L.text('Sign-ups today').nextElementSibling.textContent === '2'`)
		w.waitFor("the active users", `L.text('Active in the last 30 days').nextElementSibling.textContent === '1'`)
		w.waitFor("the chart", `document.querySelector('svg[role=img][aria-label^="2 sign-ups from"]')`)
		w.waitFor("the login methods", `L.text('Email password', L.role('region', 'Users by login method'))`)
		for _, days := range []int{90, 365, 30} {
			w.press(fmt.Sprintf("%d days", days), `L.label('`+fmt.Sprint(days)+` days')`)
			// A radio takes Enter as nothing: choose it as the keyboard does, with Space.
			w.key(" ")
			w.waitFor("the chart's heading", `L.role('heading', 'Sign-ups per day, last `+fmt.Sprint(days)+` days')`)
		}
		w.press("the table", `document.querySelector('.chart-table summary')`)
		w.waitFor("30 rows", `document.querySelectorAll('.chart-table tbody tr').length === 30`)
		w.noOverflow("the overview", `document.querySelector('.overview')`)
		w.shot("overview-" + round.scheme)
	}
}

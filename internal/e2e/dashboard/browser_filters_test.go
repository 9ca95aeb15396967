package dashboard

import (
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/google/uuid"

	"github.com/latchkey-dev/latchkey/store"
)

// seedFilterWalk stores 32 users u00..u31, joined at noon UTC on
// 2026-01-01 plus i days, verified unless i is a multiple of 3, admins
// when i is even.
func seedFilterWalk(t *testing.T, e *env) {
	t.Helper()
	ctx, s := t.Context(), e.core.Store
	if _, err := s.CreateRole(ctx, "admin", nil); err != nil {
		t.Fatal(err)
	}
	for i := range 32 {
		id, email := uuid.NewString(), fmt.Sprintf("u%02d@acme.com", i)
		joined := time.Date(2026, 1, 1+i, 12, 0, 0, 0, time.UTC)
		if err := s.CreateEmailPasswordUser(ctx, store.EmailPasswordUser{ID: id, TenantID: "public", Email: email, PasswordHash: "$2a$04$x", TimeJoined: joined}); err != nil {
			t.Fatal(err)
		}
		if i%3 != 0 {
			if err := s.SetEmailVerified(ctx, id, email, true); err != nil {
				t.Fatal(err)
			}
		}
		if i%2 == 0 {
			if _, err := s.AddUserRole(ctx, "public", id, "admin"); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// pick sets the <select> of expr to value with the keyboard: it focuses
// the select and presses the arrow keys, as a keyboard user would.
func (w *walker) pick(what, expr, value string) {
	w.t.Helper()
	w.waitFor(what, "(() => { const el = "+expr+"; return el && !el.disabled && [...el.options].some((o) => o.value === "+js(value)+"); })()")
	var steps int
	if err := w.eval(`(() => { const el = `+expr+`; el.focus(); return [...el.options].findIndex((o) => o.value === `+js(value)+`) - el.selectedIndex; })()`, &steps); err != nil {
		w.fail("focusing %s: %v", what, err)
	}
	for k := kb.ArrowDown; steps != 0; {
		if steps < 0 {
			k = kb.ArrowUp
			steps++
		} else {
			steps--
		}
		w.key(k)
	}
	w.waitFor(what+" set to "+value, "("+expr+").value === "+js(value))
}

// typeDay types a day into the date input of expr, digit by digit, in the
// browser's month/day/year order, and checks the value it took.
func (w *walker) typeDay(what, expr string, year, month, day int) {
	w.t.Helper()
	w.waitFor(what, expr)
	if err := w.eval(`(() => { const el = `+expr+`; el.focus(); return true; })()`, nil); err != nil {
		w.fail("focusing %s: %v", what, err)
	}
	w.run(chromedp.KeyEvent(fmt.Sprintf("%02d%02d%04d", month, day, year)))
	w.waitFor(what+" typed", "("+expr+").value === "+js(fmt.Sprintf("%04d-%02d-%02d", year, month, day)))
}

// TestBrowserListFilters: at 390 and 1280 px, each filter set with the
// keyboard narrows the rows and the total; Last shows the last page; a
// user opened from it and Back return to the same page, filters and all;
// the sorts and the list that do not combine with filters say so.
func TestBrowserListFilters(t *testing.T) {
	e, w := signedIn(t, options{})
	seedFilterWalk(t, e)
	rows := `[...document.querySelectorAll('.users-table tbody tr a.user-link')].map((a) => a.textContent.replace('@acme.com', '')).join(',')`
	for _, width := range []int{390, 1280} {
		w.viewport(width)
		w.navigate(e.URL + "/auth/dashboard")
		w.waitFor("every user", `L.text('Total users: 32')`)
		w.waitFor("the newest first", rows+` === 'u31,u30,u29,u28,u27,u26,u25,u24,u23,u22'`)

		w.pick("the email filter", `L.label('Email')`, "true")
		w.waitFor("the verified users", `L.text('Total users: 21') && `+rows+` === 'u31,u29,u28,u26,u25,u23,u22,u20,u19,u17'`)
		w.waitFor("the page count", `L.text('Page 1 of 3')`)

		w.typeDay("the first day", `L.label('Joined from')`, 2026, 1, 5)
		w.waitFor("joined from the 5th", `L.text('Total users: 19')`)
		w.typeDay("the last day", `L.label('to')`, 2026, 1, 20)
		w.waitFor("joined from the 5th to the 20th", `L.text('Total users: 11') && `+rows+` === 'u19,u17,u16,u14,u13,u11,u10,u08,u07,u05'`)

		w.pick("the role filter", `L.label('Role')`, "admin")
		w.waitFor("the admins among them", `L.text('Total users: 5') && `+rows+` === 'u16,u14,u10,u08,u04'`)
		w.pick("the role filter", `L.label('Role')`, "")
		w.waitFor("every role again", `L.text('Total users: 11')`)

		// What does not combine says so instead of being ignored.
		w.waitFor("the activity sorts off, with the reason", `[...L.label('Sort').options].filter((o) => o.value.startsWith('active') || o.value.startsWith('signin')).every((o) => o.disabled)`+
			` && L.text(/lists every user who signed in, so it is off while a search or filter is set/)`)
		w.waitFor("the suspended list off", `L.label('Show').querySelector('option[value=suspended]').disabled`)

		w.press("Last page", `L.role('button', 'Last page')`)
		w.waitFor("the last page", `L.text('Page 2 of 2') && L.text('11 - 11 of 11') && `+rows+` === 'u04'`)
		w.focusIs("the focus kept on the pager", `L.role('button', 'First page')`)
		at := ""
		if err := w.eval(`location.search`, &at); err != nil {
			w.fail("reading the URL: %v", err)
		}
		w.press("the user", `L.role('link', 'u04@acme.com')`)
		w.waitFor("the user page", `!document.querySelector('.users-table') && L.text(/u04@acme.com/)`)
		w.run(chromedp.NavigateBack())
		w.waitFor("the same place", `location.search === `+strconv.Quote(at)+` && L.text('Page 2 of 2') && `+rows+` === 'u04'`+
			` && L.label('Email').value === 'true' && L.label('Joined from').value === '2026-01-05' && L.label('to').value === '2026-01-20'`)
		w.press("Previous page", `L.role('button', 'Previous page')`)
		w.waitFor("the page before the last", `L.text('Page 1 of 2') && L.text('1 - 10 of 11') && `+rows+` === 'u19,u17,u16,u14,u13,u11,u10,u08,u07,u05'`)
		w.press("First page", `L.role('button', 'Next page')`)
		w.waitFor("the last page again", rows+` === 'u04'`)
		w.press("First page", `L.role('button', 'First page')`)
		w.waitFor("the first page", `L.text('Page 1 of 2') && `+rows+` === 'u19,u17,u16,u14,u13,u11,u10,u08,u07,u05'`)
		w.noOverflow("the filters", `document.querySelector('.filters')`)
		w.noOverflow("the pager", `document.querySelector('.pager')`)

		// The suspended list disables the filters, and says why.
		w.press("Clear filters", `L.role('button', 'Clear filters')`)
		w.waitFor("every user again", `L.text('Total users: 32')`)
		w.pick("the suspended list", `L.label('Show')`, "suspended")
		w.waitFor("the filters off, with the reason", `document.querySelector('.filters').disabled && L.text(/The suspended list shows every suspended user/)`)
		w.pick("every user", `L.label('Show')`, "all")
		w.waitFor("the filters back", `!document.querySelector('.filters').disabled`)
	}
}

package dashboard

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
)

// The browser tests of issue 16 item 6, "Fix what the walk found": one
// test (or one step of a test) for each thing the walk found, by the
// keyboard where it matters, at 390 px and 1280 px where the layout
// matters, and in light and dark mode where colours matter. The walker
// fails each of them on any console error or CSP violation.

// signedIn starts an env and a walker signed in as the admin, on the users
// page.
func signedIn(t *testing.T, o options) (*env, *walker) {
	t.Helper()
	requireChromium(t)
	o.localhost = true
	e := start(t, o)
	w := newWalker(t, e, "")
	w.navigate(e.URL + "/auth/dashboard")
	w.signIn(adminEmail)
	w.waitFor("the users page", `L.role('heading', 'User Management')`)
	w.waitFor("the list", `document.querySelector('.total')`)
	return e, w
}

// press gives the element of expr the focus and presses Enter on it, as a
// keyboard user would.
func (w *walker) press(what, expr string) {
	w.t.Helper()
	w.waitFor(what, "(() => { const el = "+expr+"; return el && !el.disabled; })()")
	if err := w.eval(`(() => { const el = `+expr+`; el.focus(); return true; })()`, nil); err != nil {
		w.fail("focusing %s: %v", what, err)
	}
	w.key("\r")
}

// openUser opens a user's page and waits for its cards.
func (w *walker) openUser(id, heading string) {
	w.t.Helper()
	w.navigate(w.e.URL + "/auth/dashboard/users/" + id)
	w.waitFor("the user's page", `L.role('heading', `+js(heading)+`)`)
	w.waitFor("the sessions", `L.role('region', /^Sessions \(\d+\)$/)`)
	w.waitFor("the metadata", `L.role('region', 'User metadata') && document.querySelector('pre.json')`)
}

// allow excuses the browser's log line for HTTP answers with this status
// (a step that makes the server fail on purpose).
func (w *walker) allow(status int) {
	w.b.Allow = func(p string) bool {
		return strings.Contains(p, fmt.Sprintf("status of %d", status))
	}
}

// TestBrowserEditInfoReachesMetadata: names are metadata. After "Edit info"
// the metadata card shows the new names, an open metadata editor takes
// them too, so its next save does not write the old ones back; and "Edit
// info" can clear a name.
func TestBrowserEditInfoReachesMetadata(t *testing.T) {
	e, w := signedIn(t, options{})
	ctx := t.Context()
	id := e.signUp("names@example.com", "pass-word-1")
	if _, err := e.md.UpdateUserMetadata(ctx, id, map[string]any{"first_name": "Old", "last_name": "Name", "plan": "free"}); err != nil {
		t.Fatal(err)
	}
	w.openUser(id, "Old Name")
	md := `L.role('region', 'User metadata')`
	info := `L.role('region', 'User information')`
	dlg := `L.role('dialog', 'Edit user information')`

	// The metadata editor is open while "Edit info" changes the first
	// name and clears the last one.
	w.click("Edit metadata", `L.role('button', 'Edit', `+md+`)`)
	editor := `L.label(/^Metadata/, ` + md + `)`
	w.waitFor("the editor", editor)
	w.click("Edit info", `L.role('button', 'Edit info', `+info+`)`)
	w.fill("first name", `L.label('First name', `+dlg+`)`, "New")
	w.fill("last name", `L.label('Last name', `+dlg+`)`, "")
	w.click("Save", `L.role('button', 'Save', `+dlg+`)`)
	w.gone("the dialog", dlg)
	w.waitFor("the new name", `L.role('heading', 'New')`)
	w.waitFor("no last name", `L.text('Not set', `+info+`)`)
	var text string
	w.waitFor("the editor with the new name", editor+`.value.includes('"New"')`)
	if err := w.eval(editor+`.value`, &text); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(text, "Old") || strings.Contains(text, "last_name") {
		t.Fatalf("the open editor still has the old names:\n%s", text)
	}
	w.click("Save metadata", `L.role('button', 'Save', `+md+`)`)
	w.waitFor("the toast", `L.text('User metadata updated')`)
	got, err := e.md.UserMetadata(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if want := map[string]any{"first_name": "New", "plan": "free"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("metadata after saving the editor: %v, want %v", got, want)
	}

	// With the editor closed: the card shows the new name, and the next
	// save keeps it.
	w.click("Edit info", `L.role('button', 'Edit info', `+info+`)`)
	w.fill("first name", `L.label('First name', `+dlg+`)`, "Newer")
	w.click("Save", `L.role('button', 'Save', `+dlg+`)`)
	w.waitFor("the new name in the metadata", `L.text('"Newer"', `+md+`)`)
	w.click("Edit metadata", `L.role('button', 'Edit', `+md+`)`)
	w.click("Save metadata", `L.role('button', 'Save', `+md+`)`)
	w.waitFor("the metadata view", md+` && `+md+`.querySelector('pre.json')`)
	if got, _ := e.md.UserMetadata(ctx, id); got["first_name"] != "Newer" {
		t.Fatalf("metadata after the next save: %v", got)
	}
}

// TestBrowserFocusStaysAfterActions presses each control with the keyboard
// and checks where the focus lands: never on the page body.
func TestBrowserFocusStaysAfterActions(t *testing.T) {
	e, w := signedIn(t, options{})
	ctx := t.Context()
	for i := range 24 {
		e.signUp(fmt.Sprintf("person%02d@example.com", i), "pass-word-1")
	}
	id := e.signUp("focus@example.com", "pass-word-1")
	roles, _ := e.roles.Service()
	for _, r := range []string{"alpha", "beta"} {
		if _, err := roles.CreateNewRoleOrAddPermissions(ctx, r, []string{"read"}); err != nil {
			t.Fatal(err)
		}
		if _, err := roles.AddRoleToUser(ctx, "public", id, r); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := roles.CreateNewRoleOrAddPermissions(ctx, "gamma", nil); err != nil {
		t.Fatal(err)
	}
	e.fdiSession("focus@example.com", "pass-word-1")
	e.fdiSession("focus@example.com", "pass-word-1")

	// Next and previous page keep the focus; on the last page it moves to
	// Previous.
	w.reload()
	w.waitFor("the first page", `L.text('1 - 10 of 25')`)
	next, prev := `L.role('button', 'Next page')`, `L.role('button', 'Previous page')`
	w.press("Next page", next)
	w.waitFor("the second page", `L.text('11 - 20 of 25')`)
	w.focusIs("Next page", next)
	w.key("\r")
	w.waitFor("the last page", `L.text('21 - 25 of 25')`)
	w.focusIs("Previous page", prev)
	w.key("\r")
	w.waitFor("the second page", `L.text('11 - 20 of 25')`)
	w.focusIs("Previous page", prev)

	w.openUser(id, "focus@example.com")
	card := `L.role('article', /Email password/)`

	// Verify and unverify keep the focus on the button.
	w.press("Set as verified", `L.role('button', 'Set as verified', `+card+`)`)
	w.waitFor("verified", `L.text('Verified', `+card+`)`)
	w.focusIs("the verification button", `L.role('button', 'Set as unverified', `+card+`)`)
	w.key("\r")
	w.waitFor("not verified", `L.text('Not verified', `+card+`)`)
	w.focusIs("the verification button", `L.role('button', 'Set as verified', `+card+`)`)

	// The metadata editor takes the focus, and gives it back to Edit.
	md := `L.role('region', 'User metadata')`
	w.press("Edit metadata", `L.role('button', 'Edit', `+md+`)`)
	w.focusIs("the editor", `L.label(/^Metadata/, `+md+`)`)
	w.press("Cancel", `L.role('button', 'Cancel', `+md+`)`)
	w.focusIs("Edit", `L.role('button', 'Edit', `+md+`)`)
	w.key("\r")
	w.focusIs("the editor", `L.label(/^Metadata/, `+md+`)`)
	w.press("Save", `L.role('button', 'Save', `+md+`)`)
	w.waitFor("the toast", `L.text('User metadata updated')`)
	w.focusIs("Edit", `L.role('button', 'Edit', `+md+`)`)

	// Removing a role asks first (Cancel has the focus), then gives the
	// focus to the next role.
	rs := `L.role('region', 'User roles')`
	w.press("Remove role alpha", `L.role('button', 'Remove role alpha', `+rs+`)`)
	confirm := `L.role('alertdialog', 'Remove role?')`
	w.focusIs("Cancel", `L.role('button', 'Cancel', `+confirm+`)`)
	w.key("\r")
	w.gone("the confirmation", confirm)
	w.focusIs("Remove role alpha", `L.role('button', 'Remove role alpha', `+rs+`)`)
	if got, _ := roles.RolesForUser(ctx, "public", id); len(got) != 2 {
		t.Fatalf("Cancel removed a role: %v", got)
	}
	w.key("\r")
	w.focusIs("Cancel", `L.role('button', 'Cancel', `+confirm+`)`)
	w.key("\t")
	w.focusIs("Remove role", `L.role('button', 'Remove role', `+confirm+`)`)
	w.key("\r")
	w.gone("alpha", `L.role('button', 'Remove role alpha', `+rs+`)`)
	w.focusIs("the next role", `L.role('button', 'Remove role beta', `+rs+`)`)
	if got, _ := roles.RolesForUser(ctx, "public", id); !reflect.DeepEqual(got, []string{"beta"}) {
		t.Fatalf("roles after removing alpha: %v", got)
	}

	// The assign-role dialog opens on its Role field, once the roles load.
	w.press("Assign role", `L.role('button', 'Assign role', `+rs+`)`)
	ar := `L.role('dialog', 'Assign User Roles')`
	w.focusIs("the Role field", `L.label('Role', `+ar+`)`)
	w.key("\x1b")
	w.gone("the dialog", ar)

	// Revoking a session asks first, then gives the focus to the next
	// session, and to the card's heading after the last one.
	w.press("Revoke", `L.role('button', /^Revoke session/, L.role('region', 'Sessions (2)'))`)
	rv := `L.role('alertdialog', 'Revoke session?')`
	w.focusIs("Cancel", `L.role('button', 'Cancel', `+rv+`)`)
	w.key("\t")
	w.key("\r")
	w.waitFor("one session", `L.role('region', 'Sessions (1)')`)
	w.focusIs("the other session", `L.role('button', /^Revoke session/, L.role('region', 'Sessions (1)'))`)
	w.key("\r")
	w.click("confirm", `L.role('button', 'Revoke session', `+rv+`)`)
	w.waitFor("no session", `L.role('region', 'Sessions (0)')`)
	w.focusIs("the heading", `L.role('heading', 'Sessions (0)')`)
}

// longEmail is a valid email of 150 characters.
var longEmail = strings.Repeat("l", 64) + "@" + strings.Repeat("d", 63) + "." + strings.Repeat("e", 17) + ".com"

// TestBrowserLongEmailFits: a 150-character email fits the user page and
// the delete dialog at 390 px, and leaves every date in the list on one
// line, at 390 px and 1280 px.
func TestBrowserLongEmailFits(t *testing.T) {
	if len(longEmail) != 150 {
		t.Fatalf("the email has %d characters", len(longEmail))
	}
	e, w := signedIn(t, options{})
	id := e.signUp(longEmail, "pass-word-1")
	for i := range 3 {
		e.signUp(fmt.Sprintf("short%d@example.com", i), "pass-word-1")
	}
	oneLine := `[...document.querySelectorAll('tbody time')].every((t) => t.getClientRects().length === 1 && t.getBoundingClientRect().height < 2 * parseFloat(getComputedStyle(t).lineHeight))`
	for _, width := range []int{1280, 390} {
		func() {
			w.viewport(width)
			w.navigate(e.URL + "/auth/dashboard")
			w.waitFor("the list", `L.role('link', `+js(longEmail)+`)`)
			var ok bool
			if err := w.eval(oneLine, &ok); err != nil || !ok {
				w.fail("a date in the list wraps at %d px (%v)", width, err)
			}
			w.noOverflow("the list", `document.querySelector('main')`)

			w.openUser(id, longEmail)
			w.noOverflow("the user page", `document.querySelector('main')`)
			w.noOverflow("the user's information", `L.role('region', 'User information')`)
			w.noOverflow("the login method", `L.role('article', /Email password/)`)
			w.click("Delete user", `L.role('button', 'Delete user')`)
			del := `L.role('alertdialog', 'Delete User?')`
			w.noOverflow("the delete dialog", del)
			w.noOverflow("the delete dialog's label", `L.label(/^Type /, `+del+`)`)
			w.key("\x1b")
			w.gone("the dialog", del)
		}()
	}
}

// TestBrowserCoreDown: with the core down the dashboard says what is wrong,
// in light and dark mode and at 390 px, and keeps its navigation and Sign
// Out.
func TestBrowserCoreDown(t *testing.T) {
	e, w := signedIn(t, options{switchable: true})
	e.signUp("down@example.com", "pass-word-1")
	w.reload()
	w.waitFor("the user", `L.role('link', 'down@example.com')`)
	w.allow(500)

	e.coreDown.Store(true)
	w.reload()
	w.waitFor("the error page", `L.role('heading', 'The dashboard cannot load')`)
	alert := `L.role('alert', /Latchkey core/)`
	w.waitFor("what is wrong", alert)
	w.waitFor("the navigation", `L.role('link', 'Users') && L.role('link', /^Roles/) && L.role('link', 'Tenants')`)
	w.waitFor("Sign Out", `L.role('button', 'Sign Out')`)
	for _, scheme := range []string{"light", "dark"} {
		w.emulateScheme(scheme)
		w.readable("the error ("+scheme+")", alert)
	}
	w.emulateScheme("light")
	w.viewport(390)
	w.noOverflow("the error page", `document.querySelector('main')`)
	w.uncovered("Sign Out", `L.role('button', 'Sign Out')`)
	w.viewport(1280)

	// Back up: Try again shows the users; a page that then fails says why.
	e.coreDown.Store(false)
	w.press("Try again", `L.role('button', 'Try again')`)
	w.waitFor("the user", `L.role('link', 'down@example.com')`)
	e.coreDown.Store(true)
	w.click("the user", `L.role('link', 'down@example.com')`)
	w.waitFor("the user page's error", `L.role('heading', 'Could not load the user')`)
	w.waitFor("what is wrong", `L.role('alert', /Latchkey core/)`)
	w.waitFor("the navigation", `L.role('link', 'Users')`)

	// Sign Out works without the core.
	w.click("Sign Out", `L.role('button', 'Sign Out')`)
	w.waitFor("the sign-in screen", `L.role('heading', 'User Management Dashboard')`)
}

// TestBrowserSessionExpiredKeepsTheDraft: when the dashboard session ends
// under an unsaved metadata edit, the sign-in screen says so, and after
// signing in again the editor comes back with the draft.
func TestBrowserSessionExpiredKeepsTheDraft(t *testing.T) {
	e, w := signedIn(t, options{})
	id := e.signUp("draft@example.com", "pass-word-1")
	w.openUser(id, "draft@example.com")
	md := `L.role('region', 'User metadata')`
	editor := `L.label(/^Metadata/, ` + md + `)`
	w.click("Edit metadata", `L.role('button', 'Edit', `+md+`)`)
	w.fill("the editor", editor, `{"plan": "gold"}`)

	// The session ends elsewhere; the save answers 401.
	w.allow(401)
	e.ok(w.localStorage("auth-token"), "POST", "/dashboard/api/signout", map[string]any{})
	w.click("Save", `L.role('button', 'Save', `+md+`)`)
	w.waitFor("the sign-in screen", `L.role('heading', 'User Management Dashboard')`)
	w.waitFor("why", `L.text(/^Your dashboard session has ended: it expired, or was signed out elsewhere\. Sign in again to continue; your unsaved changes will be restored\.$/)`)
	for _, scheme := range []string{"light", "dark"} {
		w.emulateScheme(scheme)
		w.readable("the notice ("+scheme+")", `document.querySelector('.auth-card [role=status]')`)
	}
	w.emulateScheme("light")

	w.signIn(adminEmail)
	w.waitFor("the user's page", `L.role('heading', 'draft@example.com')`)
	w.waitFor("the editor with the draft", editor+` && `+editor+`.value.includes('gold')`)
	w.waitFor("the toast", `L.text('Your unsaved changes are back: review them, then save.')`)
	w.click("Save", `L.role('button', 'Save', `+md+`)`)
	w.waitFor("the toast", `L.text('User metadata updated')`)
	if got, _ := e.md.UserMetadata(t.Context(), id); got["plan"] != "gold" {
		t.Fatalf("metadata after saving the draft: %v", got)
	}
	// A draft is taken once.
	w.reload()
	w.waitFor("the metadata view", md+` && document.querySelector('pre.json')`)
	if v := w.sessionStorage("latchkey-drafts"); v != "" {
		t.Fatalf("drafts left behind: %s", v)
	}
}

// sessionStorage returns a sessionStorage value ("" for none).
func (w *walker) sessionStorage(key string) string {
	w.t.Helper()
	var v string
	if err := w.eval(`sessionStorage.getItem(`+js(key)+`) || ''`, &v); err != nil {
		w.fail("sessionStorage: %v", err)
	}
	return v
}

// TestBrowserCreateUserEmptyFields: empty fields are refused in words,
// without a request.
func TestBrowserCreateUserEmptyFields(t *testing.T) {
	_, w := signedIn(t, options{passwordless: true})
	dlg := `L.role('dialog', 'Create New User')`
	w.click("Add user", `L.role('button', 'Add user')`)
	before := w.writeCount()
	w.click("Create", `L.role('button', 'Create', `+dlg+`)`)
	w.waitFor("the email error", `L.text('Email cannot be empty', `+dlg+`)`)
	w.waitFor("the password error", `L.text('Password cannot be empty', `+dlg+`)`)
	w.focusIs("the email field", `L.label('Email', `+dlg+`)`)
	w.click("Passwordless", `L.label('Passwordless', `+dlg+`)`)
	w.press("Create", `L.role('button', 'Create', `+dlg+`)`)
	w.waitFor("the contact error", `L.text('Email or Phone cannot be empty', `+dlg+`)`)
	w.focusIs("the contact field", `L.label('Email or Phone', `+dlg+`)`)
	if got := w.writesSince(before); len(got) != 0 {
		t.Fatalf("empty fields were sent: %v", got)
	}
	var raw bool
	if err := w.eval(`/parameter|Required|missing/i.test(`+dlg+`.innerText)`, &raw); err != nil || raw {
		t.Fatalf("the dialog shows an API message (%v)", err)
	}
}

// TestBrowserEmailChangeSaysUnverified: changing a verified email says,
// before saving, that the new one will not be verified, readable in light
// and dark mode.
func TestBrowserEmailChangeSaysUnverified(t *testing.T) {
	e, w := signedIn(t, options{})
	tok := w.localStorage("auth-token")
	id := e.signUp("verified@example.com", "pass-word-1")
	e.ok(tok, "PUT", "/public/dashboard/api/user/email/verify", map[string]any{"recipeUserId": id, "verified": true})
	w.openUser(id, "verified@example.com")
	card := `L.role('article', /Email password/)`
	w.waitFor("verified", `L.text('Verified', `+card+`)`)
	w.click("Edit", `L.role('button', 'Edit Email password login')`)
	dlg := `L.role('dialog', 'Edit Email password login')`
	warn := `L.text(/will be not verified/, ` + dlg + `)`
	w.fill("the email", `L.label('Email', `+dlg+`)`, "VERIFIED@example.com")
	w.gone("a warning for the same email", warn)
	w.fill("the email", `L.label('Email', `+dlg+`)`, "changed@example.com")
	w.waitFor("the warning", warn)
	for _, scheme := range []string{"light", "dark"} {
		w.emulateScheme(scheme)
		w.readable("the warning ("+scheme+")", dlg+`.querySelector('.alert-warn')`)
	}
	w.emulateScheme("light")
	w.click("Save", `L.role('button', 'Save', `+dlg+`)`)
	w.gone("the dialog", dlg)
	w.waitFor("not verified", `L.text('Not verified', `+card+`)`)
}

// TestBrowserRemovalsAskFirst: removing a permission from a role asks
// first (as removing a role from a user and revoking one session do, in
// TestBrowserFocusStaysAfterActions), and Cancel keeps it.
func TestBrowserRemovalsAskFirst(t *testing.T) {
	e, w := signedIn(t, options{})
	roles, _ := e.roles.Service()
	if _, err := roles.CreateNewRoleOrAddPermissions(t.Context(), "editor", []string{"read", "write"}); err != nil {
		t.Fatal(err)
	}
	w.click("Roles", `L.role('link', 'Roles and Permissions')`)
	w.click("Manage", `L.role('button', 'Manage role editor')`)
	m := `L.role('dialog', 'Role: editor')`
	w.press("Remove read", `L.role('button', 'Remove permission read', `+m+`)`)
	confirm := `L.role('alertdialog', 'Remove permission?')`
	w.focusIs("Cancel", `L.role('button', 'Cancel', `+confirm+`)`)
	w.key("\r")
	w.gone("the confirmation", confirm)
	w.focusIs("Remove read", `L.role('button', 'Remove permission read', `+m+`)`)
	w.key("\r")
	w.key("\t")
	w.key("\r")
	w.gone("read", `L.role('button', 'Remove permission read', `+m+`)`)
	w.focusIs("the next permission", `L.role('button', 'Remove permission write', `+m+`)`)
	if got, _ := roles.PermissionsForRole(t.Context(), "editor"); !reflect.DeepEqual(got, []string{"write"}) {
		t.Fatalf("permissions: %v", got)
	}
	// Escape closes the confirmation, not the dialog under it.
	w.key("\r")
	w.waitFor("the confirmation", confirm)
	w.key("\x1b")
	w.gone("the confirmation", confirm)
	w.waitFor("the role dialog", m)
}

// TestBrowserRoleNameError: "Role name cannot be empty" goes once the name
// is typed.
func TestBrowserRoleNameError(t *testing.T) {
	_, w := signedIn(t, options{})
	w.click("Roles", `L.role('link', 'Roles and Permissions')`)
	w.click("Add Role", `L.role('button', 'Add Role')`)
	dlg := `L.role('dialog', 'Create New Role')`
	w.click("Create now", `L.role('button', 'Create now', `+dlg+`)`)
	w.waitFor("the error", `L.text('Role name cannot be empty', `+dlg+`)`)
	w.fill("the name", `L.label('Name of Role', `+dlg+`)`, "a")
	w.gone("the error", `L.text('Role name cannot be empty', `+dlg+`)`)
}

// TestBrowserToastsStayClear: a toast with a long text covers neither the
// navigation nor Sign Out, and fits the window, at 1280 px and 390 px, in
// light and dark mode.
func TestBrowserToastsStayClear(t *testing.T) {
	e, w := signedIn(t, options{})
	long := strings.Repeat("role-with-a-long-name-", 7)
	roles, _ := e.roles.Service()
	if _, err := roles.CreateNewRoleOrAddPermissions(t.Context(), long, nil); err != nil {
		t.Fatal(err)
	}
	id := e.signUp("toast@example.com", "pass-word-1")
	for _, width := range []int{1280, 390} {
		for _, scheme := range []string{"light", "dark"} {
			func() {
				t.Logf("%d px, %s", width, scheme)
				w.viewport(width)
				w.emulateScheme(scheme)
				w.openUser(id, "toast@example.com")
				rs := `L.role('region', 'User roles')`
				// Each round assigns the role afresh.
				if _, err := roles.RemoveUserRole(t.Context(), "public", id, long); err != nil {
					t.Fatal(err)
				}
				w.reload()
				w.waitFor("no roles", `L.text(/^No assigned user roles/, `+rs+`)`)
				w.click("Assign role", `L.role('button', 'Assign role', `+rs+`)`)
				w.click("Assign", `L.role('button', 'Assign role', L.role('dialog', 'Assign User Roles'))`)
				toast := `document.querySelector('.toast-success')`
				w.waitFor("the toast", toast)
				w.noOverflow("the toast", toast)
				w.readable("the toast's text", toast+`.querySelector('.toast-text')`)
				// The navigation is at the top of the page (the click scrolled
				// down to the button).
				if err := w.eval(`window.scrollTo(0, 0)`, nil); err != nil {
					t.Fatal(err)
				}
				for _, link := range []string{"Users", "Tenants"} {
					w.uncovered("the "+link+" link", `L.role('link', `+js(link)+`)`)
				}
				w.uncovered("the Roles link", `L.role('link', /^Roles/)`)
				w.uncovered("Sign Out", `L.role('button', 'Sign Out')`)
				w.uncovered("the page heading", `L.role('heading', 'toast@example.com')`)
				if err := w.eval(`document.querySelectorAll('.toast-close').forEach((b) => b.click())`, nil); err != nil {
					t.Fatal(err)
				}
				w.gone("the toast", toast)
			}()
		}
	}
}

// TestBrowserStaleTokenLogsNothing: loading the dashboard with a token
// that no longer works shows the sign-in screen, says why, and logs no
// error in the console (the walker fails on any); a plain load without a
// token says nothing.
func TestBrowserStaleTokenLogsNothing(t *testing.T) {
	e, w := signedIn(t, options{})
	e.ok(w.localStorage("auth-token"), "POST", "/dashboard/api/signout", map[string]any{})
	w.reload()
	w.waitFor("the sign-in screen", `L.role('heading', 'User Management Dashboard')`)
	w.waitFor("why", `L.text(/^Your dashboard session has ended/)`)
	if v := w.localStorage("auth-token"); v != "" {
		t.Fatalf("the stale token is kept: %q", v)
	}
	w.reload()
	w.waitFor("the sign-in screen", `L.role('heading', 'User Management Dashboard')`)
	w.gone("the notice", `L.text(/^Your dashboard session has ended/)`)
	w.signIn(adminEmail)
	w.waitFor("the users page", `L.role('heading', 'User Management')`)
}

// TestBrowserSearchSaysWhatItMatches: the provider search is labelled for
// what the core matches, third-party provider ids, with an example.
func TestBrowserSearchSaysWhatItMatches(t *testing.T) {
	_, w := signedIn(t, options{})
	var opts []string
	if err := w.eval(`[...L.label('Search by').options].map((o) => o.textContent)`, &opts); err != nil {
		t.Fatal(err)
	}
	if want := []string{"Email", "Phone Number", "Third-party provider"}; !reflect.DeepEqual(opts, want) {
		t.Fatalf("search tags %v, want %v", opts, want)
	}
	w.choose("the tag", `L.label('Search by')`, "provider")
	w.waitFor("the example", `L.label('Search value').placeholder === 'e.g. google'`)
	w.fill("the search box", `L.label('Search value')`, "google")
	w.key("\r")
	w.waitFor("the chip", `L.role('button', 'Remove filter Third-party provider: google')`)
	w.waitFor("no results", `L.text('No search results.')`)
}

// TestBrowserUnlockSignIn: a user locked by brute-force protection shows
// "Locked until …" on the login method, and Unlock clears it (issue 11,
// finding 6).
func TestBrowserUnlockSignIn(t *testing.T) {
	e, w := signedIn(t, options{})
	id := e.signUp("lockme@example.com", "pass-word-1")
	for range 5 {
		e.app.Post(t, "/auth/signin", map[string]any{"formFields": []map[string]string{{"id": "email", "value": "lockme@example.com"}, {"id": "password", "value": "wrong-pass-1"}}})
	}
	w.openUser(id, "lockme@example.com")
	card := `L.role('article', /Email password/)`
	w.waitFor("the lock", `L.text(/^Locked until/, `+card+`)`)
	w.shot("signin-locked")
	w.click("Unlock", `L.role('button', 'Unlock', `+card+`)`)
	w.waitFor("the toast", `L.text('Sign-in unlocked')`)
	w.gone("the lock", `L.text(/^Locked until/, `+card+`)`)
	if l, err := e.lk.SignInLock(t.Context(), "public", "lockme@example.com"); err != nil || l.Locked {
		t.Fatalf("after Unlock: %+v %v", l, err)
	}
}

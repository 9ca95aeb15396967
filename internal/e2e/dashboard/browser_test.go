package dashboard

import (
	"fmt"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/latchkey-dev/latchkey/internal/browsertest"
	"github.com/latchkey-dev/latchkey/recipe/dashboard"
)

// signIn fills the sign-in form.
func (w *walker) signIn(email string) {
	w.t.Helper()
	w.waitFor("the sign-in screen", `L.role('heading', 'User Management Dashboard')`)
	w.fill("email", `L.label('Email')`, email)
	w.fill("password", `L.label('Password')`, accountPass)
	w.click("Sign In", `L.role('button', 'Sign In')`)
}

// TestBrowserWalk walks the dashboard in headless Chromium against the SDK
// and a real core, under the SDK's CSP, checking each change on the server
// side too. It fails on any console error, failed request or CSP
// violation (browsertest). Screenshots: test-output/dashboard/.
func TestBrowserWalk(t *testing.T) {
	requireChromium(t)
	dir := shotDir(t, "dashboard")
	e := start(t, options{localhost: true, dash: dashboard.Config{Admins: []string{adminEmail}}})
	w := newWalker(t, e, dir)
	t.Cleanup(func() { t.Logf("screenshots of the walk: %s", dir) })
	ctx := t.Context()

	// Sign in.
	w.navigate(e.URL + "/auth/dashboard")
	w.waitFor("the sign-in screen", `L.role('heading', 'User Management Dashboard')`)
	if !strings.HasPrefix(w.docCSP, "default-src 'self'") {
		t.Fatalf("the page came with Content-Security-Policy %q", w.docCSP)
	}
	w.shot("sign-in")
	w.signIn(adminEmail)
	w.waitFor("the users page", `L.role('heading', 'User Management')`)

	// Empty state.
	w.waitFor("the empty state", `L.text("Currently, you don't have any users.")`)
	w.shot("empty-state")

	// Users created through the SDK appear after a reload.
	alice := e.signUp("alice@example.com", "alice-pass-1")
	e.signUp("bob@example.com", "bob-pass-12")
	e.signUp("carol@example.org", "carol-pass-1")
	if _, err := e.md.UpdateUserMetadata(ctx, alice, map[string]any{"first_name": "Alice", "last_name": "Liddell"}); err != nil {
		t.Fatal(err)
	}
	w.reload()
	w.waitFor("three users", `L.text('Total users: 3')`)
	w.waitFor("Alice by name", `L.role('link', 'Alice Liddell')`)
	w.waitFor("Bob by email", `L.role('link', 'bob@example.com')`)
	w.shot("users")

	// Search by email.
	w.fill("the search box", `L.label('Search value')`, "bob")
	w.click("Search", `L.role('button', 'Search')`)
	w.waitFor("one result", `L.text('1 result')`)
	w.waitFor("Bob in the results", `L.role('link', 'bob@example.com')`)
	w.gone("Alice", `L.role('link', 'Alice Liddell')`)
	w.shot("search")
	w.click("remove the filter", `L.role('button', 'Remove filter Email: bob')`)
	w.waitFor("the whole list", `L.role('link', 'Alice Liddell')`)

	// Open a user.
	w.click("Alice", `L.role('link', 'Alice Liddell')`)
	w.waitFor("Alice's page", `L.role('heading', 'Alice Liddell')`)
	w.waitFor("her metadata", `L.text('"first_name"', L.role('region', 'User metadata'))`)
	w.waitFor("her sessions", `L.role('region', 'Sessions (0)')`)
	w.shot("user")

	// Edit the email.
	w.click("Edit login", `L.role('button', 'Edit Email password login')`)
	dlg := `L.role('dialog', 'Edit Email password login')`
	w.fill("the email", `L.label('Email', `+dlg+`)`, "alice@wonderland.example")
	w.shot("edit-email")
	w.click("Save", `L.role('button', 'Save', `+dlg+`)`)
	w.waitFor("the toast", `L.text('User information updated successfully')`)
	w.gone("the dialog", dlg)
	w.waitFor("the new email", `L.text('alice@wonderland.example', L.role('article', /Email password/))`)
	if u, err := e.lk.User(ctx, alice); err != nil || u.Emails[0] != "alice@wonderland.example" {
		t.Fatalf("the core has %v, %v", u, err)
	}

	// Set verified.
	card := `L.role('article', /Email password/)`
	w.waitFor("not verified", `L.text('Not verified', `+card+`)`)
	w.click("Set as verified", `L.role('button', 'Set as verified', `+card+`)`)
	w.waitFor("verified", `L.text('Verified', `+card+`)`)
	w.shot("verified")
	if u, _ := e.lk.User(ctx, alice); !u.LoginMethods[0].Verified {
		t.Fatal("the core does not have the email verified")
	}

	// Edit metadata: invalid JSON is refused without a request.
	md := `L.role('region', 'User metadata')`
	w.click("Edit metadata", `L.role('button', 'Edit', `+md+`)`)
	editor := `L.label(/^Metadata/, ` + md + `)`
	before := w.writeCount()
	for _, bad := range []string{`{"first_name": `, `[1, 2]`, `null`} {
		w.fill("the metadata editor", editor, bad)
		w.click("Save", `L.role('button', 'Save', `+md+`)`)
		w.waitFor("the JSON error", `L.text('User meta data must be a valid JSON object', `+md+`)`)
	}
	w.shot("metadata-invalid")
	if got := w.writesSince(before); len(got) != 0 {
		t.Fatalf("invalid metadata was sent: %v", got)
	}
	w.fill("the metadata editor", editor, `{"first_name": "Alice", "last_name": "Liddell", "plan": "pro"}`)
	w.click("Save", `L.role('button', 'Save', `+md+`)`)
	w.waitFor("the toast", `L.text('User metadata updated')`)
	w.waitFor("the plan", `L.text('"plan"', `+md+`)`)
	w.shot("metadata")
	if got, _ := e.md.UserMetadata(ctx, alice); got["plan"] != "pro" {
		t.Fatalf("metadata on the core: %v", got)
	}

	// Change the password; "Sign out everywhere" is on by default and ends
	// the session opened with the old one; the user signs in with the new
	// password through the SDK.
	_, r0 := e.fdiSession("alice@wonderland.example", "alice-pass-1")
	w.click("Change password", `L.role('button', 'Change password')`)
	pw := `L.role('dialog', 'Change Password')`
	w.fill("new password", `L.label('New Password', `+pw+`)`, "looking-glass-2")
	w.fill("confirm", `L.label('Confirm Password', `+pw+`)`, "looking-glass-2")
	w.waitFor("sign out everywhere, on by default", `L.label(/^Sign out everywhere/, `+pw+`).checked`)
	w.shot("change-password")
	w.click("Change password", `L.role('button', 'Change password', `+pw+`)`)
	w.waitFor("the toast", `L.text('Password updated')`)
	w.gone("the dialog", pw)
	if c := e.refresh(r0); c != http.StatusUnauthorized {
		t.Errorf("the session from before the password change: refresh answers %d, want 401", c)
	}
	a1, r1 := e.fdiSession("alice@wonderland.example", "looking-glass-2")
	a2, r2 := e.fdiSession("alice@wonderland.example", "looking-glass-2")
	a3, r3 := e.fdiSession("alice@wonderland.example", "looking-glass-2")

	// Revoke one session, then all: refresh and a database check refuse.
	w.reload()
	w.waitFor("three sessions", `L.role('region', 'Sessions (3)')`)
	w.shot("sessions")
	w.click("Revoke one", `L.role('button', /^Revoke session/, L.role('region', 'Sessions (3)'))`)
	w.click("confirm", `L.role('button', 'Revoke session', L.role('alertdialog', 'Revoke session?'))`)
	w.waitFor("two sessions", `L.role('region', 'Sessions (2)')`)
	refused := 0
	for _, a := range []string{a1, a2, a3} {
		if e.checkDB(a) == http.StatusUnauthorized {
			refused++
		}
	}
	if refused != 1 {
		t.Fatalf("%d sessions refused by the database check after revoking one, want 1", refused)
	}
	w.click("Revoke all", `L.role('button', 'Revoke all sessions')`)
	w.click("confirm", `L.role('button', 'Revoke all', L.role('alertdialog', 'Revoke all sessions?'))`)
	w.waitFor("no sessions", `L.text('No active sessions.', L.role('region', 'Sessions (0)'))`)
	for i, a := range []string{a1, a2, a3} {
		if c := e.checkDB(a); c != http.StatusUnauthorized {
			t.Errorf("session %d: the database check answers %d after revoking all, want 401", i, c)
		}
	}
	for i, r := range []string{r1, r2, r3} {
		if c := e.refresh(r); c != http.StatusUnauthorized {
			t.Errorf("session %d: refresh answers %d after revoking all, want 401", i, c)
		}
	}

	// Assign and remove a role.
	roles, _ := e.roles.Service()
	if _, err := roles.CreateNewRoleOrAddPermissions(ctx, "editor", []string{"write:posts"}); err != nil {
		t.Fatal(err)
	}
	rs := `L.role('region', 'User roles')`
	w.waitFor("no roles", `L.text(/^No assigned user roles/, `+rs+`)`)
	w.click("Assign role", `L.role('button', 'Assign role', `+rs+`)`)
	ar := `L.role('dialog', 'Assign User Roles')`
	w.choose("the role", `L.label('Role', `+ar+`)`, "editor")
	w.shot("assign-role")
	w.click("Assign role", `L.role('button', 'Assign role', `+ar+`)`)
	w.waitFor("the role", `L.text('editor', L.role('list', 'Assigned roles', `+rs+`))`)
	if got, _ := roles.RolesForUser(ctx, "public", alice); !reflect.DeepEqual(got, []string{"editor"}) {
		t.Fatalf("roles on the core: %v", got)
	}
	w.shot("role")
	w.click("Remove role", `L.role('button', 'Remove role editor', `+rs+`)`)
	w.click("confirm", `L.role('button', 'Remove role', L.role('alertdialog', 'Remove role?'))`)
	w.waitFor("no roles", `L.text(/^No assigned user roles/, `+rs+`)`)
	if got, _ := roles.RolesForUser(ctx, "public", alice); len(got) != 0 {
		t.Fatalf("roles on the core after removing: %v", got)
	}

	// Delete the user, typing the email to confirm.
	w.click("Delete user", `L.role('button', 'Delete user')`)
	del := `L.role('alertdialog', 'Delete User?')`
	w.fill("confirmation", `L.label('Type alice@wonderland.example to confirm', `+del+`)`, "alice@wonderland.example")
	w.shot("delete")
	w.click("Delete Forever", `L.role('button', 'Delete Forever', `+del+`)`)
	w.waitFor("the toast", `L.text('User deleted successfully')`)
	w.waitFor("the users page", `L.role('heading', 'User Management')`)
	w.waitFor("two users", `L.text('Total users: 2')`)
	if u, err := e.lk.User(ctx, alice); err != nil || u != nil {
		t.Fatalf("the user is still on the core: %v %v", u, err)
	}

	// Sign out: the dashboard session ends on the core.
	token := w.localStorage("auth-token")
	w.click("Sign Out", `L.role('button', 'Sign Out')`)
	w.waitFor("the sign-in screen", `L.role('heading', 'User Management Dashboard')`)
	if v := w.localStorage("auth-token"); v != "" {
		t.Errorf("auth-token after sign-out: %q", v)
	}
	e.refused(token)

	// A read-only account cannot change anything.
	w.signIn(viewerEmail)
	w.waitFor("the users page", `L.role('heading', 'User Management')`)
	w.waitFor("the read-only note", `L.text(/^Your dashboard account is read-only\./)`)
	w.waitFor("a user", `L.role('link', 'bob@example.com')`)
	before = w.writeCount()
	w.checkReadOnly()
	w.shot("read-only-users")
	w.click("Bob", `L.role('link', 'bob@example.com')`)
	w.waitFor("Bob's page", `L.role('heading', 'bob@example.com')`)
	w.waitFor("his sessions", `L.role('region', 'Sessions (0)')`)
	w.waitFor("his metadata", `L.role('region', 'User metadata')`)
	w.checkReadOnly()
	w.shot("read-only-user")
	w.click("Roles", `L.role('link', 'Roles and Permissions')`)
	w.waitFor("the roles page", `L.role('heading', 'Roles and Permissions')`)
	w.waitFor("the role", `L.role('row', /editor/)`)
	w.checkReadOnly()
	if got := w.writesSince(before); len(got) != 0 {
		t.Errorf("a read-only account sent writes: %v", got)
	}
	w.click("Sign Out", `L.role('button', 'Sign Out')`)
	w.waitFor("the sign-in screen", `L.role('heading', 'User Management Dashboard')`)
	w.shot("signed-out")
	if got := w.writesSince(before); !reflect.DeepEqual(got, []string{"POST /auth/dashboard/api/signout"}) {
		t.Errorf("writes of the read-only walk: %v", got)
	}
}

// TestBrowserAPIKeyMode signs in with the API key, sees the users and
// signs out.
func TestBrowserAPIKeyMode(t *testing.T) {
	requireChromium(t)
	dir := shotDir(t, "dashboard-api-key")
	const key = "walk-the-key-42"
	e := start(t, options{localhost: true, dash: dashboard.Config{APIKey: key}})
	e.signUp("dora@example.com", "dora-pass-12")
	w := newWalker(t, e, dir)
	t.Cleanup(func() { t.Logf("screenshots: %s", dir) })
	w.navigate(e.URL + "/auth/dashboard")
	w.waitFor("the key screen", `L.role('heading', 'Enter your API Key')`)
	w.fill("the key", `L.label('API Key')`, key)
	w.shot("api-key")
	w.click("Continue", `L.role('button', 'Continue')`)
	w.waitFor("the users page", `L.role('heading', 'User Management')`)
	w.waitFor("Dora", `L.role('link', 'dora@example.com')`)
	if got := w.localStorage("auth-token"); got != key {
		t.Errorf("auth-token = %q", got)
	}
	w.shot("users")
	w.click("Sign Out", `L.role('button', 'Sign Out')`)
	w.waitFor("the key screen", `L.role('heading', 'Enter your API Key')`)
}

// requireChromium skips the test without Chromium, or fails it when
// CI=true, before any server starts.
func requireChromium(t testing.TB) {
	t.Helper()
	browsertest.Require(t, browsertest.ExecPath() != "", "chromium is not installed (apt-get install -y chromium)")
}

// checkReadOnly checks that every write control on the page is
// aria-disabled with the read-only reason, and that pressing each opens
// nothing and sends nothing.
func (w *walker) checkReadOnly() {
	w.t.Helper()
	var titles []string
	if err := w.eval(`[...document.querySelectorAll('[aria-disabled="true"]')].map((b) => b.title)`, &titles); err != nil {
		w.fail("listing disabled controls: %v", err)
	}
	if len(titles) == 0 {
		w.fail("no write control is disabled for a read-only account")
	}
	for _, title := range titles {
		if !strings.Contains(title, "read-only") {
			w.fail("a disabled control does not say why: %q", title)
		}
	}
	n := w.writeCount()
	for i := range titles {
		w.click(fmt.Sprintf("disabled control %d", i), fmt.Sprintf(`document.querySelectorAll('[aria-disabled="true"]')[%d]`, i))
	}
	time.Sleep(200 * time.Millisecond)
	var dialogs int
	if err := w.eval(`L.roles('dialog').length + L.roles('alertdialog').length`, &dialogs); err != nil || dialogs != 0 {
		w.fail("a disabled control opened a dialog (%d, %v)", dialogs, err)
	}
	if got := w.writesSince(n); len(got) != 0 {
		w.fail("disabled controls sent %v", got)
	}
}

// TestBrowserCSPViolationsFail checks the check itself: an inline style
// injected into the page is a CSP violation, and the walker sees it.
func TestBrowserCSPViolationsFail(t *testing.T) {
	requireChromium(t)
	e := start(t, options{localhost: true})
	w := newWalker(t, e, "")
	var (
		mu   sync.Mutex
		seen []string
	)
	w.b.Allow = func(p string) bool {
		if strings.Contains(p, "style-src") || strings.Contains(p, "Content Security Policy") {
			mu.Lock()
			seen = append(seen, p)
			mu.Unlock()
			return true
		}
		return false
	}
	reported := func() []string {
		mu.Lock()
		defer mu.Unlock()
		return slices.Clone(seen)
	}
	w.navigate(e.URL + "/auth/dashboard")
	w.waitFor("the sign-in screen", `L.role('heading', 'User Management Dashboard')`)
	if err := w.eval(`(() => { const s = document.createElement('style'); s.textContent = 'body { color: red }'; document.head.appendChild(s); return true; })()`, nil); err != nil {
		t.Fatal(err)
	}
	// Both Chromium's own report and the page's securitypolicyviolation
	// listener see it.
	deadline := time.Now().Add(5 * time.Second)
	for len(reported()) < 2 && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	if len(reported()) < 2 {
		t.Fatalf("an inline style under the SDK's CSP was not reported twice: %q", reported())
	}
	t.Logf("reported: %q", reported())
}

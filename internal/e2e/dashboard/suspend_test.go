package dashboard

import (
	"net/http"
	"testing"
	"time"

	"github.com/latchkey-dev/latchkey/recipe/dashboard"
)

// TestSuspendAPI: the dashboard's suspension API (a Latchkey extension)
// suspends with the signed-in account as the actor, revokes the user's
// sessions, marks the user in the list and filters the list; read-only
// accounts are refused; bad input is a 400 or a status, never a 500.
func TestSuspendAPI(t *testing.T) {
	t.Parallel()
	e := start(t, options{dash: dashboard.Config{Admins: []string{adminEmail}}})
	alice := e.signUp("alice@example.com", "alice-pass-1")
	bob := e.signUp("bob@example.com", "bob-pass-12")
	_, refresh := e.fdiSession("alice@example.com", "alice-pass-1")
	admin, viewer := e.signIn(adminEmail), e.signIn(viewerEmail)

	e.wantCode(viewer, "POST", "/dashboard/api/user/suspension", map[string]any{"userId": alice, "reason": "r"}, http.StatusForbidden, "")
	m := e.ok(admin, "POST", "/dashboard/api/user/suspension", map[string]any{"userId": alice, "reason": " chargeback "})
	su := m["suspension"].(map[string]any)
	if su["actor"] != adminEmail || su["reason"] != "chargeback" || su["until"] != nil || m["revokedSessions"] != float64(1) {
		t.Fatalf("suspend: %v", m)
	}
	if code := e.refresh(refresh); code != http.StatusUnauthorized {
		t.Errorf("refresh after the suspension: %d, want 401", code)
	}

	// The list marks her; the filter lists her only.
	list := e.ok(viewer, "GET", "/dashboard/api/users?limit=10", nil)["users"].([]any)
	marked := map[string]bool{}
	for _, u := range list {
		u := u.(map[string]any)
		marked[u["id"].(string)] = u["suspension"] != nil
	}
	if !marked[alice] || marked[bob] || len(marked) != 2 {
		t.Errorf("list marks: %v", marked)
	}
	only := e.ok(viewer, "GET", "/dashboard/api/users?limit=10&suspended=true", nil)["users"].([]any)
	if len(only) != 1 || only[0].(map[string]any)["id"] != alice || only[0].(map[string]any)["suspension"] == nil {
		t.Errorf("suspended filter: %v", only)
	}
	got := e.ok(viewer, "GET", "/dashboard/api/user/suspension?userId="+alice, nil)["suspension"].(map[string]any)
	if got["actor"] != adminEmail || got["suspendedAt"].(float64) <= 0 {
		t.Errorf("GET suspension: %v", got)
	}
	if s := e.ok(viewer, "GET", "/dashboard/api/user/suspension?userId="+bob, nil)["suspension"]; s != nil {
		t.Errorf("bob's suspension: %v", s)
	}

	// Bad input.
	e.want(admin, "POST", "/dashboard/api/user/suspension", map[string]any{"userId": alice, "reason": "again"}, "ALREADY_SUSPENDED_ERROR")
	e.want(admin, "POST", "/dashboard/api/user/suspension", map[string]any{"userId": "nobody", "reason": "r"}, "UNKNOWN_USER_ERROR")
	e.wantCode(admin, "POST", "/dashboard/api/user/suspension", map[string]any{"userId": bob}, http.StatusBadRequest, "Required parameter 'reason' is missing or has an invalid type")
	e.wantCode(admin, "POST", "/dashboard/api/user/suspension", map[string]any{"userId": bob, "reason": " "}, http.StatusBadRequest, "")
	e.wantCode(admin, "POST", "/dashboard/api/user/suspension", map[string]any{"userId": bob, "reason": "r", "until": time.Now().Add(-time.Hour).UnixMilli()},
		http.StatusBadRequest, "Field name 'until' must be a time in the future, in milliseconds since the epoch")
	e.wantCode(admin, "POST", "/dashboard/api/user/suspension", map[string]any{"userId": bob, "reason": "r", "until": "tomorrow"}, http.StatusBadRequest, "")
	e.wantCode(admin, "GET", "/dashboard/api/user/suspension", nil, http.StatusBadRequest, "Missing required parameter 'userId'")
	e.wantCode(admin, "GET", "/dashboard/api/users?limit=10&suspended=true&paginationToken=%21", nil, http.StatusBadRequest, "invalid pagination token")
	e.want(admin, "DELETE", "/dashboard/api/user/suspension?userId="+bob, nil, "NOT_SUSPENDED_ERROR")
	e.want(admin, "DELETE", "/dashboard/api/user/suspension?userId=nobody", nil, "UNKNOWN_USER_ERROR")

	// Reinstate: refused to the viewer, then done by the admin.
	e.wantCode(viewer, "DELETE", "/dashboard/api/user/suspension?userId="+alice, nil, http.StatusForbidden, "")
	e.ok(admin, "DELETE", "/dashboard/api/user/suspension?userId="+alice, nil)
	if only := e.ok(viewer, "GET", "/dashboard/api/users?limit=10&suspended=true", nil)["users"].([]any); len(only) != 0 {
		t.Errorf("suspended filter after reinstating: %v", only)
	}
	e.fdiSession("alice@example.com", "alice-pass-1")
}

// TestBrowserSuspendWalk walks suspending in Chromium: suspend a signed-in
// user from the user page, see the badge in the list and the filter,
// reinstate; a read-only account sees the buttons disabled.
func TestBrowserSuspendWalk(t *testing.T) {
	requireChromium(t)
	dir := shotDir(t, "suspend")
	e := start(t, options{localhost: true, dash: dashboard.Config{Admins: []string{adminEmail}}})
	w := newWalker(t, e, dir)
	ctx := t.Context()
	alice := e.signUp("alice@example.com", "alice-pass-1")
	e.signUp("bob@example.com", "bob-pass-12")
	_, refresh := e.fdiSession("alice@example.com", "alice-pass-1")

	w.navigate(e.URL + "/auth/dashboard")
	w.signIn(adminEmail)
	w.waitFor("the users page", `L.role('heading', 'User Management')`)
	w.click("Alice", `L.role('link', 'alice@example.com')`)
	w.waitFor("Alice's page", `L.role('heading', 'alice@example.com')`)
	access := `L.role('region', 'Access')`
	w.waitFor("active", `L.text('Active', `+access+`)`)

	// Suspend: a reason is required.
	w.click("Suspend user", `L.role('button', 'Suspend user', `+access+`)`)
	dlg := `L.role('dialog', 'Suspend user')`
	before := w.writeCount()
	w.click("Suspend", `L.role('button', 'Suspend', `+dlg+`)`)
	w.waitFor("the reason error", `L.text('Give a reason: operators will read it later', `+dlg+`)`)
	if got := w.writesSince(before); len(got) != 0 {
		t.Fatalf("a suspension without a reason was sent: %v", got)
	}
	w.fill("the reason", `L.label('Reason', `+dlg+`)`, "Chargeback on order 42")
	w.shot("suspend-dialog")
	w.click("Suspend", `L.role('button', 'Suspend', `+dlg+`)`)
	w.gone("the dialog", dlg)
	w.waitFor("suspended", `L.text('Suspended', `+access+`)`)
	w.waitFor("who", `L.text('`+adminEmail+`', `+access+`)`)
	w.waitFor("why", `L.text('Chargeback on order 42', `+access+`)`)
	w.waitFor("until", `L.text('Until reinstated', `+access+`)`)
	w.shot("suspended")
	if m, err := e.lk.Suspensions(ctx, []string{alice}); err != nil || m[alice].Actor != adminEmail {
		t.Fatalf("the core has %v, %v", m, err)
	}
	if code := e.refresh(refresh); code != http.StatusUnauthorized {
		t.Errorf("Alice's refresh after the suspension: %d, want 401", code)
	}

	// The list shows the badge, and the filter shows only her.
	w.click("Back", `L.role('link', 'Back to all users')`)
	w.waitFor("the badge", `L.text('Suspended', L.role('row', /alice@example\.com/))`)
	if n := 0; w.eval(`L.roles('row', /bob@example\.com/).length`, &n) == nil && n != 1 {
		t.Fatalf("bob's rows: %d", n)
	}
	w.gone("a badge on Bob", `L.text('Suspended', L.role('row', /bob@example\.com/))`)
	w.shot("badge")
	w.choose("the filter", `L.label('Show')`, "suspended")
	w.gone("Bob", `L.role('link', 'bob@example.com')`)
	w.waitFor("Alice", `L.role('link', 'alice@example.com')`)
	w.shot("filter")

	// A read-only account sees Reinstate disabled.
	w.click("Sign Out", `L.role('button', 'Sign Out')`)
	w.signIn(viewerEmail)
	w.waitFor("the users page", `L.role('heading', 'User Management')`)
	w.click("Alice", `L.role('link', 'alice@example.com')`)
	w.waitFor("the Reinstate button", `L.role('button', 'Reinstate user', `+access+`)`)
	w.checkReadOnly()
	w.click("Sign Out", `L.role('button', 'Sign Out')`)

	// Reinstate; signing in again returns to the page the viewer left.
	w.signIn(adminEmail)
	w.waitFor("Alice's page", `L.role('heading', 'alice@example.com')`)
	w.click("Reinstate user", `L.role('button', 'Reinstate user', `+access+`)`)
	confirm := `L.role('alertdialog', 'Reinstate user?')`
	w.click("Reinstate", `L.role('button', 'Reinstate', `+confirm+`)`)
	w.gone("the confirmation", confirm)
	w.waitFor("active again", `L.text('Active', `+access+`)`)
	w.shot("reinstated")
	if m, err := e.lk.Suspensions(ctx, []string{alice}); err != nil || len(m) != 0 {
		t.Fatalf("the core still has %v, %v", m, err)
	}

	// She signs in again: her page shows the activity and where the
	// session came from.
	e.signInAs("alice@example.com", "alice-pass-1", firefox)
	w.reload()
	w.waitFor("her sessions", `L.role('region', 'Sessions (1)')`)
	w.waitFor("the device", `L.text('Firefox 128 on Linux')`)
	w.waitFor("the IP", `L.text('127.0.0.1')`)
	w.waitFor("the sign-ins", `L.text('2', L.role('region', 'User information'))`)
	w.shot("activity")
	w.click("Back", `L.role('link', 'Back to all users')`)
	w.click("sort by last active", `L.role('button', /^Last active: sort this page/)`)
	w.waitFor("Alice first", `document.querySelector('.users-table tbody tr') && document.querySelector('.users-table tbody tr').innerText.includes('alice@example.com')`)
	w.click("sort again", `L.role('button', /^Last active: sort this page/)`)
	w.waitFor("Bob first", `document.querySelector('.users-table tbody tr').innerText.includes('bob@example.com')`)
	w.shot("sorted")
}

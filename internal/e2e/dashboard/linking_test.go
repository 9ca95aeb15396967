package dashboard

import (
	"testing"

	"github.com/latchkey-dev/latchkey/recipe/dashboard"
)

// link makes primary a primary user and links recipe to it, in the core.
func (e *env) link(recipe, primary string) {
	e.t.Helper()
	if r := e.core.Post(e.t, "/recipe/accountlinking/user/primary", map[string]any{"recipeUserId": primary}, "rid", "accountlinking"); r.Status(e.t) != "OK" {
		e.t.Fatalf("create primary: %s", r.Body)
	}
	if r := e.core.Post(e.t, "/recipe/accountlinking/user/link", map[string]any{"recipeUserId": recipe, "primaryUserId": primary}, "rid", "accountlinking"); r.Status(e.t) != "OK" {
		e.t.Fatalf("link: %s", r.Body)
	}
}

func (e *env) userCount() float64 {
	e.t.Helper()
	return e.core.Get(e.t, "/public/users/count").JSON(e.t)["count"].(float64)
}

// TestUnlinkAPI: GET /api/user/unlink takes a linked login method out of
// its user, leaving two users; read-only accounts may not.
func TestUnlinkAPI(t *testing.T) {
	e := start(t, options{dash: dashboard.Config{Admins: []string{adminEmail}}})
	ada := e.signUp("ada@example.com", "ada-pass-1")
	tp := e.tpSignUp("google", "g-1", "ada@example.com")
	e.link(tp, ada)
	tok := e.signIn(adminEmail)
	u := e.ok(tok, "GET", "/dashboard/api/user?userId="+tp, nil)["user"].(map[string]any)
	if u["id"] != ada || len(u["loginMethods"].([]any)) != 2 {
		t.Fatalf("the linked user: %v", u)
	}
	if n := e.ok(tok, "GET", "/dashboard/api/users?limit=10", nil)["users"].([]any); len(n) != 1 {
		t.Fatalf("a linked person is listed %d times", len(n))
	}
	e.ok(tok, "GET", "/dashboard/api/user/unlink?recipeUserId="+tp, nil)
	if n := e.userCount(); n != 2 {
		t.Fatalf("users after unlinking = %v, want 2", n)
	}
	u = e.ok(tok, "GET", "/dashboard/api/user?userId="+tp, nil)["user"].(map[string]any)
	if u["id"] != tp || u["isPrimaryUser"] != false {
		t.Fatalf("the unlinked login method: %v", u)
	}
}

// TestBrowserLinkedUser: the user page of a linked person lists every login
// method, marks the primary one, deletes one method alone and unlinks
// another; the list shows the person once, and two users after unlinking.
func TestBrowserLinkedUser(t *testing.T) {
	requireChromium(t)
	dir := shotDir(t, "dashboard-linking")
	e := start(t, options{localhost: true, dash: dashboard.Config{Admins: []string{adminEmail}}})
	ada := e.signUp("ada@example.com", "ada-pass-1")
	tp := e.tpSignUp("google", "g-1", "ada@example.com")
	e.link(tp, ada)
	gh := e.tpSignUp("github", "gh-1", "ada@example.com")
	if r := e.core.Post(t, "/recipe/accountlinking/user/link", map[string]any{"recipeUserId": gh, "primaryUserId": ada}, "rid", "accountlinking"); r.Status(t) != "OK" {
		t.Fatalf("link: %s", r.Body)
	}
	w := newWalker(t, e, dir)
	w.navigate(e.URL + "/auth/dashboard")
	w.signIn(adminEmail)
	w.waitFor("one person", `L.text('Total users: 1')`)
	w.shot("users")

	w.click("Ada", `L.role('link', 'ada@example.com')`)
	ep := `L.role('article', /Email password/)`
	third := `L.role('article', /Third party - google/)`
	w.waitFor("the email-password login", ep)
	w.waitFor("the third-party login", third)
	w.waitFor("the primary mark", `L.text('Primary', `+ep+`)`)
	w.gone("a primary mark on the linked login", `L.text('Primary', `+third+`)`)
	w.waitFor("its own delete", `L.role('button', 'Delete Third party - google login')`)
	w.shot("user")

	// Deleting one login method keeps the person and its other methods.
	github := `L.role('article', /Third party - github/)`
	w.click("Delete", `L.role('button', 'Delete Third party - github login')`)
	del := `L.role('alertdialog', 'Delete login method?')`
	w.waitFor("the confirmation", del)
	w.fill("the confirmation text", `L.label('Type ada@example.com to confirm', `+del+`)`, "ada@example.com")
	w.click("Delete", `L.role('button', 'Delete', `+del+`)`)
	w.gone("the confirmation", del)
	w.gone("the github login", github)
	w.waitFor("the google login", third)
	if n := e.userCount(); n != 1 {
		t.Fatalf("users after deleting one login method = %v, want 1", n)
	}

	w.click("Unlink", `L.role('button', 'Unlink Third party - google login')`)
	confirm := `L.role('alertdialog', 'Unlink login method?')`
	w.waitFor("the confirmation", confirm)
	w.fill("the confirmation text", `L.label('Type ada@example.com to confirm', `+confirm+`)`, "ada@example.com")
	w.click("Unlink", `L.role('button', 'Unlink', `+confirm+`)`)
	w.gone("the confirmation", confirm)
	w.gone("the third-party login", third)
	w.shot("unlinked")
	if n := e.userCount(); n != 2 {
		t.Fatalf("users after unlinking = %v, want 2", n)
	}
}

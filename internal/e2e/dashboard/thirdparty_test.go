package dashboard

import (
	"fmt"
	"strings"
	"testing"

	"github.com/latchkey-dev/latchkey/recipe/dashboard"
)

// tpSignUp makes a third-party user in the core, as the SDK's sign-in
// does once a provider said who the user is, and returns its id.
func (e *env) tpSignUp(provider, providerUserID, email string) string {
	e.t.Helper()
	r := e.core.Post(e.t, "/public/recipe/signinup", map[string]any{"thirdPartyId": provider, "thirdPartyUserId": providerUserID,
		"email": map[string]any{"id": email, "isVerified": true}}, "rid", "thirdparty")
	if r.Status(e.t) != "OK" {
		e.t.Fatalf("signinup: %s", r.Body)
	}
	return r.JSON(e.t)["recipeUserId"].(string)
}

// TestThirdPartyUsers: third-party users in the dashboard API: listed and
// counted with the others, found by provider, shown with their provider
// account, and their email cannot be edited (it is the provider's).
func TestThirdPartyUsers(t *testing.T) {
	e := start(t, options{dash: dashboard.Config{Admins: []string{adminEmail}}})
	tok := e.signIn(adminEmail)
	ada := e.tpSignUp("google", "g-123", "ada@example.com")
	gh := e.tpSignUp("github", "4242", "grace@example.com")
	e.signUp("carol@example.com", "carol-pass-1")

	if n := e.ok(tok, "GET", "/public/dashboard/api/users/count", nil)["count"]; n != float64(3) {
		t.Errorf("count = %v, want 3", n)
	}
	for _, tc := range []struct {
		query string
		want  []string
	}{
		{"provider=goo", []string{ada}},
		{"provider=g", []string{gh, ada}},
		{"provider=github&email=grace", []string{gh}},
		{"provider=nope", nil},
	} {
		found := e.ok(tok, "GET", "/public/dashboard/api/users?limit=10&"+tc.query, nil)["users"].([]any)
		var ids []string
		for _, u := range found {
			ids = append(ids, u.(map[string]any)["id"].(string))
		}
		if fmt.Sprint(ids) != fmt.Sprint(tc.want) {
			t.Errorf("search %s: %v, want %v", tc.query, ids, tc.want)
		}
	}
	u := e.ok(tok, "GET", "/dashboard/api/user?userId="+ada, nil)["user"].(map[string]any)
	lm := u["loginMethods"].([]any)[0].(map[string]any)
	if fmt.Sprint(lm["thirdParty"]) != "map[id:google userId:g-123]" || lm["recipeId"] != "thirdparty" {
		t.Errorf("user %v", u)
	}
	got := e.call(tok, "PUT", "/public/dashboard/api/user", map[string]string{
		"recipeUserId": ada, "recipeId": "thirdparty", "firstName": "", "lastName": "", "email": "other@example.com", "phone": "",
	}).JSON(t)
	if got["status"] != "EMAIL_CHANGE_NOT_ALLOWED_ERROR" {
		t.Errorf("editing a third-party email: %v", got)
	}
	e.ok(tok, "DELETE", "/dashboard/api/user?userId="+gh, nil)
	if n := e.ok(tok, "GET", "/public/dashboard/api/users/count", nil)["count"]; n != float64(2) {
		t.Errorf("count after delete = %v, want 2", n)
	}
}

// TestBrowserThirdPartyUser: in the UI, a third-party user's row shows the
// provider and the provider's user id, a search by provider finds it, and
// its page shows the provider account without a password action or an
// edit of the provider's email.
func TestBrowserThirdPartyUser(t *testing.T) {
	requireChromium(t)
	dir := shotDir(t, "dashboard-thirdparty")
	e := start(t, options{localhost: true, dash: dashboard.Config{Admins: []string{adminEmail}}})
	e.tpSignUp("google", "g-123", "ada@example.com")
	e.signUp("carol@example.com", "carol-pass-1")
	w := newWalker(t, e, dir)

	w.navigate(e.URL + "/auth/dashboard")
	w.signIn(adminEmail)
	w.waitFor("two users", `L.text('Total users: 2')`)
	w.waitFor("the provider", `L.text('Third party - google')`)
	w.waitFor("the provider's user id", `L.text('g-123')`)
	w.shot("users")

	w.choose("the search tag", `L.label('Search by')`, "provider")
	w.fill("the search box", `L.label('Search value')`, "goo")
	w.click("Search", `L.role('button', 'Search')`)
	w.waitFor("one result", `L.text('1 result')`)
	w.waitFor("Ada", `L.role('link', 'ada@example.com')`)
	w.gone("Carol", `L.role('link', 'carol@example.com')`)
	w.shot("search-provider")

	w.click("Ada", `L.role('link', 'ada@example.com')`)
	card := `L.role('article', /Third party/)`
	w.waitFor("the login method", card)
	w.waitFor("the provider account", `L.text('g-123', `+card+`)`)
	w.shot("user")
	var text string
	if err := w.eval(card+`.textContent`, &text); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(text, "Change password") {
		t.Errorf("a third-party login offers a password change: %s", text)
	}
	w.gone("an edit button", `L.role('button', /^Edit Third party/)`)
}

package accountlinking

import (
	"context"
	"log/slog"
	"net/http"
	"testing"

	"github.com/latchkey-dev/latchkey"
	"github.com/latchkey-dev/latchkey/recipe/session"
)

// fakeCore answers /users/by-accountinfo with fixed users and refuses
// everything else, so a rule that would write shows as a failure.
type fakeCore struct{ users []latchkey.User }

func (f *fakeCore) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch r.URL.Path {
	case "/apiversion":
		latchkey.WriteJSON(w, 200, map[string]any{"versions": []string{"5.4"}})
	case "/public/users/by-accountinfo":
		latchkey.WriteJSON(w, 200, map[string]any{"status": "OK", "users": f.users})
	default:
		http.Error(w, "not in the fake core", 404)
	}
}

func user(id string, primary bool, methods ...latchkey.LoginMethod) latchkey.User {
	return latchkey.User{ID: id, IsPrimaryUser: primary, LoginMethods: methods, TenantIDs: []string{"public"}}
}

func ep(id, email string, verified bool) latchkey.LoginMethod {
	return latchkey.LoginMethod{RecipeID: "emailpassword", RecipeUserID: id, Email: email, Verified: verified, TenantIDs: []string{"public"}}
}

func newRecipe(t *testing.T, f *fakeCore, dec ShouldLink) *Recipe {
	t.Helper()
	rc := New(Config{ShouldDoAutomaticAccountLinking: func(context.Context, AccountInfo, *latchkey.User, *session.Session, string) (ShouldLink, error) {
		return dec, nil
	}})
	if _, err := latchkey.New(latchkey.Config{
		AppInfo: latchkey.AppInfo{AppName: "T", APIDomain: "http://localhost:3001", WebsiteDomain: "http://localhost:3000"},
		Core:    latchkey.CoreConfig{Handler: f},
		Recipes: []latchkey.Recipe{session.New(session.Config{}), rc},
		Logger:  slog.New(slog.DiscardHandler),
	}); err != nil {
		t.Fatal(err)
	}
	return rc
}

// TestIsSignUpAllowed walks supertokens-node's table for a new,
// unverified (or verified) login method with an email others have.
func TestIsSignUpAllowed(t *testing.T) {
	link := ShouldLink{ShouldAutomaticallyLink: true, ShouldRequireVerification: true}
	cases := []struct {
		name     string
		users    []latchkey.User
		dec      ShouldLink
		verified bool
		want     bool
	}{
		{"nobody has the email", nil, link, false, true},
		{"linking is off", []latchkey.User{user("u1", false, ep("u1", "a@x", false))}, ShouldLink{}, false, true},
		{"verification not required", []latchkey.User{user("u1", false, ep("u1", "a@x", false))}, ShouldLink{ShouldAutomaticallyLink: true}, false, true},
		{"another unverified user, no primary", []latchkey.User{user("u1", false, ep("u1", "a@x", false))}, link, true, false},
		{"another verified user, no primary", []latchkey.User{user("u1", false, ep("u1", "a@x", true))}, link, false, true},
		{"a primary user, new method unverified", []latchkey.User{user("p", true, ep("p", "a@x", true))}, link, false, false},
		{"a primary user that verified the email", []latchkey.User{user("p", true, ep("p", "a@x", true))}, link, true, true},
		{"a primary user that never verified it", []latchkey.User{user("p", true, ep("p", "a@x", false))}, link, true, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rc := newRecipe(t, &fakeCore{users: c.users}, c.dec)
			got, err := rc.IsSignUpAllowed(t.Context(), "public", AccountInfo{RecipeID: "thirdparty", Email: "a@x", Verified: c.verified}, nil)
			if err != nil || got != c.want {
				t.Fatalf("IsSignUpAllowed = %v, %v; want %v", got, err, c.want)
			}
		})
	}
}

// TestWithoutTheRecipe: the sign-in recipes call a nil *Recipe when the
// app did not add account linking; it allows everything and links nothing.
func TestWithoutTheRecipe(t *testing.T) {
	var rc *Recipe
	u := &latchkey.User{ID: "u1"}
	if ok, err := rc.IsSignUpAllowed(t.Context(), "public", AccountInfo{Email: "a@x"}, nil); !ok || err != nil {
		t.Fatalf("IsSignUpAllowed: %v %v", ok, err)
	}
	if ok, err := rc.IsSignInAllowed(t.Context(), "public", u, "u1", false, nil); !ok || err != nil {
		t.Fatalf("IsSignInAllowed: %v %v", ok, err)
	}
	if got, err := rc.LinkOrCreatePrimary(t.Context(), "public", u, "u1", nil); got != u || err != nil {
		t.Fatalf("LinkOrCreatePrimary: %v %v", got, err)
	}
}

// TestAsNotAllowed: a failed link to the session user becomes the flow's
// status with the reference's text.
func TestAsNotAllowed(t *testing.T) {
	err := AsNotAllowed(&LinkingToSessionUserFailedError{Reason: FailAccountInfoConflict}, StatusSignInUpNotAllowed, ReasonsThirdParty)
	na, ok := err.(*NotAllowedError)
	if !ok || na.Status != StatusSignInUpNotAllowed || na.Reason != ReasonsThirdParty[FailAccountInfoConflict] {
		t.Fatalf("AsNotAllowed = %v", err)
	}
}

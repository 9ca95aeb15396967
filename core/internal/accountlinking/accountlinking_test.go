package accountlinking_test

import (
	"fmt"
	"sync"
	"testing"

	"github.com/latchkey-dev/latchkey/core/coretest"
)

type obj = map[string]any

const al = "rid: accountlinking"

// signUp makes an email-password user and returns its id.
func signUp(t *testing.T, c *coretest.Client, email string) string {
	t.Helper()
	r := c.Post(t, "/public/recipe/signup", obj{"email": email, "password": "linking-1"}, "rid: emailpassword")
	if r.Status(t) != "OK" {
		t.Fatalf("sign-up %s: %s", email, r.Body)
	}
	return r.JSON(t)["user"].(obj)["id"].(string)
}

// signInTP makes (or signs in) a third-party user and returns its id.
func signInTP(t *testing.T, c *coretest.Client, provider, providerUserID, email string) string {
	t.Helper()
	r := c.Post(t, "/public/recipe/signinup", obj{"thirdPartyId": provider, "thirdPartyUserId": providerUserID,
		"email": obj{"id": email, "isVerified": true}}, "rid: thirdparty")
	if r.Status(t) != "OK" {
		t.Fatalf("third-party sign-in %s: %s", email, r.Body)
	}
	return r.JSON(t)["recipeUserId"].(string)
}

// person returns GET /user/id's user: its id, whether primary, and its
// login methods' recipe user ids.
func person(t *testing.T, c *coretest.Client, id string) (string, bool, []string) {
	t.Helper()
	r := c.Get(t, "/user/id?userId="+id)
	if r.Status(t) != "OK" {
		return "", false, nil
	}
	u := r.JSON(t)["user"].(obj)
	var methods []string
	for _, m := range u["loginMethods"].([]any) {
		methods = append(methods, m.(obj)["recipeUserId"].(string))
	}
	return u["id"].(string), u["isPrimaryUser"].(bool), methods
}

func state(t *testing.T, c *coretest.Client, ids ...string) string {
	t.Helper()
	out := ""
	for _, id := range ids {
		p, primary, methods := person(t, c, id)
		out += fmt.Sprintf("%s:%s:%v:%v;", id, p, primary, methods)
	}
	return out
}

func TestRefusalsChangeNothing(t *testing.T) {
	coretest.Run(t, func(t *testing.T, c *coretest.Client) {
		ada := signUp(t, c, "ada@example.com")
		adaTP := signInTP(t, c, "oidc", "o-1", "ada.alt@example.com")
		bob := signUp(t, c, "bob@example.com")
		ada2 := signInTP(t, c, "github", "gh-1", "ada@example.com")
		for _, id := range []string{ada, bob} {
			if r := c.Post(t, "/recipe/accountlinking/user/primary", obj{"recipeUserId": id}, al); r.Status(t) != "OK" {
				t.Fatalf("create primary: %s", r.Body)
			}
		}
		if r := c.Post(t, "/recipe/accountlinking/user/link", obj{"recipeUserId": adaTP, "primaryUserId": ada}, al); r.Status(t) != "OK" {
			t.Fatalf("link: %s", r.Body)
		}
		before := state(t, c, ada, adaTP, bob, ada2)

		cases := []struct {
			name, method, path string
			body               obj
			code               int
			status, text       string
			primary            string
		}{
			{"link to itself when primary", "POST", "/recipe/accountlinking/user/link", obj{"recipeUserId": ada, "primaryUserId": ada}, 200, "OK", "", ""},
			{"link to a non-primary", "POST", "/recipe/accountlinking/user/link", obj{"recipeUserId": ada2, "primaryUserId": ada2}, 200, "INPUT_USER_IS_NOT_A_PRIMARY_USER", "", ""},
			{"link an unknown user", "POST", "/recipe/accountlinking/user/link", obj{"recipeUserId": "nobody", "primaryUserId": ada}, 400, "", "Unknown user ID provided", ""},
			{"link to an unknown user", "POST", "/recipe/accountlinking/user/link", obj{"recipeUserId": ada2, "primaryUserId": "nobody"}, 400, "", "Unknown user ID provided", ""},
			{"link a user linked elsewhere", "POST", "/recipe/accountlinking/user/link", obj{"recipeUserId": adaTP, "primaryUserId": bob}, 200, "RECIPE_USER_ID_ALREADY_LINKED_WITH_ANOTHER_PRIMARY_USER_ID_ERROR", "", ada},
			{"link a primary user", "POST", "/recipe/accountlinking/user/link", obj{"recipeUserId": ada, "primaryUserId": bob}, 200, "RECIPE_USER_ID_ALREADY_LINKED_WITH_ANOTHER_PRIMARY_USER_ID_ERROR", "", ada},
			{"link a conflicting email", "POST", "/recipe/accountlinking/user/link", obj{"recipeUserId": ada2, "primaryUserId": bob}, 200, "ACCOUNT_INFO_ALREADY_ASSOCIATED_WITH_ANOTHER_PRIMARY_USER_ID_ERROR", "", ada},
			{"check a conflicting email", "GET", "/recipe/accountlinking/user/link/check?recipeUserId=" + ada2 + "&primaryUserId=" + bob, nil, 200, "ACCOUNT_INFO_ALREADY_ASSOCIATED_WITH_ANOTHER_PRIMARY_USER_ID_ERROR", "", ada},
			{"primary with a conflicting email", "POST", "/recipe/accountlinking/user/primary", obj{"recipeUserId": ada2}, 200, "ACCOUNT_INFO_ALREADY_ASSOCIATED_WITH_ANOTHER_PRIMARY_USER_ID_ERROR", "", ada},
			{"primary of a linked user", "POST", "/recipe/accountlinking/user/primary", obj{"recipeUserId": adaTP}, 200, "RECIPE_USER_ID_ALREADY_LINKED_WITH_PRIMARY_USER_ID_ERROR", "", ada},
			{"check primary of a linked user", "GET", "/recipe/accountlinking/user/primary/check?recipeUserId=" + adaTP, nil, 200, "RECIPE_USER_ID_ALREADY_LINKED_WITH_PRIMARY_USER_ID_ERROR", "", ada},
			{"primary of an unknown user", "POST", "/recipe/accountlinking/user/primary", obj{"recipeUserId": "nobody"}, 400, "", "Unknown user ID provided", ""},
			{"primary without an id", "POST", "/recipe/accountlinking/user/primary", obj{}, 400, "", "Field name 'recipeUserId' is invalid in JSON input", ""},
			{"check without an id", "GET", "/recipe/accountlinking/user/primary/check", nil, 400, "", "Field name 'recipeUserId' is missing in GET request", ""},
			{"link with a number", "POST", "/recipe/accountlinking/user/link", obj{"recipeUserId": 7, "primaryUserId": ada}, 400, "", "Field name 'recipeUserId' is invalid in JSON input", ""},
			{"unlink an unknown user", "POST", "/recipe/accountlinking/user/unlink", obj{"recipeUserId": "nobody"}, 400, "", "Unknown user ID provided", ""},
			{"email change to a taken email", "PUT", "/recipe/user", obj{"recipeUserId": bob, "email": "ada@example.com"}, 200, "EMAIL_ALREADY_EXISTS_ERROR", "", ""},
			{"email change to a claimed email", "PUT", "/recipe/user", obj{"recipeUserId": bob, "email": "ada.alt@example.com"}, 200, "EMAIL_CHANGE_NOT_ALLOWED_ERROR", "", ""},
		}
		for _, tc := range cases {
			r := c.Do(t, tc.method, tc.path, tc.body, al)
			if r.Code != tc.code {
				t.Errorf("%s: %d %s, want %d", tc.name, r.Code, r.Body, tc.code)
				continue
			}
			if tc.code != 200 {
				if r.Text() != tc.text {
					t.Errorf("%s: %q, want %q", tc.name, r.Text(), tc.text)
				}
				continue
			}
			got := r.JSON(t)
			if got["status"] != tc.status {
				t.Errorf("%s: %s, want %s", tc.name, r.Body, tc.status)
			}
			if tc.primary != "" && got["primaryUserId"] != tc.primary {
				t.Errorf("%s: primaryUserId %v, want %s", tc.name, got["primaryUserId"], tc.primary)
			}
			if after := state(t, c, ada, adaTP, bob, ada2); after != before {
				t.Fatalf("%s changed the store:\n%s\nwas\n%s", tc.name, after, before)
			}
		}
	})
}

func TestRemoveLinkedAccounts(t *testing.T) {
	coretest.Run(t, func(t *testing.T, c *coretest.Client) {
		link := func(n int) (string, string) {
			email := fmt.Sprintf("p%d@example.com", n)
			ep := signUp(t, c, email)
			tp := signInTP(t, c, "oidc", fmt.Sprint("o-", n), email)
			c.Post(t, "/recipe/accountlinking/user/primary", obj{"recipeUserId": ep}, al)
			if r := c.Post(t, "/recipe/accountlinking/user/link", obj{"recipeUserId": tp, "primaryUserId": ep}, al); r.Status(t) != "OK" {
				t.Fatalf("link: %s", r.Body)
			}
			return ep, tp
		}
		// Without the flag, as the reference core, the whole person goes.
		ep, tp := link(1)
		c.Post(t, "/user/remove", obj{"userId": tp})
		if p, _, _ := person(t, c, ep); p != "" {
			t.Fatalf("the primary user survived a default remove")
		}
		// removeAllLinkedAccounts false removes only that login method.
		ep, tp = link(2)
		c.Post(t, "/user/remove", obj{"userId": tp, "removeAllLinkedAccounts": false})
		if p, primary, methods := person(t, c, ep); p != ep || !primary || len(methods) != 1 {
			t.Fatalf("after removing the linked method: %s %v %v", p, primary, methods)
		}
		if r := c.Get(t, "/public/users/count"); r.JSON(t)["count"] != float64(1) {
			t.Fatalf("count: %s", r.Body)
		}
		// Unlinking leaves two users, listed and counted.
		tp = signInTP(t, c, "oidc", "o-3", "p2@example.com")
		c.Post(t, "/recipe/accountlinking/user/link", obj{"recipeUserId": tp, "primaryUserId": ep}, al)
		if r := c.Get(t, "/public/users"); len(r.JSON(t)["users"].([]any)) != 1 {
			t.Fatalf("a linked person is listed more than once: %s", r.Body)
		}
		r := c.Post(t, "/recipe/accountlinking/user/unlink", obj{"recipeUserId": tp}, al)
		if got := r.JSON(t); got["wasLinked"] != true || got["wasRecipeUserDeleted"] != false {
			t.Fatalf("unlink: %s", r.Body)
		}
		if r := c.Get(t, "/public/users"); len(r.JSON(t)["users"].([]any)) != 2 {
			t.Fatalf("after unlink: %s", r.Body)
		}
	})
}

// TestRaceLink: 50 primary users try to link one recipe user at once over
// HTTP; exactly one wins and the others are told who did.
func TestRaceLink(t *testing.T) {
	coretest.Run(t, func(t *testing.T, c *coretest.Client) {
		target := signInTP(t, c, "oidc", "shared", "shared@example.com")
		const n = 50
		primaries := make([]string, n)
		for i := range primaries {
			primaries[i] = signInTP(t, c, "oidc", fmt.Sprint("p-", i), fmt.Sprintf("p%d@example.com", i))
			c.Post(t, "/recipe/accountlinking/user/primary", obj{"recipeUserId": primaries[i]}, al)
		}
		statuses := make([]string, n)
		others := make([]any, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				r := c.Post(t, "/recipe/accountlinking/user/link", obj{"recipeUserId": target, "primaryUserId": primaries[i]}, al)
				if r.Code != 200 {
					statuses[i] = fmt.Sprint(r.Code, " ", r.Text())
					return
				}
				j := r.JSON(t)
				statuses[i], others[i] = j["status"].(string), j["primaryUserId"]
			})
		}
		wg.Wait()
		winner := -1
		for i, s := range statuses {
			switch s {
			case "OK":
				if winner >= 0 {
					t.Fatalf("racers %d and %d both linked", winner, i)
				}
				winner = i
			case "RECIPE_USER_ID_ALREADY_LINKED_WITH_ANOTHER_PRIMARY_USER_ID_ERROR":
			default:
				t.Fatalf("racer %d: %s", i, s)
			}
		}
		if winner < 0 {
			t.Fatal("nobody linked")
		}
		for i, o := range others {
			if i != winner && o != primaries[winner] {
				t.Fatalf("racer %d was told %v, winner %s", i, o, primaries[winner])
			}
		}
		if p, _, _ := person(t, c, target); p != primaries[winner] {
			t.Fatalf("linked to %s, winner %s", p, primaries[winner])
		}
	})
}

// TestSessionOfLinkedUser: a session made for a linked login method has
// the primary user as sub and the login method as rsub, and revoking the
// person's sessions covers it.
func TestSessionOfLinkedUser(t *testing.T) {
	coretest.Run(t, func(t *testing.T, c *coretest.Client) {
		ada := signUp(t, c, "ada@example.com")
		tp := signInTP(t, c, "oidc", "o-1", "ada@example.com")
		c.Post(t, "/recipe/accountlinking/user/primary", obj{"recipeUserId": ada}, al)
		c.Post(t, "/recipe/accountlinking/user/link", obj{"recipeUserId": tp, "primaryUserId": ada}, al)
		r := c.Post(t, "/public/recipe/session", obj{"userId": tp, "enableAntiCsrf": false,
			"userDataInJWT": obj{}, "userDataInDatabase": obj{}})
		if r.Status(t) != "OK" {
			t.Fatalf("create session: %s", r.Body)
		}
		sess := r.JSON(t)["session"].(obj)
		if sess["userId"] != ada || sess["recipeUserId"] != tp {
			t.Fatalf("session: %v", sess)
		}
		handle := sess["handle"].(string)
		got := c.Get(t, "/recipe/session?sessionHandle="+handle).JSON(t)
		if got["userId"] != ada || got["recipeUserId"] != tp {
			t.Fatalf("GET /recipe/session: %v", got)
		}
		// The person's sessions, by its primary id, include it...
		hs := c.Get(t, "/public/recipe/session/user?userId="+ada).JSON(t)["sessionHandles"].([]any)
		if len(hs) != 1 {
			t.Fatalf("sessions of the person: %v", hs)
		}
		// ...but not when asked for the primary login method alone.
		hs = c.Get(t, "/public/recipe/session/user?userId="+ada+"&fetchSessionsForAllLinkedAccounts=false").JSON(t)["sessionHandles"].([]any)
		if len(hs) != 0 {
			t.Fatalf("sessions of the primary login method alone: %v", hs)
		}
		r = c.Post(t, "/public/recipe/session/remove", obj{"userId": ada})
		if revoked := r.JSON(t)["sessionHandlesRevoked"].([]any); len(revoked) != 1 {
			t.Fatalf("revoke the person's sessions: %s", r.Body)
		}
	})
}

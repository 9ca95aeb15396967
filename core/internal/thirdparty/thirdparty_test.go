package thirdparty_test

import (
	"sync"
	"testing"

	"github.com/latchkey-dev/latchkey/core/coretest"
)

type obj = map[string]any

func signInUp(t *testing.T, c *coretest.Client, tpID, tpUser, email string, verified bool) obj {
	t.Helper()
	r := c.Post(t, "/public/recipe/signinup", obj{"thirdPartyId": tpID, "thirdPartyUserId": tpUser,
		"email": obj{"id": email, "isVerified": verified}}, "rid", "thirdparty")
	if r.Status(t) != "OK" {
		t.Fatalf("signinup: %s", r.Body)
	}
	return r.JSON(t)
}

// TestRaceSignUp: 50 sign-ups of one account at once over HTTP make one
// user, and every one of them answers it.
func TestRaceSignUp(t *testing.T) {
	coretest.Run(t, func(t *testing.T, c *coretest.Client) {
		const n = 50
		ids := make([]string, n)
		created := make([]bool, n)
		start := make(chan struct{})
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				<-start
				b := signInUp(t, c, "google", "race", "race@example.com", false)
				ids[i], _ = b["recipeUserId"].(string)
				created[i], _ = b["createdNewUser"].(bool)
			})
		}
		close(start)
		wg.Wait()
		winners := 0
		for i := range n {
			if created[i] {
				winners++
			}
			if ids[i] != ids[0] || ids[i] == "" {
				t.Fatalf("racer %d got user %q, racer 0 %q", i, ids[i], ids[0])
			}
		}
		if winners != 1 {
			t.Fatalf("%d racers created the user", winners)
		}
		if got := c.Get(t, "/public/users/count?includeRecipeIds=thirdparty").JSON(t)["count"]; got != float64(1) {
			t.Fatalf("count = %v", got)
		}
	})
}

// TestSignInUpKeepsTheUser: a sign-in with another email changes the
// email and keeps the user, its join time and its sessions' user id.
func TestSignInUpKeepsTheUser(t *testing.T) {
	coretest.Run(t, func(t *testing.T, c *coretest.Client) {
		first := signInUp(t, c, "okta-acme", "00u1", "ada@acme.example", true)
		second := signInUp(t, c, "okta-acme", "00u1", "ada.lovelace@acme.example", false)
		u1, u2 := first["user"].(obj), second["user"].(obj)
		if first["createdNewUser"] != true || second["createdNewUser"] != false || u1["id"] != u2["id"] || u1["timeJoined"] != u2["timeJoined"] {
			t.Fatalf("first %v\nsecond %v", first, second)
		}
		lm := u2["loginMethods"].([]any)[0].(obj)
		// The new email is not verified: only the old one was.
		if lm["email"] != "ada.lovelace@acme.example" || lm["verified"] != false {
			t.Fatalf("login method %v", lm)
		}
		// Another tenant's path finds nothing of the public tenant's.
		r := c.Get(t, "/public/users/by-accountinfo?email=ada%40acme.example&doUnionOfAccountInfo=true")
		if users := r.JSON(t)["users"].([]any); len(users) != 0 {
			t.Fatalf("the old email still finds %v", users)
		}
	})
}
